"""Search benchmark: openup_search against what a Solr-less catalogue would otherwise do.

Run from the repository root::

    .venv/bin/python benchmarks/search.py            # reuse the catalogue when the database holds it
    .venv/bin/python benchmarks/search.py --fresh    # rebuild the 10,000 datasets and the index

It starts CKAN itself (test.ini, the embedded PostgreSQL under ./.openup, database ``openup_bench``,
search forced onto the PostgreSQL backend as the tests do), fills the catalogue from catalogue.py,
indexes it with CKAN's real indexing code, then times package_search against a naive ILIKE query
over CKAN's package table answering the same questions in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue  # noqa: E402
import naive  # noqa: E402

MEDIAN_TARGET_MS = 50.0
P95_TARGET_MS = 150.0
FREE_TEXT = "leverantörsfakturor kommun"
ORGANISATION = "sundsvall"
FACETS = ["organization", "tags", "res_format", "license_id"]


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    hits: int


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="rebuild the catalogue and the index")
    parser.add_argument("--datasets", type=int, default=10_000, help="catalogue size (default 10000)")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per query (default 200)")
    parser.add_argument("--reindex-sample", type=int, default=1_000,
                        help="datasets re-indexed to measure throughput when the index is reused")
    parser.add_argument("--database", default="openup_bench", help="embedded database name")
    args = parser.parse_args(argv)

    app = start_ckan(args.database)
    from ckan import model

    with app._wsgi_app.test_request_context():
        indexing = prepare_catalogue(args.datasets, args.fresh, args.reindex_sample)
        ours = {name: measure(lambda q=query: package_search(q), args.runs)
                for name, query in SEARCH_QUERIES.items()}
        alternative = {name: measure(lambda q=query: naive.run(model.Session, q), args.runs)
                       for name, query in NAIVE_QUERIES.items()}
        sizes = relation_sizes(model.Session)
    print_report(args, indexing, ours, alternative, sizes)
    within_targets = all(t.median_ms <= MEDIAN_TARGET_MS and t.p95_ms <= P95_TARGET_MS for t in ours.values())
    return 0 if within_targets else 1


# -- CKAN set-up ------------------------------------------------------------------------------------

def start_ckan(database: str) -> Any:
    """CKAN from test.ini on the embedded PostgreSQL, with search served by openup_search."""
    from ckanext.openup.embedded_db import use_embedded

    use_embedded(database, Path(os.environ.get("OPENUP_HOME") or ROOT / ".openup").resolve())
    os.environ.setdefault("CKAN_STORAGE_PATH", str(ROOT / ".openup" / "bench-storage"))
    from ckanext.openup.search import backend

    backend.force()
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(ROOT / "test.ini"))
    # The search backend alone: the benchmark measures search, not the other plugins' schemas.
    config["ckan.plugins"] = "openup_search"
    config["testing"] = "false"
    app = make_app(config)
    from ckan import model

    model.repo.init_db()
    return app


def prepare_catalogue(count: int, fresh: bool, reindex_sample: int) -> dict[str, Any]:
    """Make sure ``count`` generated datasets are indexed; time CKAN's indexing of them (or of a sample)."""
    from ckan.lib import search

    present = catalogue.existing_datasets()
    indexed = _indexed_count()
    if fresh or present != count or indexed < count:
        print(f"Building the catalogue: {count:,} datasets (database held {present:,}, index {indexed:,})...",
              flush=True)
        catalogue.delete()
        search.clear_all()
        started = time.perf_counter()
        size = catalogue.insert(count)
        print(f"  inserted {size.datasets:,} datasets, {size.resources:,} resources, "
              f"{size.organisations} organisations in {time.perf_counter() - started:.1f} s", flush=True)
        ids = catalogue.dataset_ids()
        label = f"all {len(ids):,}"
    else:
        ids = catalogue.dataset_ids()[:reindex_sample]
        label = f"re-index of {len(ids):,} of {count:,}"
    print(f"Indexing ({label}) with ckan.lib.search.rebuild...", flush=True)
    indexing = {"label": label, **_timed_rebuild(ids)}
    _vacuum()
    return indexing


def _vacuum() -> None:
    """Measure the steady state autovacuum reaches: no dead rows left by the re-index, fresh statistics."""
    from ckanext.openup.search import backend
    from ckanext.openup.search.store import TABLE

    engine = backend.store().engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"VACUUM (ANALYZE) {TABLE}")


def _timed_rebuild(ids: list[str]) -> dict[str, Any]:
    """CKAN's rebuild over ``ids``, timing the whole and the backend's ``add`` (index writes) apart."""
    from ckan.lib import search

    from ckanext.openup.search.connection import PostgresSearchConnection

    spent = [0.0]
    original_add = PostgresSearchConnection.add

    def timed_add(self: PostgresSearchConnection, *args: Any, **kwargs: Any) -> str:
        started = time.perf_counter()
        try:
            return original_add(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    PostgresSearchConnection.add = timed_add  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        search.rebuild(package_ids=ids, defer_commit=True, quiet=True)
        search.commit()
        elapsed = time.perf_counter() - started
    finally:
        PostgresSearchConnection.add = original_add  # type: ignore[method-assign]
    return {"datasets": len(ids), "seconds": elapsed, "add_seconds": spent[0]}


def _indexed_count() -> int:
    import sqlalchemy as sa

    from ckanext.openup.search import backend
    from ckanext.openup.search.store import TABLE

    return backend.store().run(lambda connection: connection.execute(sa.text(
        f"SELECT count(*) FROM {TABLE} WHERE fields @> '{{\"entity_type\": [\"package\"]}}'")).scalar_one())


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
    return Timing(statistics.median(samples), p95, hits)


def relation_sizes(session: Any) -> dict[str, int]:
    import sqlalchemy as sa

    from ckanext.openup.search.store import TABLE

    names = [TABLE, "package", "resource", "package_tag"]
    row = session.execute(sa.text(", ".join(
        f"pg_total_relation_size('\"{name}\"')" for name in names).join(["SELECT ", ""]))).one()
    return dict(zip(names, row, strict=True))


# -- the report -------------------------------------------------------------------------------------

def print_report(args: argparse.Namespace, indexing: dict[str, Any], ours: dict[str, Timing],
                 alternative: dict[str, Timing], sizes: dict[str, int]) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = indexing["datasets"] / indexing["seconds"]
    add_rate = indexing["datasets"] / indexing["add_seconds"] if indexing["add_seconds"] else float("nan")
    columns = ("", "openup_search (PostgreSQL FTS)", "naive ILIKE on package", "Solr")
    rows = [
        (f"Indexing, {indexing['label']} (datasets/s)",
         f"{rate:,.0f}/s end to end", "n/a (no index)", "not installable"),
        ("  of which index writes (add)", f"{add_rate:,.0f}/s ({indexing['add_seconds']:.1f} s)", "", ""),
    ]
    for name, timing in ours.items():
        other = alternative[name]
        rows.append((f"{name}: median / p95 (ms)", f"{timing.median_ms:.1f} / {timing.p95_ms:.1f}",
                     f"{other.median_ms:.1f} / {other.p95_ms:.1f}", "not installable"))
        rows.append(("  hits", f"{timing.hits:,}", f"{other.hits:,}", ""))
    rows.append(("Peak memory, this process (ru_maxrss)", f"{peak_mb:,.0f} MB", "(same process)", ""))
    rows.append(("Size on disk (table + indexes)", f"{sizes[catalogue_table()] / 2**20:,.1f} MB index",
                 f"{(sizes['package'] + sizes['resource'] + sizes['package_tag']) / 2**20:,.1f} MB CKAN rows",
                 ""))
    widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(4)]
    line = "  ".join("-" * width for width in widths)
    print()
    print(f"Search benchmark: {args.datasets:,} datasets, {len(catalogue.ORGANISATIONS)} organisations, "
          f"{args.runs} timed runs per query, package_search as an anonymous visitor, rows=20")
    print("Machine: {} cores, load average {:.1f} / {:.1f} / {:.1f} at the end of the run".format(
        os.cpu_count(), *os.getloadavg()))
    print("Solr: not installable on this machine (not in Debian, no Apache downloads); "
          "the comparison is the naive SQL a Solr-less catalogue would run.")
    print(line)
    for row in [columns, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(line)
    verdicts = [
        f"{name}: {'OK' if t.median_ms <= MEDIAN_TARGET_MS and t.p95_ms <= P95_TARGET_MS else 'MISSED'}"
        for name, t in ours.items()]
    print(f"Targets median <= {MEDIAN_TARGET_MS:.0f} ms, p95 <= {P95_TARGET_MS:.0f} ms: " + "; ".join(verdicts))
    print("The naive column returns rows only (no dataset dicts, no relevance ranking, no stemming), "
          "so it is a lower bound for that approach.")


def catalogue_table() -> str:
    from ckanext.openup.search.store import TABLE

    return TABLE


if __name__ == "__main__":
    sys.exit(main())
