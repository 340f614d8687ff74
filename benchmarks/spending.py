"""Benchmark the spending explorer's questions on 10 organisations x 400,000 invoice rows (4 million).

The rows are generated straight into the spending store's tables (made by ``rows/spending_store.py``) in
the database ``openup_spending_bench`` on the embedded PostgreSQL under ``$OPENUP_HOME`` (default
``./.openup``; ``CKAN_SQLALCHEMY_URL`` names another server): a year per organisation, one resource per
month, a long tail of 20,000 suppliers, accounts, units, 3 % credit notes, 1 % redacted sole traders, and one
organisation private (its rows must never count). Each question of the pages and the API is then asked
through ``spending/queries.py`` (what ``openup_spending`` runs, without CKAN's HTTP layer), 3 times to warm
up and 30 times measured (``--runs``), beside the naive alternative: the same answer over one table per monthly file, as
the DataStore keeps them (UNION ALL of the files' tables). Prints median and p95 per question and the
process's peak memory. Targets: median <= 100 ms, p95 <= 300 ms.

    .venv/bin/python benchmarks/spending.py                       # reuses the data when it is there
    .venv/bin/python benchmarks/spending.py --fresh --rows 100000 # smaller, made again
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "ckanext-openup"))

from ckan.common import config  # noqa: E402

from ckanext.openup import embedded_db  # noqa: E402
from ckanext.openup.rows import spending_rollups, spending_store  # noqa: E402
from ckanext.openup.spending import queries  # noqa: E402
from ckanext.openup.spending.queries import SpendingFilters  # noqa: E402

DATABASE = "openup_spending_bench"
ORGANISATIONS = 10
YEAR = 2025
SUPPLIERS = 20_000
WARM_UP = 3


def generate(connection: sa.engine.Connection, organisations: int, rows: int) -> None:
    """Fill the store and one table per file (the naive layout) with ``organisations`` x ``rows`` rows."""
    connection.execute(sa.text(f"DROP TABLE IF EXISTS {', '.join(spending_store.TABLES)}"))
    for (name,) in connection.execute(sa.text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'file_%'")).all():
        connection.execute(sa.text(f'DROP TABLE "{name}"'))
    spending_store.ensure_tables(connection)
    for organisation in range(organisations):
        for month in range(1, 13):
            connection.execute(sa.text(
                f"INSERT INTO {spending_store.SOURCES_TABLE} VALUES (:resource, :dataset, :organisation, :name, "
                "'se', 'SEK', :public, 0, 0, now())"),
                {"resource": f"file_{organisation}_{month}", "dataset": f"dataset_{organisation}",
                 "organisation": f"org_{organisation}", "name": f"kommun-{organisation}",
                 "public": organisation != organisations - 1})
        # Supplier i's popularity falls like 1/i (a long tail); keys are orgnr-like text.
        connection.execute(sa.text(f"""
            INSERT INTO {spending_store.SPENDING_TABLE}
            SELECT 'file_' || :organisation || '_' || m, 'org_' || :organisation, 'SEK', d, {YEAR}, m,
                   CASE WHEN redacted THEN NULL ELSE 'SE55' || lpad(s::text, 8, '0') END,
                   CASE WHEN redacted THEN 'redacted' ELSE 'orgnr' END,
                   CASE WHEN redacted THEN 'Enskild firma' ELSE 'Leverantör ' || s || ' AB' END,
                   CASE WHEN redacted THEN NULL ELSE '55' || lpad(s::text, 8, '0') END,
                   (4000 + (g % 50))::text, 'Konto ' || (g % 50), 'Förvaltning ' || (g % 12), 'F-' || g,
                   CASE WHEN g % 33 = 0 THEN -amount ELSE amount END, g % 33 = 0
            FROM (SELECT g, 1 + (g % 12) AS m, make_date({YEAR}, 1 + (g % 12), 1 + (g % 28)) AS d,
                         least({SUPPLIERS}, floor(exp(random() * ln({SUPPLIERS})))::int) AS s,
                         g % 100 = 7 AS redacted, round((random() * 50000)::numeric, 2) AS amount
                  FROM generate_series(1, :rows) AS g) AS generated"""),
            {"organisation": organisation, "rows": rows})
        for month in range(1, 13):
            connection.execute(sa.text(
                f'CREATE TABLE "file_{organisation}_{month}" AS SELECT supplier_name AS leverantor, '
                "supplier_number AS leverantor_id, account AS konto_text, unit AS forvaltning, posted AS datum, "
                f"amount AS belopp FROM {spending_store.SPENDING_TABLE} WHERE resource_id = :resource"),
                {"resource": f"file_{organisation}_{month}"})
        print(f"  organisation {organisation + 1}/{organisations} generated", flush=True)
    # What each load does for its file, for all files at once.
    spending_rollups.refill(connection, spending_store.SPENDING_TABLE, None)
    spending_rollups.refresh_public(connection, spending_store.SOURCES_TABLE,
                                    [(f"org_{organisation}", YEAR) for organisation in range(organisations)])


def naive_union(organisations: list[int]) -> str:
    return " UNION ALL ".join(f'SELECT *, {organisation} AS organisation FROM "file_{organisation}_{month}"'
                              for organisation in organisations for month in range(1, 13))


def questions(public: list[int]) -> dict[str, tuple[Callable, str]]:
    """Each question: the explorer's call, and the naive SQL giving the same answer over the files' tables."""
    one, supplier = 0, "SE5500000003"
    org = SpendingFilters(organization_id=f"org_{one}", year=YEAR)
    everyone = SpendingFilters(year=YEAR, currency="SEK")
    union_one, union_all = naive_union([one]), naive_union(public)
    return {
        "organisation year total": (lambda c: queries.spending(c, org),
                                    f"SELECT sum(belopp), count(*) FROM ({union_one}) r"),
        "organisation months": (lambda c: queries.spending(c, org, "month"),
                                f"SELECT extract(month FROM datum), sum(belopp) FROM ({union_one}) r GROUP BY 1"),
        "organisation top suppliers": (
            lambda c: queries.spending(c, org, "supplier", 20),
            f"SELECT leverantor_id, sum(belopp) FROM ({union_one}) r GROUP BY 1 ORDER BY 2 DESC LIMIT 20"),
        "organisation accounts": (
            lambda c: queries.spending(c, org, "account", 20),
            f"SELECT konto_text, sum(belopp) FROM ({union_one}) r GROUP BY 1 ORDER BY 2 DESC LIMIT 20"),
        "catalogue per organisation": (
            lambda c: queries.spending(c, everyone, "organization", 1000),
            f"SELECT organisation, sum(belopp) FROM ({union_all}) r GROUP BY 1"),
        "catalogue top suppliers": (
            lambda c: queries.spending(c, everyone, "supplier", 20),
            f"SELECT leverantor_id, sum(belopp) FROM ({union_all}) r GROUP BY 1 ORDER BY 2 DESC LIMIT 20"),
        "one supplier per buyer": (
            lambda c: queries.spending(c, SpendingFilters(supplier_key=supplier), "organization"),
            f"SELECT organisation, sum(belopp) FROM ({union_all}) r WHERE leverantor_id = '{supplier[2:]}' "
            "GROUP BY 1"),
        "supplier search by name": (
            lambda c: queries.search_suppliers(c, "leverantor 3"),
            f"SELECT leverantor_id, sum(belopp) FROM ({union_all}) r WHERE leverantor ILIKE '%leverantör 3%' "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 20"),
    }


def timed(run: Callable[[], object], runs: int) -> list[float]:
    for _ in range(WARM_UP):
        run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=400_000, help="rows per organisation (default 400000)")
    parser.add_argument("--organisations", type=int, default=ORGANISATIONS)
    parser.add_argument("--fresh", action="store_true", help="generate the rows again")
    parser.add_argument("--runs", type=int, default=30, help="measured runs per question (default 30)")
    arguments = parser.parse_args()
    home = Path(os.environ.get("OPENUP_HOME", ROOT / ".openup"))
    url = embedded_db.sibling_database(embedded_db.database_url("openup_bench", home), DATABASE)
    config.update({"ckan.datastore.write_url": url, "ckan.datastore.read_url": url})
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        have = connection.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"),
                                  {"t": spending_rollups.PUBLIC_SUPPLIERS_TABLE}).scalar()
        rows = connection.execute(sa.text(f"SELECT count(*) FROM {spending_store.SPENDING_TABLE}")).scalar() \
            if have else 0
    if arguments.fresh or rows != arguments.rows * arguments.organisations:
        print(f"Generating {arguments.organisations} x {arguments.rows:,} rows ...", flush=True)
        started = time.perf_counter()
        with engine.begin() as connection:
            generate(connection, arguments.organisations, arguments.rows)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM (ANALYZE)"))
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    public = list(range(arguments.organisations - 1))
    print(f"\n{'question':30} {'store median':>13} {'p95':>8}   {'naive median':>13} {'p95':>8}  (ms)")
    with queries.store_connection() as connection:
        for name, (explorer, naive) in questions(public).items():
            store_times = timed(lambda explorer=explorer: explorer(connection), arguments.runs)
            naive_times = timed(lambda naive=naive: connection.execute(sa.text(naive)).all(), arguments.runs)
            print(f"{name:30} {statistics.median(store_times):13.1f} {_p95(store_times):8.1f}   "
                  f"{statistics.median(naive_times):13.1f} {_p95(naive_times):8.1f}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak:.0f} MB")
    engine.dispose()
    return 0


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


if __name__ == "__main__":
    sys.exit(main())
