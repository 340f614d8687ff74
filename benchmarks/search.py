"""Search benchmark: openup_search beside Apache Solr (and a naive ILIKE) on the same catalogue.

Run from the repository root::

    .venv/bin/python benchmarks/search.py            # reuse the catalogue when the database holds it
    .venv/bin/python benchmarks/search.py --fresh    # rebuild the 10,000 datasets and both indexes
    .venv/bin/python benchmarks/search.py --no-solr  # openup_search and the naive ILIKE only

It starts CKAN itself (test.ini, the embedded PostgreSQL under ./.openup, database ``openup_bench``,
no plugins, search switched between the PostgreSQL backend and Solr the way the tests force it),
fills the catalogue from catalogue.py, indexes it into both with CKAN's real indexing code, then times
the same package_search calls and the /dataset page on each backend in the same run. Solr 9 runs
standalone from ``solr/solr.py`` (started here when it is not running, stopped again afterwards).
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue  # noqa: E402
import naive  # noqa: E402

MEDIAN_TARGET_MS = 20.0
P95_TARGET_MS = 60.0
PAGE_MEDIAN_TARGET_MS = 100.0
SOLR_FACTOR_TARGET = 2.0  # openup_search's median at most this many times Solr's, on every question
SOLR_SCRIPT = ROOT / "solr" / "solr.py"
FREE_TEXT = "leverantörsfakturor kommun"
ORGANISATION = "sundsvall"
FACETS = ["organization", "tags", "res_format", "license_id"]


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    hits: int
    load: float  # the machine's 1-minute load average when the timing ended


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="rebuild the catalogue and both indexes")
    parser.add_argument("--datasets", type=int, default=10_000, help="catalogue size (default 10000)")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per query (default 200)")
    parser.add_argument("--page-runs", type=int, default=50, help="timed loads of /dataset (default 50)")
    parser.add_argument("--reindex-sample", type=int, default=1_000,
                        help="datasets re-indexed to measure throughput when the index is reused")
    parser.add_argument("--database", default="openup_bench", help="embedded database name")
    parser.add_argument("--no-solr", action="store_true", help="leave Solr out (its column says why)")
    args = parser.parse_args(argv)

    app = start_ckan(args.database)
    from ckan import model

    with contextlib.ExitStack() as stack:
        solr_url = None if args.no_solr else stack.enter_context(solr_standalone())
        with app._wsgi_app.test_request_context():
            fresh = args.fresh or catalogue.existing_datasets() != args.datasets
            if fresh:
                build_catalogue(args.datasets)
            client = app.test_client()
            results: dict[str, Backend] = {}
            with use_backend(None):
                results["openup_search"] = measure_backend(args, fresh, client)
            if solr_url:
                with use_backend(solr_url):
                    results["Solr"] = measure_backend(args, fresh, client)
            alternative = {name: measure(lambda q=query: naive.run(model.Session, q), args.runs)
                           for name, query in NAIVE_QUERIES.items()}
            sizes = relation_sizes(model.Session)
    misses = missed_targets(results)
    print_report(args, results, alternative, sizes, misses)
    return 1 if misses else 0


@dataclass
class Backend:
    indexing: dict[str, Any]
    queries: dict[str, Timing]
    page: Timing


def measure_backend(args: argparse.Namespace, fresh: bool, client: Any) -> Backend:
    """Index the catalogue (or a sample) into the backend in use, then time its questions and page."""
    indexing = prepare_index(args.datasets, fresh, args.reindex_sample)
    queries = {name: measure(lambda q=query: package_search(q), args.runs) for name, query in SEARCH_QUERIES.items()}
    page = measure(lambda: dataset_page(client), args.page_runs)
    return Backend(indexing, queries, page)


# -- CKAN set-up ------------------------------------------------------------------------------------

def start_ckan(database: str) -> Any:
    """CKAN from test.ini on the embedded PostgreSQL, no plugins: search is switched by :func:`use_backend`."""
    from ckanext.openup.embedded_db import use_embedded

    use_embedded(database, Path(os.environ.get("OPENUP_HOME") or ROOT / ".openup").resolve())
    os.environ.setdefault("CKAN_STORAGE_PATH", str(ROOT / ".openup" / "bench-storage"))
    from ckanext.openup.search import backend

    backend.force()
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(ROOT / "test.ini"))
    # The search backend alone: the benchmark measures search, not the other plugins' schemas.
    config["ckan.plugins"] = ""
    config["testing"] = "false"
    app = make_app(config)
    from ckan import model

    model.repo.init_db()
    return app


@contextlib.contextmanager
def use_backend(solr_url: str | None) -> Iterator[None]:
    """Serve CKAN's search from Solr at ``solr_url``, or from openup_search when None."""
    from ckan.common import config

    from ckanext.openup.search import backend

    previous = config.get("solr_url")
    backend.force(solr_url is None)
    if solr_url:
        config["solr_url"] = solr_url
    try:
        yield
    finally:
        config["solr_url"] = previous
        backend.force(True)


@contextlib.contextmanager
def solr_standalone() -> Iterator[str | None]:
    """The URL of a standalone Solr from ``solr/solr.py`` (started and stopped here if not running)."""
    if not SOLR_SCRIPT.exists():
        print(f"Solr: {SOLR_SCRIPT.relative_to(ROOT)} is missing; measuring openup_search alone.", flush=True)
        yield None
        return
    command = [sys.executable, str(SOLR_SCRIPT)]
    running = subprocess.run([*command, "url", "standalone"], capture_output=True, text=True)
    started = running.returncode != 0 or not running.stdout.strip()
    if started:
        print("Starting Solr standalone (solr/solr.py)...", flush=True)
        start = subprocess.run([*command, "start", "standalone"], capture_output=True, text=True)
        if start.returncode != 0:
            print(f"Solr did not start: {start.stderr.strip()[-500:]}", flush=True)
            yield None
            return
        running = subprocess.run([*command, "url", "standalone"], capture_output=True, text=True)
    url = running.stdout.strip().splitlines()[-1]
    try:
        yield url
    finally:
        if started:
            subprocess.run([*command, "stop", "standalone"], capture_output=True, text=True)


def build_catalogue(count: int) -> None:
    from ckan.lib import search

    present = catalogue.existing_datasets()
    print(f"Building the catalogue: {count:,} datasets (database held {present:,})...", flush=True)
    catalogue.delete()
    with use_backend(None):
        search.clear_all()
    started = time.perf_counter()
    size = catalogue.insert(count)
    print(f"  inserted {size.datasets:,} datasets, {size.resources:,} resources, "
          f"{size.organisations} organisations in {time.perf_counter() - started:.1f} s", flush=True)


def prepare_index(count: int, fresh: bool, reindex_sample: int) -> dict[str, Any]:
    """Make sure the backend in use holds ``count`` datasets; time CKAN's indexing of them (or of a sample).

    Datasets missing from openup_search are indexed with CKAN's rebuild. Solr, when it lacks them, is
    filled with the very documents CKAN gave openup_search (CKAN's rebuild is the slow part on both,
    and the same: building each dataset's dictionary), then a sample is re-indexed through CKAN on each.
    """
    from ckan.lib import search

    indexed = _indexed_count()
    if fresh:
        search.clear_all()
    if not fresh and indexed < count and _on_solr():
        _copy_documents_to_solr()
        indexed = _indexed_count()
    if fresh or indexed < count:
        ids = catalogue.dataset_ids() if fresh else _missing_ids()
        label = f"{len(ids):,} of {count:,}"
    else:
        ids = catalogue.dataset_ids()[:reindex_sample]
        label = f"re-index of {len(ids):,} of {count:,}"
    print(f"Indexing ({label}) with ckan.lib.search.rebuild...", flush=True)
    indexing = {"label": label, **_timed_rebuild(ids)}
    if not _on_solr():
        _vacuum()
    return indexing


def _missing_ids() -> list[str]:
    """Generated datasets the index in use does not hold."""
    from ckan.lib.search.common import make_connection

    found = make_connection().search("*:*", fq="+entity_type:package", fl="id", rows=1_000_000)
    indexed = {document["id"] for document in found.docs}
    return [dataset_id for dataset_id in catalogue.dataset_ids() if dataset_id not in indexed]


def _copy_documents_to_solr(batch: int = 500) -> None:
    """Send Solr the documents openup_search stored for the generated datasets (as CKAN built them)."""
    import sqlalchemy as sa
    from ckan.lib.search.common import make_connection

    from ckanext.openup.search import backend
    from ckanext.openup.search.store import TABLE

    solr = make_connection()
    solr.delete(q="*:*")
    started = time.perf_counter()
    documents = backend.store().run(lambda connection: [row.doc for row in connection.execute(sa.text(
        f"SELECT doc FROM {TABLE} WHERE entity_id = ANY(:ids)"), {"ids": catalogue.dataset_ids()})])
    for first in range(0, len(documents), batch):
        solr.add(documents[first:first + batch], commit=False)
    solr.commit()
    print(f"  Solr filled with openup_search's {len(documents):,} stored documents in "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def _on_solr() -> bool:
    from ckanext.openup.search import backend

    return not backend.is_active()


def _vacuum() -> None:
    """Measure the steady state autovacuum reaches: no dead rows left by the re-index, fresh statistics."""
    from ckanext.openup.search import backend
    from ckanext.openup.search.store import TABLE

    engine = backend.store().engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"VACUUM (ANALYZE) {TABLE}")


def _timed_rebuild(ids: list[str]) -> dict[str, Any]:
    """CKAN's rebuild over ``ids``, timing the whole and the backend's ``add`` (index writes) apart."""
    import pysolr
    from ckan.lib import search

    from ckanext.openup.search.connection import PostgresSearchConnection

    spent = [0.0]
    connection_class = pysolr.Solr if _on_solr() else PostgresSearchConnection
    original_add = connection_class.add

    def timed_add(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_add(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    connection_class.add = timed_add  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        search.rebuild(package_ids=ids, defer_commit=True, quiet=True)
        search.commit()
        elapsed = time.perf_counter() - started
    finally:
        connection_class.add = original_add  # type: ignore[method-assign]
    return {"datasets": len(ids), "seconds": elapsed, "add_seconds": spent[0]}


def _indexed_count() -> int:
    """Datasets of this site in the index of the backend in use."""
    from ckan.common import config
    from ckan.lib.search.common import make_connection

    found = make_connection().search(
        "*:*", fq=f'+site_id:"{config.get("ckan.site_id")}" +entity_type:package', rows=0)
    return int(found.hits)


# -- the questions ----------------------------------------------------------------------------------

SEARCH_QUERIES: dict[str, dict[str, Any]] = {
    "free text": {"q": FREE_TEXT, "rows": 20},
    "organisation + facets": {"fq": f"organization:{ORGANISATION}", "rows": 20, "facet.field": FACETS},
    "sort by modified": {"sort": "metadata_modified desc", "rows": 20},
    # Not among the three targets, but what CKAN's /dataset page asks on every visit.
    "all + facets (/dataset)": {"rows": 20, "facet.field": FACETS},
}
NAIVE_QUERIES: dict[str, naive.Question] = {
    "free text": naive.Question(words=FREE_TEXT.split()),
    "organisation + facets": naive.Question(organisation=ORGANISATION, facets=True),
    "sort by modified": naive.Question(),
    "all + facets (/dataset)": naive.Question(facets=True),
}


def package_search(params: dict[str, Any]) -> int:
    """package_search as an anonymous visitor (permission labels applied); returns the hit count."""
    from ckan.plugins import toolkit

    context = {"user": "", "auth_user_obj": None}
    return toolkit.get_action("package_search")(context, dict(params))["count"]


def dataset_page(client: Any) -> int:
    """One anonymous visit of CKAN's /dataset page (its default facets); returns the response size."""
    response = client.get("/dataset/")
    assert response.status_code == 200, response.status_code
    return len(response.data)


def measure(call: Callable[[], int], runs: int) -> Timing:
    hits = 0
    for _ in range(min(10, runs)):  # warm caches and connection pools
        hits = call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return Timing(statistics.median(samples), p95, hits, os.getloadavg()[0])


def relation_sizes(session: Any) -> dict[str, int]:
    import sqlalchemy as sa

    from ckanext.openup.search.store import TABLE

    names = [TABLE, "package", "resource", "package_tag"]
    row = session.execute(sa.text(", ".join(
        f"pg_total_relation_size('\"{name}\"')" for name in names).join(["SELECT ", ""]))).one()
    return dict(zip(names, row, strict=True))


# -- the report -------------------------------------------------------------------------------------

def missed_targets(results: dict[str, Backend]) -> list[str]:
    """Every target openup_search misses, in words; empty when all are met."""
    ours, solr = results["openup_search"], results.get("Solr")
    misses = []
    for name, timing in ours.queries.items():
        if timing.median_ms > MEDIAN_TARGET_MS or timing.p95_ms > P95_TARGET_MS:
            misses.append(f"{name}: {timing.median_ms:.1f} / {timing.p95_ms:.1f} ms "
                          f"(target median <= {MEDIAN_TARGET_MS:.0f}, p95 <= {P95_TARGET_MS:.0f})")
        if solr and timing.median_ms > SOLR_FACTOR_TARGET * solr.queries[name].median_ms:
            misses.append(f"{name}: median {timing.median_ms:.1f} ms > {SOLR_FACTOR_TARGET:.0f}x Solr's "
                          f"{solr.queries[name].median_ms:.1f} ms")
    if ours.page.median_ms > PAGE_MEDIAN_TARGET_MS:
        misses.append(f"/dataset page: median {ours.page.median_ms:.1f} ms (target <= {PAGE_MEDIAN_TARGET_MS:.0f})")
    if solr and ours.page.median_ms > SOLR_FACTOR_TARGET * solr.page.median_ms:
        misses.append(f"/dataset page: median {ours.page.median_ms:.1f} ms > {SOLR_FACTOR_TARGET:.0f}x Solr's "
                      f"{solr.page.median_ms:.1f} ms")
    return misses


def print_report(args: argparse.Namespace, results: dict[str, Backend], alternative: dict[str, Timing],
                 sizes: dict[str, int], misses: list[str]) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    names = list(results)
    columns = ("", *names, "naive ILIKE on package")
    if "Solr" not in results:
        columns = (*columns, "Solr")

    def row(label: str, cells: dict[str, str], naive_cell: str = "") -> tuple[str, ...]:
        return (label, *(cells[name] for name in names), naive_cell,
                *(("not measured (--no-solr or no solr/solr.py)",) if "Solr" not in results else ()))

    def timing(t: Timing) -> str:
        return f"{t.median_ms:.1f} / {t.p95_ms:.1f} (load {t.load:.1f})"

    rows = [
        row("Indexing (datasets/s, CKAN's rebuild end to end)",
            {name: f"{b.indexing['datasets'] / b.indexing['seconds']:,.0f}/s ({b.indexing['label']})"
             for name, b in results.items()}, "n/a (no index)"),
        row("  of which index writes (add)",
            {name: f"{b.indexing['datasets'] / b.indexing['add_seconds']:,.0f}/s ({b.indexing['add_seconds']:.1f} s)"
             if b.indexing["add_seconds"] else "" for name, b in results.items()}),
    ]
    for query in SEARCH_QUERIES:
        rows.append(row(f"{query}: median / p95 (ms)",
                        {name: timing(b.queries[query]) for name, b in results.items()},
                        timing(alternative[query])))
        rows.append(row("  hits", {name: f"{b.queries[query].hits:,}" for name, b in results.items()},
                        f"{alternative[query].hits:,}"))
    rows.append(row("/dataset page, anonymous: median / p95 (ms)",
                    {name: timing(b.page) for name, b in results.items()}))
    rows.append(row("Peak memory, this process (ru_maxrss)", {name: f"{peak_mb:,.0f} MB" for name in names}))
    rows.append(row("Size on disk", {name: (f"{sizes[catalogue_table()] / 2**20:,.1f} MB table + indexes"
                                            if name == "openup_search" else "") for name in names},
                    f"{(sizes['package'] + sizes['resource'] + sizes['package_tag']) / 2**20:,.1f} MB CKAN rows"))
    widths = [max(len(str(r[i])) for r in [columns, *rows]) for i in range(len(columns))]
    line = "  ".join("-" * width for width in widths)
    print()
    print(f"Search benchmark: {args.datasets:,} datasets, {len(catalogue.ORGANISATIONS)} organisations, "
          f"{args.runs} timed runs per query ({args.page_runs} page loads), package_search as an anonymous "
          f"visitor, rows=20")
    print("Machine: {} cores, load average {:.1f} / {:.1f} / {:.1f} at the end of the run".format(
        os.cpu_count(), *os.getloadavg()))
    print(line)
    for r in [columns, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(r, widths, strict=True)))
    print(line)
    print(f"Targets for openup_search: package_search median <= {MEDIAN_TARGET_MS:.0f} ms and p95 <= "
          f"{P95_TARGET_MS:.0f} ms on each question, /dataset median <= {PAGE_MEDIAN_TARGET_MS:.0f} ms, "
          f"each median within {SOLR_FACTOR_TARGET:.0f}x of Solr's.")
    print("All targets met." if not misses else "MISSED: " + "; ".join(misses))
    print("The naive column returns rows only (no dataset dicts, no relevance ranking, no stemming), "
          "so it is a lower bound for that approach.")


def catalogue_table() -> str:
    from ckanext.openup.search.store import TABLE

    return TABLE


if __name__ == "__main__":
    sys.exit(main())
