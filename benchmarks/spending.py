"""Benchmark every page and API question of the spending explorer on 10 organisations x 400,000 rows (4 million).

How the data is made (fast, and the same as real loads): one SQL statement per organisation writes its year of
store rows (``generate_series``: one resource per month, a long tail of 20,000 suppliers with valid
organisation numbers, 50 accounts, 12 units, 3 % credit notes, 1 % redacted sole traders) and each month is
copied into its own table in the DataStore's layout (the naive side). The rollups are then summed by the
functions a load calls (``spending_rollups.refill`` and ``refresh_public``), for all files at once. One
organisation is private: its rows must never count. A real month's load is then timed on top: one month
replaced through ``spending_store.replace_rows`` (what the loader runs in its transaction), rolled back.

Every page is the list of questions its view (``spending/views.py``) asks, asked through ``spending/queries.py``
(what ``openup_spending`` runs, without CKAN's HTTP layer and template rendering); the naive alternative asks
the same questions over one table per monthly file, as the DataStore keeps them (UNION ALL of the public
files' tables). Prints median and p95 per page and question, the memory of this process and of the database
server process that answered, and the load average; exits 1 when a median is over 100 ms or a p95 over 300 ms.

    .venv/bin/python benchmarks/spending.py                          # 10 x 400,000, reuses the data
    .venv/bin/python benchmarks/spending.py --rows 100000            # 10 x 100,000 (1 million), own database
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "ckanext-openup"))

from ckan.common import config  # noqa: E402
from stdnum import luhn  # noqa: E402

from ckanext.openup import embedded_db  # noqa: E402
from ckanext.openup.procurement.layouts import SWEDISH  # noqa: E402
from ckanext.openup.rows import spending_rollups, spending_store  # noqa: E402
from ckanext.openup.spending import queries  # noqa: E402
from ckanext.openup.spending.queries import SpendingFilters  # noqa: E402

ORGANISATIONS = 10
YEAR = 2025
SUPPLIERS = 20_000
WARM_UP = 3
MEDIAN_TARGET, P95_TARGET = 100.0, 300.0
LARGEST = 20  # groups in each "largest" table of a page, as views.py asks
Question = tuple[SpendingFilters, str | None, int]  # filters, group_by, limit


def organisation_number(serial: int) -> str:
    """A valid Swedish organisation number (third digit 6), as the files write it."""
    body = f"556{serial:06d}"
    return body + luhn.calc_check_digit(body)


def generate(connection: sa.engine.Connection, organisations: int, rows: int) -> None:
    """Fill the store and one table per file (the naive layout) with ``organisations`` x ``rows`` rows."""
    connection.execute(sa.text(f"DROP TABLE IF EXISTS {', '.join(spending_store.TABLES)}"))
    for (name,) in connection.execute(sa.text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'file_%'")).all():
        connection.execute(sa.text(f'DROP TABLE "{name}"'))
    spending_store.ensure_tables(connection)
    connection.execute(sa.text("CREATE TEMPORARY TABLE bench_suppliers (s int PRIMARY KEY, number text) "
                               "ON COMMIT DROP"))
    connection.execute(sa.text("INSERT INTO bench_suppliers SELECT * FROM unnest(CAST(:s AS int[]), "
                               "CAST(:numbers AS text[]))"),
                       {"s": list(range(1, SUPPLIERS + 1)),
                        "numbers": [organisation_number(s) for s in range(1, SUPPLIERS + 1)]})
    for organisation in range(organisations):
        for month in range(1, 13):
            connection.execute(sa.text(
                f"INSERT INTO {spending_store.SOURCES_TABLE} VALUES (:resource, :dataset, :organisation, :name, "
                "'se', 'SEK', :public, 0, 0, now())"),
                {"resource": f"file_{organisation}_{month}", "dataset": f"dataset_{organisation}",
                 "organisation": f"org_{organisation}", "name": f"kommun-{organisation}",
                 "public": organisation != organisations - 1})
        # Supplier s's popularity falls like 1/s (a long tail); the store's columns as replace_rows writes them.
        connection.execute(sa.text(f"""
            INSERT INTO {spending_store.SPENDING_TABLE}
            SELECT 'file_' || :organisation || '_' || m, 'org_' || :organisation, 'SEK', d, {YEAR}, m,
                   CASE WHEN redacted THEN NULL ELSE 'SE' || b.number END,
                   CASE WHEN redacted THEN 'redacted' ELSE 'orgnr' END,
                   CASE WHEN redacted THEN 'Enskild näringsidkare' ELSE 'Leverantör ' || g.s || ' AB' END,
                   CASE WHEN redacted THEN NULL ELSE b.number END,
                   (4000 + (g % 50))::text, 'Konto ' || (g % 50), 'Förvaltning ' || (g % 12), 'F-' || g,
                   CASE WHEN g % 33 = 0 THEN -amount ELSE amount END, g % 33 = 0
            FROM (SELECT g, 1 + (g % 12) AS m, make_date({YEAR}, 1 + (g % 12), 1 + (g % 28)) AS d,
                         least({SUPPLIERS}, floor(exp(random() * ln({SUPPLIERS})))::int) AS s,
                         g % 100 = 7 AS redacted, round((random() * 50000)::numeric, 2) AS amount
                  FROM generate_series(1, :rows) AS g) AS g JOIN bench_suppliers b ON b.s = g.s"""),
            {"organisation": organisation, "rows": rows})
        for month in range(1, 13):
            # The DataStore's table of the month, in the Swedish layout (what the loader's staged rows look like).
            connection.execute(sa.text(
                f'CREATE TABLE "file_{organisation}_{month}" AS SELECT supplier_name AS leverantor, '
                "supplier_number AS leverantor_id, account_number AS konto_nr, account AS konto_text, "
                "unit AS forvaltning, invoice_number AS fakturanummer, posted AS datum, amount AS belopp "
                f"FROM {spending_store.SPENDING_TABLE} WHERE resource_id = :resource"),
                {"resource": f"file_{organisation}_{month}"})
        print(f"  organisation {organisation + 1}/{organisations} generated", flush=True)
    connection.execute(sa.text(f"UPDATE {spending_store.SOURCES_TABLE} src SET rows = n, total_amount = total "
                               f"FROM (SELECT resource_id, count(*) n, sum(amount) total FROM "
                               f"{spending_store.SPENDING_TABLE} GROUP BY 1) s WHERE s.resource_id = src.resource_id"))
    # What each load does for its file, for all files at once.
    spending_rollups.refill(connection, spending_store.SPENDING_TABLE, None)
    spending_rollups.refresh_public(connection, spending_store.SOURCES_TABLE,
                                    [(f"org_{organisation}", YEAR) for organisation in range(organisations)])


# The naive side: the DataStore's columns per question column, over the public files' tables.
_NAIVE_COLUMNS = {"organization_id": "organisation", "year": "extract(year FROM datum)::int",
                  "month": "extract(month FROM datum)::int", "supplier_key": "'SE' || leverantor_id",
                  "account": "konto_text", "unit": "forvaltning"}
_NAIVE_GROUPS = {"organization": "organisation", "year": "extract(year FROM datum)",
                 "month": "extract(month FROM datum)", "supplier": "leverantor_id", "account": "konto_text",
                 "unit": "forvaltning"}


def naive_sql(question: Question, public: list[int]) -> tuple[str, dict[str, object]]:
    """The same question over one table per monthly file (only the public organisations' files)."""
    filters, group_by, limit = question
    owners = [o for o in public if filters.organization_id in (None, f"org_{o}")]
    union = " UNION ALL ".join(f"SELECT *, 'org_{o}' AS organisation FROM \"file_{o}_{m}\""
                               for o in owners for m in range(1, 13)) or "SELECT NULL::numeric AS belopp WHERE false"
    conditions, parameters = [], {}
    for name, value in vars(filters).items():
        if value is not None and name in _NAIVE_COLUMNS:
            conditions.append(f"{_NAIVE_COLUMNS[name]} = :{name}")
            parameters[name] = value
    where = " AND ".join(conditions) or "true"
    if group_by is None:
        return f"SELECT sum(belopp), count(*) FROM ({union}) r WHERE {where}", parameters
    key = _NAIVE_GROUPS[group_by]
    return (f"SELECT {key}, sum(belopp), count(*), sum(sum(belopp)) OVER () FROM ({union}) r WHERE {where} "
            f"GROUP BY 1 ORDER BY 2 DESC LIMIT {limit}", parameters)


def pages(organisations: int, supplier: str) -> dict[str, list[Question | str]]:
    """Each page and API question: the questions its view asks in order (a str is a supplier search)."""
    SEK = "SEK"
    every, org = SpendingFilters(), SpendingFilters(organization_id="org_0")
    year = SpendingFilters(organization_id="org_0", year=YEAR)
    years = [YEAR]  # the data has one year; the views ask one question per year shown (five at most)
    catalogue = [(every, None, 100), (replace(every, currency=SEK), "year", 100),
                 *[(SpendingFilters(currency=SEK, year=y), "organization", 1000) for y in years],
                 (replace(every, currency=SEK), "organization", 1000),
                 (replace(every, currency=SEK), "supplier", LARGEST)]

    def organisation_page(filters: SpendingFilters) -> list[Question]:
        return [(org, "year", 100), (filters, None, 100), (replace(filters, month=None), "month", 100),
                (filters, "supplier", LARGEST), (filters, "account", LARGEST), (filters, "unit", LARGEST)]

    by_supplier = SpendingFilters(supplier_key=supplier)
    bought = replace(by_supplier, currency=SEK)
    answers: dict[str, list[Question | str]] = {
        "page /spending": catalogue,
        "page /spending?year=": [(replace(q[0], year=YEAR), *q[1:]) if q[1] != "year" else q for q in catalogue],
        "page /organization/x/spending": organisation_page(year),
        "page …/spending?year&month&account": organisation_page(replace(year, month=6, account="Konto 7")),
        "page …/spending?year&supplier": organisation_page(replace(year, supplier_key=supplier)),
        "page …/spending?year&unit": organisation_page(replace(year, unit="Förvaltning 3")),
        "page /spending/supplier/<key>": [
            (by_supplier, None, 100), (bought, "year", 100),
            *[(replace(bought, year=y), "organization", 1000) for y in years],
            (bought, "organization", 1000), (bought, "account", LARGEST), (bought, "supplier", 1)],
        "page /spending/suppliers?q=name": ["leverantor 3"],
        "page /spending/suppliers?q=number": [supplier[2:8] + "-" + supplier[8:]],
        "csv organisation suppliers": [(year, "supplier", LARGEST)],
        "csv catalogue organisations": [(SpendingFilters(currency=SEK, year=YEAR), "organization", 1000)],
        "csv supplier accounts": [(bought, "account", LARGEST)],
    }
    for group_by in queries.GROUP_BY:
        answers[f"api org-year group_by={group_by}"] = [(year, group_by, 100)]
        answers[f"api catalogue group_by={group_by}"] = [(SpendingFilters(currency=SEK, year=YEAR), group_by, 100)]
    answers["api org-year total"] = [(year, None, 100)]
    return answers


def ask_store(steps: list[Question | str], as_csv: bool) -> None:
    """A page's questions as openup_spending asks them: each on a connection from the pool."""
    for step in steps:
        if isinstance(step, str):
            queries.ask(lambda connection, step=step: queries.search_suppliers(connection, step))
            continue
        answer = queries.ask(lambda connection, step=step: queries.spending(connection, *step))
        if as_csv:
            writer = csv.writer(io.StringIO())
            for group in answer.groups:
                writer.writerow([group.key, group.label, group.amount, answer.currency, group.invoices])


def ask_naive(connection: sa.engine.Connection, steps: list[Question | str], public: list[int]) -> None:
    for step in steps:
        if isinstance(step, str):
            words = queries.normalised_name_words(step)
            key = queries.supplier_key_from_number(step)
            union = " UNION ALL ".join(f'SELECT * FROM "file_{o}_{m}"' for o in public for m in range(1, 13))
            condition = ("'SE' || leverantor_id = :key" if key else
                         " AND ".join(f"leverantor ILIKE :w{i}" for i in range(len(words))))
            connection.execute(sa.text(
                f"SELECT leverantor_id, sum(belopp) FROM ({union}) r WHERE {condition} GROUP BY 1 "
                "ORDER BY 2 DESC LIMIT 20"), {"key": key, **{f"w{i}": f"%{w}%" for i, w in enumerate(words)}}).all()
            continue
        sql, parameters = naive_sql(step, public)
        connection.execute(sa.text(sql), parameters).all()


def timed(run: Callable[[], object], runs: int, warm_up: int = WARM_UP) -> list[float]:
    for _ in range(warm_up):
        run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def month_load(engine: sa.engine.Engine) -> tuple[float, float]:
    """Seconds to replace one month through the loader's store step, and to recount the organisation wholesale.

    Both in a transaction rolled back afterwards: the data stays as generated.
    """
    source = spending_store.Source("file_0_6", "dataset_0", "org_0", "kommun-0", "se", "SEK", True)
    with engine.connect() as connection:
        transaction = connection.begin()
        started = time.perf_counter()
        spending_store.replace_rows(connection, source, SWEDISH, rows_table='"file_0_6"')
        incremental = time.perf_counter() - started
        started = time.perf_counter()
        spending_rollups.recount(connection, spending_store.SOURCES_TABLE, "org_0")
        wholesale = time.perf_counter() - started
        transaction.rollback()
    return incremental, wholesale


def server_memory(connection: sa.engine.Connection) -> str:
    """Peak and private resident memory of the database server process serving ``connection``."""
    pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    try:
        status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    except OSError:
        return "server process not readable here"
    return f"server process peak {status['VmHWM'].strip()}, private now {status['RssAnon'].strip()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=400_000, help="rows per organisation (default 400000)")
    parser.add_argument("--organisations", type=int, default=ORGANISATIONS)
    parser.add_argument("--fresh", action="store_true", help="generate the rows again")
    parser.add_argument("--runs", type=int, default=30, help="measured runs per page (default 30)")
    parser.add_argument("--naive-runs", type=int, default=5, help="measured runs of the naive side (default 5)")
    parser.add_argument("--only", help="only the pages and questions whose name contains this")
    arguments = parser.parse_args()
    home = Path(os.environ.get("OPENUP_HOME", ROOT / ".openup"))
    database = f"openup_spending_bench_{arguments.organisations}x{arguments.rows}"
    url = embedded_db.sibling_database(embedded_db.database_url("openup_bench", home), database)
    config.update({"ckan.datastore.write_url": url, "ckan.datastore.read_url": url})
    engine = sa.create_engine(url)
    print(f"load average at start: {' '.join(f'{load:.2f}' for load in os.getloadavg())} "
          f"({os.cpu_count()} cores)", flush=True)
    with engine.begin() as connection:
        have = connection.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"),
                                  {"t": spending_rollups.PUBLIC_FILES_TABLE}).scalar()
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
    with engine.begin() as connection:  # a store from an earlier version gets its newer rollups summed once
        spending_store.ensure_tables(connection)
    rows = arguments.rows * arguments.organisations
    incremental, wholesale = month_load(engine)
    print(f"one month's store and rollups replaced as a load does: {incremental:.2f} s "
          f"(the organisation's public supplier lines recounted wholesale instead: {wholesale:.2f} s)", flush=True)
    with engine.connect() as connection:
        supplier = connection.execute(sa.text(
            f"SELECT supplier_key FROM {spending_rollups.CATALOGUE_SUPPLIERS_TABLE} WHERE supplier_key IS NOT NULL "
            "ORDER BY rows DESC LIMIT 1")).scalar()  # the largest: the slowest to ask about
    public = list(range(arguments.organisations - 1))
    missed = []
    print(f"\n{rows:,} rows. Milliseconds; store {arguments.runs} runs, naive {arguments.naive_runs} runs, "
          f"{WARM_UP} warm-up each (naive 1, none for a single run).")
    print(f"{'page or question':38} {'store median':>12} {'p95':>7}   {'naive median':>12} {'p95':>8}  target")
    with engine.connect() as connection:
        for name, steps in pages(arguments.organisations, supplier).items():
            if arguments.only and arguments.only not in name:
                continue
            as_csv = name.startswith("csv")
            store_times = timed(lambda steps=steps, as_csv=as_csv: ask_store(steps, as_csv), arguments.runs)
            naive_times = timed(lambda steps=steps: ask_naive(connection, steps, public), arguments.naive_runs,
                                warm_up=int(arguments.naive_runs > 1)) if arguments.naive_runs else [float("nan")] * 2
            median, p95 = statistics.median(store_times), _p95(store_times)
            met = median <= MEDIAN_TARGET and p95 <= P95_TARGET
            if not met:
                missed.append(name)
            print(f"{name:38} {median:12.1f} {p95:7.1f}   {statistics.median(naive_times):12.1f} "
                  f"{_p95(naive_times):8.1f}  {'met' if met else 'MISSED'}", flush=True)
        naive_memory = server_memory(connection)
    with queries.store_connection() as connection:  # the pool's connection every store question used
        store_memory = server_memory(connection)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmemory at {rows:,} rows: this process peak {peak:.0f} MB; store questions' {store_memory}; "
          f"naive questions' {naive_memory}")
    print(f"load average at end: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    engine.dispose()
    if missed:
        print(f"targets (median <= {MEDIAN_TARGET:.0f} ms, p95 <= {P95_TARGET:.0f} ms) missed: {', '.join(missed)}")
        return 1
    print(f"every target met (median <= {MEDIAN_TARGET:.0f} ms, p95 <= {P95_TARGET:.0f} ms)")
    return 0


def _p95(times: list[float]) -> float:
    if len(times) < 2:
        return times[0]
    return statistics.quantiles(times, n=20)[-1]


if __name__ == "__main__":
    sys.exit(main())
