"""Differential parity test: the same catalogue and the same package_search calls on Solr and openup_search.

Usage (from the repository root; ``make search-parity``)::

    .venv/bin/python -m tests.parity.run                       # starts Solr with solr/solr.py
    .venv/bin/python -m tests.parity.run --solr-url http://127.0.0.1:8983/solr/ckan --queries 500

It starts CKAN (test.ini's plugins, an embedded PostgreSQL database ``openup_parity`` under
$OPENUP_HOME), writes the generated catalogue, indexes every dataset ONCE with CKAN's own indexing
code (``ckan.lib.search.rebuild``) while each document goes to both indexes, then sends every
generated query through ``package_search`` to each backend in turn and compares the answers
(tests/parity/compare.py). Each disagreement category is printed with an example; the last line is
``N queries, M disagreements``. Exit status 0 when there are none.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "openup_parity"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=3000, help="generated datasets (default 3000)")
    parser.add_argument("--queries", type=int, default=2000, help="generated queries (default 2000)")
    parser.add_argument("--seed", type=int, default=2026, help="query generator seed (default 2026)")
    parser.add_argument("--solr-url", help="a running Solr core with CKAN's schema (default: start one)")
    parser.add_argument("--schema", choices=["openup", "ckan"], default="openup",
                        help="Solr's schema: openup (Swedish/Finnish/English, the default) or ckan (CKAN's, "
                             "English; openup_search is then set to English too)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the catalogue and both indexes of the last run (same --datasets; --solr-url)")
    parser.add_argument("--examples", type=int, default=1, help="examples printed per category (default 1)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if args.schema == "openup" and importlib.util.find_spec("ckanext.openup.solr_schema") is None:
        print("The openup Solr schema is not in this tree yet: using CKAN's schema.", flush=True)
        args.schema = "ckan"
    solr = SolrServer(args.solr_url, args.schema)
    try:
        app = start_ckan(solr.url, args.schema)
        with app._wsgi_app.test_request_context():
            from tests.parity.queries import QueryGenerator
            from tests.parity.sides import Sides

            sides = Sides(solr.url)
            print(f"Solr: {solr.describe()}", flush=True)
            made = build_catalogue(args.datasets, sides, args.reuse)
            queries = QueryGenerator(made, args.seed).generate(args.queries)
            print(f"Sending {len(queries):,} queries to both backends...", flush=True)
            disagreements = run_queries(queries, sides, args.examples)
    finally:
        solr.stop()
    print(f"Run time {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}")
    print(f"{len(queries)} queries, {disagreements} disagreements")
    return 0 if disagreements == 0 else 1


def start_ckan(solr_url: str | None, schema: str) -> Any:
    """CKAN from test.ini's plugins on an embedded database of its own; search backends switched by hand."""
    from ckanext.openup.embedded_db import use_datastore, use_embedded
    from ckanext.openup.embedded_redis import use_private_redis
    from ckanext.openup.testing import openup_home

    use_datastore(use_embedded(DATABASE, openup_home()))
    use_private_redis(openup_home() / "parity-redis")
    os.environ.setdefault("CKAN_STORAGE_PATH", str(openup_home() / "parity-storage"))
    from ckanext.openup.search import backend

    # CKAN checks at start that its search answers: Solr when there is one, else openup_search.
    backend.force(solr_url is None)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(ROOT / "test.ini"))
    # Not openup_search: the run switches between it and Solr itself (tests/parity/sides.py).
    config["ckan.plugins"] = "openup scheming_datasets scheming_organizations dcat"
    config["testing"] = "false"
    config["solr_url"] = solr_url or config["solr_url"]
    if schema == "ckan":
        # CKAN's schema stems all text as English: openup_search is set up the same (as `make conformance`).
        config["ckanext.openup.search.language"] = "english"
        config["ckanext.openup.search.languages"] = ""
    app = make_app(config)
    from ckan import model

    model.repo.init_db()
    return app


def build_catalogue(count: int, sides: Any, reuse: bool) -> Any:
    from ckan import model
    from ckan.lib import search

    from tests.parity import catalogue

    if reuse and model.Session.query(model.Package).count() == count + len(catalogue.HARVEST_SOURCES):
        print("Catalogue: reusing the last run's", flush=True)
        return catalogue.generate(count)[0]
    model.repo.delete_all()
    model.Session.remove()
    sides.clear()
    started = time.perf_counter()
    made = catalogue.insert(count)
    print(f"Catalogue: {len(made.dataset_ids):,} datasets written in {time.perf_counter() - started:.1f} s",
          flush=True)
    started = time.perf_counter()
    with sides.indexing_into_both():
        search.rebuild(package_ids=made.dataset_ids, defer_commit=True, quiet=True)
        search.commit()
    print(f"Indexed into both with ckan.lib.search.rebuild in {time.perf_counter() - started:.1f} s", flush=True)
    return made


def run_queries(queries: list[Any], sides: Any, examples: int) -> int:
    from tests.parity.compare import compare, excluded_by

    by_category: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    excluded: Counter[str] = Counter()
    disagreeing = 0
    started = time.perf_counter()
    for number, query in enumerate(queries, 1):
        ours, solr = sides.ask(query)
        found = []
        for disagreement in compare(query, ours, solr):
            rule = excluded_by(query, disagreement)
            if rule:
                excluded[rule] += 1
            else:
                found.append(disagreement)
        for disagreement in found:
            by_category[disagreement.category].append((query, disagreement))
        disagreeing += bool(found)
        if number % 250 == 0:
            print(f"  {number:,} queries, {disagreeing} disagreeing, {time.perf_counter() - started:.0f} s",
                  flush=True)
    print()
    for category, cases in sorted(by_category.items(), key=lambda item: -len(item[1])):
        print(f"DISAGREEMENT {category}: {len(cases)} queries")
        for query, disagreement in cases[:examples]:
            print(f"  e.g. [{query.category}] as {query.asker}: {query.params}")
            print(f"       {disagreement.detail}")
    for rule, count in sorted(excluded.items()):
        print(f"Excluded by rule {rule!r} (docs/search-backend.md): {count}")
    by_caller = Counter(query.category for query in queries)
    print("Queries per caller: " + ", ".join(f"{name} {count}" for name, count in sorted(by_caller.items())))
    return disagreeing


class SolrServer:
    """The Solr to compare with: the given URL, or a standalone one started with solr/solr.py."""

    def __init__(self, url: str | None, schema: str) -> None:
        self.started_here = False
        self.schema = schema
        if url:
            self.url: str | None = url
            return
        script = ROOT / "solr" / "solr.py"
        if not script.exists():
            print("solr/solr.py is missing: comparing openup_search with itself.", flush=True)
            self.url = None
            return
        print(f"Starting Solr (standalone, {schema} schema)...", flush=True)
        output = subprocess.run([sys.executable, str(script), "start", "standalone", "--schema", schema],
                                check=True, capture_output=True, text=True, cwd=ROOT).stdout
        self.url = next(line.strip() for line in reversed(output.splitlines()) if line.strip().startswith("http"))
        self.started_here = True

    def describe(self) -> str:
        if self.url is None:
            return "none (openup_search on both sides)"
        return f"{self.url} ({self.schema} schema)" if self.started_here else self.url

    def stop(self) -> None:
        if self.started_here:
            subprocess.run([sys.executable, str(ROOT / "solr" / "solr.py"), "stop", "standalone"],
                           check=False, cwd=ROOT)
            self.started_here = False


if __name__ == "__main__":
    sys.exit(main())
