"""Feed benchmark: an organisation's whole harvest feed against ckanext-dcat's paged /catalog.rdf.

Run from the repository root::

    .venv/bin/python benchmarks/feed.py            # reuse the organisation when the database holds it
    .venv/bin/python benchmarks/feed.py --fresh    # recreate its 2,000 supplier-invoice datasets

It starts CKAN itself from test.ini (every plugin the tests load: openup_search, openup, scheming,
dcat with the DCAT-AP-SE profile) on the embedded PostgreSQL under ``OPENUP_HOME`` (default ./.openup),
database ``openup_feedbench``. The organisation's datasets are made with ``package_create`` and the
real ``supplier-invoices`` schema (validation and indexing included; timed apart). Then each way of
delivering the organisation's catalogue runs in a process of its own, through the Flask test client:

- ours: ``GET /organization/<org>/catalog.rdf``, the whole feed in one response;
- ckanext-dcat: ``GET /catalog.rdf?fq=organization:<org>``, following ``hydra:next`` through every
  page (100 datasets a page) as a harvester does.

Each process warms up on a one-dataset organisation, then times the delivery; peak memory is the rise
of the process's ru_maxrss above its level after the warm-up. Every response is parsed with rdflib
afterwards (outside the timing) to check both deliver the same datasets.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import invoice_fixtures  # noqa: E402 - a sibling module: benchmarks run as scripts

ROOT = Path(__file__).resolve().parents[1]

ORGANISATION = "feedbench"
WARM_UP_ORGANISATION = "feedbench-warm-up"
MONTHS = 12
SPEED_TARGET = 2.0
_NEXT_PAGE = re.compile(r"<hydra:next(?: [^>]*)?>([^<]+)</hydra:next>")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="recreate the organisation and its datasets")
    parser.add_argument("--datasets", type=int, default=2_000, help="datasets in the organisation (default 2000)")
    parser.add_argument("--runs", type=int, default=1, help="timed deliveries per way, best kept (default 1)")
    parser.add_argument("--database", default="openup_feedbench", help="embedded database name")
    parser.add_argument("--measure", choices=("ours", "dcat"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:
        print(json.dumps(measure(args.database, args.measure, args.runs)))
        return 0

    creation = prepare(args.database, args.datasets, args.fresh)
    results = {way: run_measurement(args, way) for way in ("ours", "dcat")}
    print_report(args, creation, results)
    ours, dcat = results["ours"], results["dcat"]
    same = ours["datasets"] == dcat["datasets"] == args.datasets
    return 0 if same and dcat["seconds"] >= SPEED_TARGET * ours["seconds"] else 1


# -- CKAN set-up and the organisation -------------------------------------------------------------

def start_ckan(database: str) -> Any:
    """CKAN from test.ini with the tests' plugins, on the embedded PostgreSQL."""
    from ckanext.openup.embedded_db import use_embedded
    from ckanext.openup.embedded_redis import use_private_redis

    home = Path(os.environ.get("OPENUP_HOME") or ROOT / ".openup").resolve()
    use_embedded(database, home)
    use_private_redis(home / "feedbench-redis")
    os.environ.setdefault("CKAN_STORAGE_PATH", str(home / "feedbench-storage"))
    from ckanext.openup.search import backend

    backend.force()
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(ROOT / "test.ini"))
    config["testing"] = "false"
    app = make_app(config)
    logging.getLogger("ckan.lib.datapreview").setLevel(logging.ERROR)  # a warning per dataset shown
    from ckan import model

    model.repo.init_db()
    return app


def prepare(database: str, count: int, fresh: bool) -> dict[str, Any]:
    """Make sure the organisation holds ``count`` public supplier-invoice datasets; time their creation."""
    app = start_ckan(database)
    import ckan.plugins.toolkit as toolkit

    with app._wsgi_app.test_request_context():
        held = _dataset_count(ORGANISATION)
        if not fresh and held == count and _dataset_count(WARM_UP_ORGANISATION) == 1:
            print(f"Reusing {ORGANISATION!r}: {held:,} datasets in {database}", flush=True)
            return {"reused": True, "datasets": held}
        print(f"Creating {count:,} supplier-invoice datasets of {MONTHS} files in {ORGANISATION!r} "
              f"(database {database}, held {held:,})...", flush=True)
        for name in (ORGANISATION, WARM_UP_ORGANISATION):
            _purge_organisation(name)
        organisations = {
            name: toolkit.get_action("organization_create")(_sysadmin_context(), _organisation_fields(name))
            for name in (ORGANISATION, WARM_UP_ORGANISATION)
        }
        warm_up = supplier_invoice(organisations[WARM_UP_ORGANISATION], 0)
        toolkit.get_action("package_create")(_sysadmin_context(), warm_up)
        started = time.perf_counter()
        for number in range(count):
            toolkit.get_action("package_create")(
                _sysadmin_context(), supplier_invoice(organisations[ORGANISATION], number))
            if (number + 1) % 200 == 0:
                elapsed = time.perf_counter() - started
                print(f"  {number + 1:,} datasets, {(number + 1) / elapsed:.1f}/s", flush=True)
        seconds = time.perf_counter() - started
    return {"reused": False, "datasets": count, "seconds": seconds}


def _sysadmin_context() -> dict[str, Any]:
    import ckan.plugins.toolkit as toolkit

    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _dataset_count(organisation: str) -> int:
    from ckan import model

    group = model.Group.get(organisation)
    if group is None:
        return -1
    return model.Session.query(model.Package).filter_by(owner_org=group.id, state="active").count()


def _purge_organisation(name: str) -> None:
    import ckan.plugins.toolkit as toolkit
    from ckan import model

    group = model.Group.get(name)
    if group is None:
        return
    context = _sysadmin_context()
    for (package_id,) in model.Session.query(model.Package.id).filter_by(owner_org=group.id):
        toolkit.get_action("dataset_purge")(dict(context), {"id": package_id})
    toolkit.get_action("organization_purge")(dict(context), {"id": group.id})


def _organisation_fields(name: str) -> dict[str, Any]:
    title = "Sundsvalls kommun" if name == ORGANISATION else "Sundsvalls kommun (uppvärmning)"
    return dict(invoice_fixtures.supplier_invoices().SUNDSVALL, name=name, title=title)


def supplier_invoice(organisation: dict[str, Any], number: int) -> dict[str, Any]:
    """The ``number``-th yearly dataset: the tests' realistic supplier invoices, one file a month."""
    year = 1990 + number % 37
    name = f"{organisation['name']}-supplier-invoices-{number:05d}"
    dataset = invoice_fixtures.supplier_invoices().supplier_invoice(organisation, year=year, name=name)
    template = dataset["resources"][0]
    dataset["resources"] = [
        dict(template, name=f"{year}-{month:02d}", description=f"Leverantörsfakturor {year}-{month:02d}",
             url=f"https://example.org/{organisation['name']}/{number:05d}/{year}-{month:02d}.csv",
             period=f"{year}-{month:02d}", size=123456 + month)
        for month in range(1, MONTHS + 1)
    ]
    return dataset


# -- one way of delivering the catalogue, in a process of its own --------------------------------

def run_measurement(args: argparse.Namespace, way: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", way, "--database", args.database, "--runs", str(args.runs)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{way} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(database: str, way: str, runs: int) -> dict[str, Any]:
    """Time delivering the organisation's catalogue ``way``; peak memory above the warmed-up process.

    Responses are read chunk by chunk into files, as a harvester would, so the memory measured is the
    server's, not that of a client holding the whole body.
    """
    app = start_ckan(database)
    client = app._wsgi_app.test_client()
    deliver = deliver_ours if way == "ours" else deliver_dcat
    with tempfile.TemporaryDirectory(prefix="feedbench-") as folder:
        deliver(client, WARM_UP_ORGANISATION, Path(folder))
        baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        timings = []
        for run in range(max(1, runs)):
            target = Path(folder) / f"run-{run}"
            target.mkdir()
            started = time.perf_counter()
            files = deliver(client, ORGANISATION, target)
            timings.append(time.perf_counter() - started)
            if run == 0:
                peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {
            "seconds": min(timings),
            "all_seconds": timings,
            "peak_mb": (peak_kb - baseline_kb) / 1024,
            "process_peak_mb": peak_kb / 1024,
            "bytes": sum(file.stat().st_size for file in files),
            "requests": len(files),
            "datasets": len(dataset_ids(files)),
        }


def _download(client: Any, url: str, target: Path) -> Path:
    response = client.get(url, buffered=False)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    with target.open("wb") as file:
        for chunk in response.response:
            file.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
    response.close()
    return target


def deliver_ours(client: Any, organisation: str, folder: Path) -> list[Path]:
    return [_download(client, f"/organization/{organisation}/catalog.rdf", folder / "feed.rdf")]


def deliver_dcat(client: Any, organisation: str, folder: Path) -> list[Path]:
    """Every page of ckanext-dcat's catalogue for the organisation, following hydra:next."""
    pages: list[Path] = []
    url: str | None = f"/catalog.rdf?fq=organization:{organisation}"
    while url:
        page = _download(client, url, folder / f"page-{len(pages) + 1:03d}.rdf")
        pages.append(page)
        found = _NEXT_PAGE.search(page.read_text(encoding="utf-8"))
        # hydra:next is absolute (the site URL): the test client wants the path and query.
        url = "/" + html.unescape(found.group(1)).split("://", 1)[-1].split("/", 1)[-1] if found else None
    return pages


def dataset_ids(files: list[Path]) -> set[str]:
    """The datasets the responses describe (parsed with rdflib: each response must be valid RDF/XML)."""
    import rdflib
    from rdflib.namespace import RDF

    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    found: set[str] = set()
    for file in files:
        graph = rdflib.Graph().parse(source=str(file), format="xml")
        found |= {str(dataset) for dataset in graph.subjects(RDF.type, dcat.Dataset)}
    return found


# -- the report ------------------------------------------------------------------------------------

def print_report(args: argparse.Namespace, creation: dict[str, Any], results: dict[str, dict[str, Any]]) -> None:
    count = creation["datasets"]
    columns = ("", "ours: /organization/<org>/catalog.rdf", "ckanext-dcat: /catalog.rdf?fq=organization:<org>")
    rows = []
    for label, shown in (
        ("Time, whole catalogue (s)", lambda r: f"{r['seconds']:.1f}"),
        ("Time per dataset (ms)", lambda r: f"{1000 * r['seconds'] / count:.1f}"),
        ("Peak memory above warmed-up process (MB)", lambda r: f"{r['peak_mb']:.0f}"),
        ("Peak memory of the process (MB)", lambda r: f"{r['process_peak_mb']:.0f}"),
        ("Response size (MB)", lambda r: f"{r['bytes'] / 2**20:.1f}"),
        ("Requests", lambda r: f"{r['requests']}"),
        ("Datasets delivered (rdflib parse)", lambda r: f"{r['datasets']:,}"),
    ):
        rows.append((label, shown(results["ours"]), shown(results["dcat"])))
    widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(3)]
    line = "  ".join("-" * width for width in widths)
    print()
    made = ("reused from an earlier run" if creation["reused"] else
            f"created with package_create in {creation['seconds']:.0f} s "
            f"({count / creation['seconds']:.1f} datasets/s)")
    print(f"Feed benchmark: one organisation, {count:,} supplier-invoice datasets of {MONTHS} files ({made})")
    print("Machine: {} cores, load average {:.1f} / {:.1f} / {:.1f} at the end of the run".format(
        os.cpu_count(), *os.getloadavg()))
    print(line)
    for row in [columns, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(line)
    speed_up = results["dcat"]["seconds"] / results["ours"]["seconds"]
    verdict = "OK" if speed_up >= SPEED_TARGET else "MISSED"
    print(f"Ours is {speed_up:.1f}x faster per dataset (target {SPEED_TARGET:.0f}x: {verdict}); "
          f"runs: ours {_runs(results['ours'])}, ckanext-dcat {_runs(results['dcat'])}")


def _runs(result: dict[str, Any]) -> str:
    return ", ".join(f"{seconds:.1f} s" for seconds in result["all_seconds"])


if __name__ == "__main__":
    sys.exit(main())
