"""Rows benchmark: one organisation's year of invoice files into the DataStore, ours beside ckanext-xloader 2.6.

Run from the repository root::

    .venv/bin/python benchmarks/rows.py                  # 12 monthly files, 400,000 rows
    .venv/bin/python benchmarks/rows.py --rows 40000     # a smaller year
    .venv/bin/python benchmarks/rows.py --profile /tmp/rows.prof   # cProfile of our load (slower)

It starts CKAN from test.ini on the embedded PostgreSQL under ``OPENUP_HOME`` (default ./.openup) with the
DataStore beside it (``embedded_db.use_datastore``), databases ``openup_rowsbench`` and
``openup_rowsbench_datastore``, made anew on every run. It generates Sundsvall's year as ``openup prepare``
writes it (Swedish spec 1.1 layout: UTF-8, commas, ISO dates, decimal point; a long tail of suppliers,
credit notes) and uploads the 12 months to a supplier-invoice dataset (the guard
reads them at the door; not timed). Then each loader runs in a process of its own, one file after the other:

- ours: ``rows.loading.load_resource`` on each uploaded resource, what the RQ job runs: read and check
  every row with the ``openup inspect`` reader, typed columns (``date``, ``numeric``, ``text``), data
  dictionary, old rows replaced in one transaction, ``q=`` full-text search ready at the end;
- ckanext-xloader 2.6, direct load, as its job runs it: ``load_csv`` (COPY, every column ``text``, then its
  ``_full_text`` UPDATE), ``calculate_record_count`` and ``create_column_indexes``, on link resources of
  another dataset (it takes the file from disk here, not over HTTP);
- ckanext-xloader 2.6, typed path (``load_table``: tabulator type guessing, ``datastore_create`` in chunks
  of 250 rows) on the first ``--typed-months`` months only: it is too slow for the whole year.

xloader is installed with ``--no-deps`` into ./.xloader-bench from benchmarks/xloader-requirements.txt on the
first run (its metadata asks for newer certifi, idna and urllib3 than CKAN 2.12 pins). Peak memory is the
process's ru_maxrss; the rise above the process after CKAN's start is printed too. PostgreSQL's own work is in
the wall clock, not in the process's memory.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import invoice_fixtures  # noqa: E402 - a sibling module: benchmarks run as scripts

ROOT = Path(__file__).resolve().parents[1]
XLOADER_TARGET = ROOT / ".xloader-bench"
XLOADER_REQUIREMENTS = ROOT / "benchmarks" / "xloader-requirements.txt"

YEAR = 2025
MONTHS = 12
ORGANISATION = "rowsbench"
OURS_DATASET = "rowsbench-supplier-invoices-2025"
XLOADER_DATASET = "rowsbench-xloader-copies-2025"
HEADER = ("kopare_id", "kopare", "verifikationsnummer", "leverantor", "leverantor_id", "konto_nr", "konto_text",
          "datum", "forvaltning", "fakturanummer", "belopp", "grund", "avtal", "kommun_id", "s_kod_nr")
# Words supplier names are made of: a long tail of 4,000 suppliers, a few hundred of them paid most.
_TRADES = ("Bygg", "Städ", "Skolmat", "Kontorsvaror", "Transport", "El", "VVS", "Konsult", "Data", "Vård",
           "Omsorg", "Måleri", "Tryck", "Trädgård", "Säkerhet", "Fastighets", "Livsmedel", "Möbel", "Buss", "Tolk")
_PLACES = ("Norrland", "Sundsvall", "Medelpad", "Alnö", "Njurunda", "Matfors", "Timrå", "Härnösand", "Mitt",
           "Sverige", "Nordic", "Kusten", "Selånger", "Stöde", "Liden", "Indal")
_FORMS = ("AB", "AB", "AB", "Aktiebolag", "HB", "KB", "ekonomisk förening")
_ACCOUNTS = tuple((str(number), text) for number, text in (
    (4010, "Förbrukningsmaterial"), (4110, "Livsmedel"), (4410, "Konsulttjänster"), (4520, "Entreprenader"),
    (4610, "Hyra av lokaler"), (4710, "Transporter"), (5010, "Lokalhyra"), (5410, "Förbrukningsinventarier"),
    (5520, "Reparation och underhåll"), (5611, "Drivmedel"), (6110, "Kontorsmateriel"), (6212, "Mobiltelefon"),
    (6420, "Tjänsteresor"), (6550, "Konsultarvoden"), (6910, "Licenser"), (7010, "Köp av verksamhet")))
_DEPARTMENTS = ("Barn- och utbildningsförvaltningen", "Individ- och arbetsmarknadsförvaltningen",
                "Vård- och omsorgsförvaltningen", "Kultur- och fritidsförvaltningen", "Stadsbyggnadskontoret",
                "Drift- och servicenämnden", "Kommunstyrelsekontoret", "Miljökontoret", "Lantmäteriet")
_BASES = ("upphandling", "upphandling", "ramavtal", "ramavtal", "direktupphandling", "annat", "")
# Share of month rows: fewer in July, more in December.
_MONTH_WEIGHTS = (1.0, 0.95, 1.05, 1.0, 1.05, 1.0, 0.6, 0.9, 1.05, 1.1, 1.05, 1.25)


# -- the files -------------------------------------------------------------------------------------

def organisation_number(rng: random.Random) -> str:
    """A Swedish organisation number with a valid check digit (third digit 6 or more: never a personnummer)."""
    from stdnum import luhn

    body = f"{rng.choice((55, 55, 55, 76, 80, 96))}{rng.randint(6, 9)}{rng.randint(0, 999_999):06d}"
    return body + luhn.calc_check_digit(body)


def suppliers(rng: random.Random, count: int = 4000) -> list[tuple[str, str]]:
    """``count`` companies. No redacted sole traders: ``inspect`` (and so the guard) still refuses the empty
    ``leverantor_id`` that ``openup prepare`` writes for them."""
    found = []
    for number in range(count):
        name = f"{rng.choice(_PLACES)} {rng.choice(_TRADES)}{rng.choice(('', 'service', 'gruppen', 'partner'))}"
        found.append((f"{name} {number} {rng.choice(_FORMS)}", organisation_number(rng)))
    return found


def month_sizes(rows: int) -> list[int]:
    total = sum(_MONTH_WEIGHTS)
    sizes = [int(rows * weight / total) for weight in _MONTH_WEIGHTS]
    sizes[-1] += rows - sum(sizes)
    return sizes


def amount(rng: random.Random) -> str:
    """Most invoices a few thousand kronor, a few in millions; 4 % are credit notes."""
    value = min(rng.lognormvariate(8.5, 1.6), 25_000_000)
    return f"{'-' if rng.random() < 0.04 else ''}{value:.2f}"


def write_year(folder: Path, rows: int, seed: int = 2025) -> list[Path]:
    """Write the year's 12 monthly files (spec 1.1, as prepared) into ``folder``."""
    rng = random.Random(seed)
    known = suppliers(rng)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(known))]
    paths = []
    voucher = 1_000_000
    for month, size in enumerate(month_sizes(rows), start=1):
        path = folder / f"leverantorsfakturor-{YEAR}-{month:02d}.csv"
        chosen = rng.choices(known, weights=weights, k=size)
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(HEADER)
            for supplier, supplier_id in chosen:
                voucher += 1
                account, account_text = rng.choice(_ACCOUNTS)
                base = rng.choice(_BASES)
                writer.writerow((
                    "2120002411", "Sundsvalls kommun", str(voucher), supplier, supplier_id, account, account_text,
                    f"{YEAR}-{month:02d}-{rng.randint(1, 28):02d}", rng.choice(_DEPARTMENTS),
                    f"{rng.randint(0, 99_999_999):08d}", amount(rng), base,
                    f"AVT-{rng.randint(2019, YEAR)}-{rng.randint(1, 400):04d}" if base == "ramavtal" else "",
                    "2281", ""))
        paths.append(path)
    return paths


# -- CKAN --------------------------------------------------------------------------------------------

def start_ckan(database: str, fresh: bool = False, datastore: bool = True) -> Any:
    """CKAN from test.ini on the embedded PostgreSQL, its DataStore beside it; ``fresh`` drops both first."""
    from ckanext.openup.embedded_db import (
        URL_VARIABLE,
        database_url,
        drop_sibling_database,
        use_datastore,
        use_embedded,
    )
    from ckanext.openup.embedded_redis import use_private_redis

    home = Path(os.environ.get("OPENUP_HOME") or ROOT / ".openup").resolve()
    if fresh and not os.environ.get(URL_VARIABLE):
        server = database_url("postgres", home)
        for name in (f"{database}_datastore", database):
            drop_sibling_database(server, name)
    url = use_embedded(database, home)
    use_datastore(url)
    # The DataStore's datastore_create (xloader's typed path) asks RQ about record-count jobs.
    use_private_redis(home / "rowsbench-redis")
    os.environ.setdefault("CKAN_STORAGE_PATH", str(home / "rowsbench-storage"))
    from ckanext.openup.search import backend

    backend.force()
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(ROOT / "test.ini"))
    config["testing"] = "false"
    if not datastore:
        # Uploading the files must not load them: the loads are what the measuring processes time.
        config["ckan.plugins"] = " ".join(name for name in config["ckan.plugins"].split() if name != "datastore")
    app = make_app(config)
    for name in ("ckan", "ckanext", "ckan.lib.datapreview"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from ckan import model

    model.repo.init_db()
    return app


def site_context() -> dict[str, Any]:
    from ckanext.openup.rows.loading import site_context as loading_site_context

    return loading_site_context()


def prepare(database: str, files: list[Path], typed_months: int) -> dict[str, list[str]]:
    """A fresh catalogue: the 12 months uploaded to our dataset, and link resources for xloader's loads."""
    start_ckan(database, fresh=True, datastore=False)
    import ckan.plugins.toolkit as toolkit
    from werkzeug.datastructures import FileStorage

    organisation = toolkit.get_action("organization_create")(
        site_context(),
        dict(invoice_fixtures.supplier_invoices().SUNDSVALL, name=ORGANISATION, title="Sundsvalls kommun"))
    ours = toolkit.get_action("package_create")(site_context(), invoice_fixtures.supplier_invoices().supplier_invoice(
        organisation, year=YEAR, name=OURS_DATASET, resources=[]))
    resources: dict[str, list[str]] = {"ours": [], "xloader": [], "xloader_typed": []}
    for month, path in enumerate(files, start=1):
        with path.open("rb") as stream:
            created = toolkit.get_action("resource_create")(site_context(), {
                "package_id": ours["id"], "name": f"{YEAR}-{month:02d}", "format": "CSV",
                "period": f"{YEAR}-{month:02d}", "url": path.name,
                "upload": FileStorage(stream, filename=path.name, content_type="text/csv")})
        resources["ours"].append(created["id"])
    # Links (not uploads): our loader leaves them alone, xloader loads them from the files on disk.
    links = [
        {"name": f"{way} {YEAR}-{month:02d}", "format": "CSV", "period": f"{YEAR}-{month:02d}",
         "url": f"https://example.org/rowsbench/{way}/{path.name}"}
        for way, count in (("xloader", len(files)), ("xloader_typed", typed_months))
        for month, path in enumerate(files[:count], start=1)]
    copies = toolkit.get_action("package_create")(site_context(), invoice_fixtures.supplier_invoices().supplier_invoice(
        organisation, year=YEAR, name=XLOADER_DATASET, resources=links))
    for created in copies["resources"]:
        resources["xloader_typed" if created["name"].startswith("xloader_typed") else "xloader"].append(created["id"])
    return resources


# -- one loader, in a process of its own -----------------------------------------------------------

def measure(database: str, way: str, resource_ids: list[str], files: list[Path], profile: str | None) -> dict[str, Any]:
    start_ckan(database)
    if way.startswith("xloader"):
        sys.path.append(str(XLOADER_TARGET))
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    load = {"ours": _load_ours, "xloader": _load_xloader_copy, "xloader_typed": _load_xloader_typed}[way]
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    cpu_started = time.process_time()
    for resource_id, path in zip(resource_ids, files, strict=False):
        if profiler:
            profiler.runcall(load, resource_id, path)
        else:
            load(resource_id, path)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if profiler:
        profiler.dump_stats(profile)
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mb": peak_kb / 1024,
            "rise_mb": (peak_kb - baseline_kb) / 1024, **_what_was_loaded(resource_ids)}


def _load_ours(resource_id: str, _path: Path) -> None:
    from ckanext.openup.rows.loading import load_resource

    if load_resource(resource_id, force=True) is None:
        raise RuntimeError(f"resource {resource_id} was not loaded")


def _xloader_logger() -> logging.Logger:
    logger = logging.getLogger("rowsbench.xloader")
    logger.setLevel(logging.WARNING)
    return logger


def _load_xloader_copy(resource_id: str, path: Path) -> None:
    """What xloader's job does after downloading the file, on its direct (COPY) path."""
    from ckanext.xloader import loader

    logger = _xloader_logger()
    fields = loader.load_csv(str(path), resource_id=resource_id, mimetype="text/csv", logger=logger)
    loader.calculate_record_count(resource_id=resource_id, logger=logger)
    loader.create_column_indexes(fields=fields, resource_id=resource_id, logger=logger)


def _load_xloader_typed(resource_id: str, path: Path) -> None:
    """xloader's typed path, as its job runs it with ``use_type_guessing``."""
    from ckanext.xloader import loader

    logger = _xloader_logger()
    loader.load_table(str(path), resource_id=resource_id, mimetype="text/csv", logger=logger)
    loader.calculate_record_count(resource_id=resource_id, logger=logger)


def _what_was_loaded(resource_ids: list[str]) -> dict[str, Any]:
    """Rows, column types and a full-text search, asked through the DataStore's own actions."""
    import ckan.plugins.toolkit as toolkit

    rows = 0
    for resource_id in resource_ids:
        found = toolkit.get_action("datastore_search")(site_context(), {"resource_id": resource_id, "limit": 0})
        rows += found["total"]
    found = toolkit.get_action("datastore_search")(site_context(), {"resource_id": resource_ids[0], "limit": 0})
    types = {field["id"]: field["type"] for field in found["fields"]}
    [first] = toolkit.get_action("datastore_search")(
        site_context(), {"resource_id": resource_ids[0], "limit": 1, "sort": "_id"})["records"]
    word = str(first["leverantor"]).split()[0]
    hits = toolkit.get_action("datastore_search")(
        site_context(), {"resource_id": resource_ids[0], "q": word, "limit": 0})["total"]
    return {"rows": rows, "types": types, "search_word": word, "search_hits": hits}


# -- the run ---------------------------------------------------------------------------------------

def ensure_xloader() -> None:
    if (XLOADER_TARGET / "ckanext" / "xloader" / "loader.py").exists():
        return
    print(f"Installing ckanext-xloader 2.6.0 into {XLOADER_TARGET} (once)...", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(XLOADER_TARGET), "-r", str(XLOADER_REQUIREMENTS)], check=True)
    # Its namespace __init__ would hide .venv's ckanext; without it ckanext.xloader joins the namespace.
    (XLOADER_TARGET / "ckanext" / "__init__.py").unlink(missing_ok=True)


def run_measurement(args: argparse.Namespace, way: str, resource_ids: list[str], files: list[Path]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", way, "--database", args.database,
               "--resources", ",".join(resource_ids), "--files", ",".join(str(path) for path in files)]
    if args.profile and way == "ours":
        command += ["--profile", args.profile]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{way} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=400_000, help="rows in the year (default 400000)")
    parser.add_argument("--typed-months", type=int, default=1,
                        help="months xloader's typed path loads (default 1; 0 skips it)")
    parser.add_argument("--skip-xloader", action="store_true", help="measure our loader only")
    parser.add_argument("--profile", help="write a cProfile of our load to this file")
    parser.add_argument("--keep", type=Path, help="folder to keep the generated files in")
    parser.add_argument("--database", default="openup_rowsbench", help="embedded database name")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--resources", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:
        files = [Path(path) for path in args.files.split(",")]
        print(json.dumps(measure(args.database, args.measure, args.resources.split(","), files, args.profile)))
        return 0

    if not args.skip_xloader:
        ensure_xloader()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="rowsbench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        files = write_year(folder, args.rows)
        size = sum(path.stat().st_size for path in files)
        print(f"Generated {args.rows:,} rows in {len(files)} monthly files, {size / 1e6:.0f} MB, "
              f"in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        typed_months = 0 if args.skip_xloader else min(args.typed_months, len(files))
        resources = prepare(args.database, files, typed_months)
        print(f"Uploaded the months through resource_create (the guard reads each file) in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        results = {"ours": run_measurement(args, "ours", resources["ours"], files)}
        if not args.skip_xloader:
            results["xloader"] = run_measurement(args, "xloader", resources["xloader"], files)
            if typed_months:
                results["xloader_typed"] = run_measurement(
                    args, "xloader_typed", resources["xloader_typed"], files[:typed_months])
    print_report(args.rows, results, load_before)
    if "xloader" not in results:
        return 0
    return 0 if rate(results["ours"]) >= rate(results["xloader"]) else 1


def rate(result: dict[str, Any]) -> float:
    return result["rows"] / result["seconds"]


TITLES = {
    "ours": "ours: load_resource",
    "xloader": "xloader 2.6 load_csv (COPY)",
    "xloader_typed": "xloader 2.6 load_table (typed)",
}


def _types(result: dict[str, Any]) -> str:
    types = result["types"]
    kinds = sorted({kind for name, kind in types.items() if not name.startswith("_")})
    if kinds == ["text"]:
        return "all text"
    return ", ".join(f"{name} {types[name]}" for name in ("datum", "belopp", "kopare_id", "fakturanummer"))


def print_report(rows: int, results: dict[str, dict[str, Any]], load_before: tuple[float, float, float]) -> None:
    ways = list(results)
    table = [
        ("", *(TITLES[way] for way in ways)),
        ("Rows loaded", *(f"{results[way]['rows']:,}" for way in ways)),
        ("Wall clock (s)", *(f"{results[way]['seconds']:.1f}" for way in ways)),
        ("Rows per second", *(f"{rate(results[way]):,.0f}" for way in ways)),
        ("CPU of the loading process (s)", *(f"{results[way]['cpu_seconds']:.1f}" for way in ways)),
        ("Peak memory of the process (MB)", *(f"{results[way]['peak_mb']:.0f}" for way in ways)),
        ("Peak above CKAN's start (MB)", *(f"{results[way]['rise_mb']:.0f}" for way in ways)),
        ("Column types", *(_types(results[way]) for way in ways)),
        ("q= full-text hits, month 1", *(f"{results[way]['search_hits']:,} ({results[way]['search_word']})"
                                          for way in ways)),
    ]
    widths = [max(len(row[index]) for row in table) for index in range(len(ways) + 1)]
    rule = "  ".join("-" * width for width in widths)
    print()
    print(f"Rows benchmark: one organisation's year, {rows:,} rows in {MONTHS} monthly files (spec 1.1, prepared)")
    print("Machine: {} cores; load average {:.1f} / {:.1f} / {:.1f} before, {:.1f} / {:.1f} / {:.1f} after".format(
        os.cpu_count(), *load_before, *os.getloadavg()))
    print(rule)
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(rule)
    print("ours: every row read and checked (identity numbers refused), typed columns, data dictionary in three "
          "languages, old rows replaced in one transaction.")
    print("xloader load_csv: every column text; the table is emptied before the load "
          "(readers see an empty month meanwhile).")
    if "xloader_typed" in results:
        print("xloader load_table: types guessed from a sample; months loaded: "
              f"{results['xloader_typed']['rows']:,} rows (the first month(s) only).")
    if "xloader" in results:
        ratio = rate(results["ours"]) / rate(results["xloader"])
        verdict = "OK" if ratio >= 1 else "MISSED"
        print(f"Ours loads {ratio:.2f}x xloader's direct rate (target: at least 1x with typed columns: {verdict})")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
