"""Rollups of the spending store: the store's rows summed per file and month, kept exact in the load's transaction.

The explorer's pages ask for totals, not rows. Summing 400,000 rows per organisation and year on every page
view is too slow, so each file's rows are also summed per month (``_openup_spending_months``), per month and
account, unit or supplier. These are rebuilt from the file's store rows in the same transaction that replaces
or deletes them, so they always equal the rows (numeric sums, never floating point), and they carry
``resource_id`` so visibility is still ``_openup_spending_sources WHERE public``.

Supplier questions over a year would still read every file's supplier rollup, so three more tables hold
public rows only: ``_openup_spending_public_suppliers`` per organisation, year and supplier name,
``_openup_spending_catalogue_suppliers`` per year and supplier across organisations, and the directory
``_openup_supplier_directory`` (supplier, name folded for search, trigram-indexed). The first is kept by
adding and subtracting files' supplier lines (``_openup_spending_public_files`` says which files it holds),
so a month's load costs time in its own suppliers, not in the organisation's year; the other two are
recomputed for the suppliers those changes touched. See docs/spending-store.md.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

MONTHS_TABLE = "_openup_spending_months"
ACCOUNTS_TABLE = "_openup_spending_accounts"
UNITS_TABLE = "_openup_spending_units"
SUPPLIERS_TABLE = "_openup_spending_suppliers"
ACCOUNT_UNITS_TABLE = "_openup_spending_account_units"
SUPPLIER_ACCOUNTS_TABLE = "_openup_spending_supplier_accounts"
SUPPLIER_UNITS_TABLE = "_openup_spending_supplier_units"
PUBLIC_SUPPLIERS_TABLE = "_openup_spending_public_suppliers"
CATALOGUE_SUPPLIERS_TABLE = "_openup_spending_catalogue_suppliers"
# One line per currency and supplier over every year (the catalogue's lines added up), ranked by amount.
CATALOGUE_TOTALS_TABLE = "_openup_spending_catalogue_supplier_totals"
DIRECTORY_TABLE = "_openup_supplier_directory"
# Per-file rollup -> the columns it keeps beside the file, organisation, currency and month.
PER_FILE = {
    MONTHS_TABLE: (),
    ACCOUNTS_TABLE: ("account",),
    UNITS_TABLE: ("unit",),
    SUPPLIERS_TABLE: ("supplier_key", "supplier_kind", "supplier_name"),
    # Two filters at once: an account's units, a supplier's accounts or units (and an account's or unit's
    # suppliers), so the supplier page and a filtered organisation page never read the rows.
    ACCOUNT_UNITS_TABLE: ("account", "unit"),
    SUPPLIER_ACCOUNTS_TABLE: ("supplier_key", "supplier_kind", "supplier_name", "account"),
    SUPPLIER_UNITS_TABLE: ("supplier_key", "supplier_kind", "supplier_name", "unit"),
}
PUBLIC_FILES_TABLE = "_openup_spending_public_files"
# One line per organisation, year and supplier (name variants added up), ranked by an index on the amount.
SUPPLIER_TOTALS_TABLE = "_openup_spending_public_supplier_totals"
TABLES = (*PER_FILE, PUBLIC_SUPPLIERS_TABLE, CATALOGUE_SUPPLIERS_TABLE, DIRECTORY_TABLE, PUBLIC_FILES_TABLE,
          SUPPLIER_TOTALS_TABLE, CATALOGUE_TOTALS_TABLE)
_PUBLIC_TABLES = (PUBLIC_SUPPLIERS_TABLE, SUPPLIER_TOTALS_TABLE, CATALOGUE_SUPPLIERS_TABLE, DIRECTORY_TABLE,
                  PUBLIC_FILES_TABLE, CATALOGUE_TOTALS_TABLE)
# The vowels people type with or without their marks fold to one letter, so "leverantor" finds "Leverantör".
MARKED = "åäöáàâéèêëíïóôúüýæø"
FOLDED = "aaoaaaeeeeiioouuyao"
_MEASURES = ("amount numeric NOT NULL, rows bigint NOT NULL, credit_amount numeric NOT NULL, "
             "credit_rows bigint NOT NULL, redacted_amount numeric NOT NULL, redacted_rows bigint NOT NULL")
_SUMS = ("sum(amount), count(*), coalesce(sum(amount) FILTER (WHERE credit), 0), count(*) FILTER (WHERE credit), "
         "coalesce(sum(amount) FILTER (WHERE supplier_kind = 'redacted'), 0), "
         "count(*) FILTER (WHERE supplier_kind = 'redacted')")
_RESUMS = ("sum(r.amount), sum(r.rows), sum(r.credit_amount), sum(r.credit_rows), sum(r.redacted_amount), "
           "sum(r.redacted_rows)")
_MEASURE_NAMES = ("amount", "rows", "credit_amount", "credit_rows", "redacted_amount", "redacted_rows")
_YEAR_LOCK = "openup-spending-public-year:"
_ALL_YEARS_LOCK = "openup-spending-public-all-years"
_LINE = "organization_id, currency, year, supplier_key, supplier_kind, supplier_name"
# A public line as its lookup index has it (rows without a date or key match each other): plain equalities on
# these let a load's changes find their lines through the index instead of reading the table.
_LINE_INDEXED = "organization_id, coalesce(year, 0), coalesce(supplier_key, ''), coalesce(supplier_name, '')"
_SAME_LINE = ("p.organization_id = d.organization_id AND coalesce(p.year, 0) = coalesce(d.year, 0) "
              "AND coalesce(p.supplier_key, '') = coalesce(d.supplier_key, '') "
              "AND coalesce(p.supplier_name, '') = coalesce(d.supplier_name, '') AND p.currency = d.currency "
              "AND p.supplier_kind = d.supplier_kind AND p.supplier_name IS NOT DISTINCT FROM d.supplier_name")
# A catalogue line (currency, year, supplier) as its lookup index has it.
_SAME_SUPPLIER = ("coalesce(t.supplier_key, '') = coalesce({0}.supplier_key, '') AND t.currency = {0}.currency "
                  "AND coalesce(t.year, 0) = coalesce({0}.year, 0)")


def create_statements() -> list[str]:
    """CREATE statements of the rollup tables and their indexes (idempotent)."""
    statements = []
    for table, columns in PER_FILE.items():
        extra = "".join(f", {column} text" for column in columns)
        if "supplier_key" in columns:
            extra += ", supplier_number text"
        statements += [
            f"CREATE TABLE IF NOT EXISTS {table} (resource_id text NOT NULL, organization_id text NOT NULL, "
            f"currency text NOT NULL, year smallint, month smallint{extra}, {_MEASURES})",
            f"CREATE INDEX IF NOT EXISTS {table}_resource ON {table} (resource_id)",
            f"CREATE INDEX IF NOT EXISTS {table}_period ON {table} (organization_id, year, month)",
        ]
    for table, column in ((SUPPLIER_ACCOUNTS_TABLE, "account"), (SUPPLIER_UNITS_TABLE, "unit")):
        statements += [  # one supplier's accounts or units; one organisation's year of an account or unit
            f"CREATE INDEX IF NOT EXISTS {table}_supplier ON {table} (supplier_key, organization_id, year) "
            "WHERE supplier_key IS NOT NULL",
            f"CREATE INDEX IF NOT EXISTS {table}_{column} ON {table} (organization_id, year, {column}, month)",
        ]
    statements += [
        f"CREATE INDEX IF NOT EXISTS {SUPPLIERS_TABLE}_supplier ON {SUPPLIERS_TABLE} (supplier_key) "
        "WHERE supplier_key IS NOT NULL",
        f"""CREATE TABLE IF NOT EXISTS {PUBLIC_SUPPLIERS_TABLE} (organization_id text NOT NULL,
            currency text NOT NULL, year smallint, supplier_key text, supplier_kind text NOT NULL,
            supplier_name text, supplier_number text, name_search text, {_MEASURES})""",
        f"CREATE INDEX IF NOT EXISTS {PUBLIC_SUPPLIERS_TABLE}_period ON {PUBLIC_SUPPLIERS_TABLE} "
        "(year, organization_id)",
        f"CREATE INDEX IF NOT EXISTS {PUBLIC_SUPPLIERS_TABLE}_supplier ON {PUBLIC_SUPPLIERS_TABLE} (supplier_key)",
        # The names of the few suppliers a page shows, in one organisation's year.
        f"CREATE INDEX IF NOT EXISTS {PUBLIC_SUPPLIERS_TABLE}_supplier_period ON {PUBLIC_SUPPLIERS_TABLE} "
        "(supplier_key, organization_id, year)",
        f"CREATE INDEX IF NOT EXISTS {PUBLIC_SUPPLIERS_TABLE}_line ON {PUBLIC_SUPPLIERS_TABLE} "
        f"({_LINE_INDEXED})",
        f"CREATE INDEX IF NOT EXISTS {PUBLIC_SUPPLIERS_TABLE}_catalogue ON {PUBLIC_SUPPLIERS_TABLE} "
        "(coalesce(supplier_key, ''), currency, coalesce(year, 0))",
        f"""CREATE TABLE IF NOT EXISTS {CATALOGUE_SUPPLIERS_TABLE} (currency text NOT NULL, year smallint,
            supplier_key text, supplier_kind text NOT NULL, supplier_name text, supplier_number text,
            buyers int NOT NULL, {_MEASURES})""",
        f"CREATE INDEX IF NOT EXISTS {CATALOGUE_SUPPLIERS_TABLE}_period ON {CATALOGUE_SUPPLIERS_TABLE} "
        "(year, currency)",
        f"CREATE INDEX IF NOT EXISTS {CATALOGUE_SUPPLIERS_TABLE}_supplier ON {CATALOGUE_SUPPLIERS_TABLE} "
        "(supplier_key)",
        f"CREATE INDEX IF NOT EXISTS {CATALOGUE_SUPPLIERS_TABLE}_line ON {CATALOGUE_SUPPLIERS_TABLE} "
        "(coalesce(supplier_key, ''), currency, coalesce(year, 0))",
        f"CREATE INDEX IF NOT EXISTS {CATALOGUE_SUPPLIERS_TABLE}_rank ON {CATALOGUE_SUPPLIERS_TABLE} "
        "(year, amount DESC)",
        f"""CREATE TABLE IF NOT EXISTS {CATALOGUE_TOTALS_TABLE} (currency text NOT NULL, supplier_key text,
            supplier_kind text NOT NULL, {_MEASURES})""",
        f"CREATE INDEX IF NOT EXISTS {CATALOGUE_TOTALS_TABLE}_line ON {CATALOGUE_TOTALS_TABLE} "
        "(coalesce(supplier_key, ''), currency)",
        f"CREATE INDEX IF NOT EXISTS {CATALOGUE_TOTALS_TABLE}_rank ON {CATALOGUE_TOTALS_TABLE} "
        "(currency, amount DESC)",
        f"""CREATE TABLE IF NOT EXISTS {SUPPLIER_TOTALS_TABLE} (organization_id text NOT NULL,
            currency text NOT NULL, year smallint, supplier_key text, supplier_kind text NOT NULL, {_MEASURES})""",
        f"CREATE INDEX IF NOT EXISTS {SUPPLIER_TOTALS_TABLE}_line ON {SUPPLIER_TOTALS_TABLE} "
        "(organization_id, coalesce(year, 0), coalesce(supplier_key, ''), supplier_kind)",
        f"CREATE INDEX IF NOT EXISTS {SUPPLIER_TOTALS_TABLE}_rank ON {SUPPLIER_TOTALS_TABLE} "
        "(organization_id, year, amount DESC)",
        f"""CREATE TABLE IF NOT EXISTS {DIRECTORY_TABLE} (currency text NOT NULL, supplier_key text NOT NULL,
            name_search text)""",
        f"CREATE INDEX IF NOT EXISTS {DIRECTORY_TABLE}_supplier ON {DIRECTORY_TABLE} (supplier_key)",
        f"""CREATE TABLE IF NOT EXISTS {PUBLIC_FILES_TABLE} (resource_id text PRIMARY KEY,
            organization_id text NOT NULL)""",
        f"CREATE INDEX IF NOT EXISTS {PUBLIC_FILES_TABLE}_organization ON {PUBLIC_FILES_TABLE} (organization_id)",
    ]
    return statements


def add_name_index(connection: sa.engine.Connection) -> None:
    """A trigram index on the directory's normalised names, when the server offers pg_trgm.

    Without it the name search reads the whole directory (one row per supplier and name variant).
    """
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            connection.execute(sa.text(
                f"CREATE INDEX IF NOT EXISTS {DIRECTORY_TABLE}_name ON {DIRECTORY_TABLE} "
                "USING gin (name_search gin_trgm_ops)"))
    except sa.exc.DBAPIError:
        pass  # no pg_trgm (or no right to install it): the search still answers, by a scan


def name_search(name_sql: str) -> str:
    """SQL folding a supplier name the way the search compares it: lower case, vowel marks removed."""
    return f"translate(lower({name_sql}), '{MARKED}', '{FOLDED}')"


def refill(connection: sa.engine.Connection, spending_table: str, resource_ids: Iterable[str] | None) -> None:
    """Sum the store rows of ``resource_ids`` (every file when None) into the per-file rollups.

    The files' old supplier lines leave the public tables at the next :func:`refresh_public`, which adds
    the new ones if the files are public.
    """
    ids = None if resource_ids is None else list(resource_ids)
    scope = "true" if ids is None else "resource_id = ANY(:ids)"
    if ids is None:
        _temporary_tables(connection)
        connection.execute(sa.text(f"TRUNCATE {', '.join(_PUBLIC_TABLES)}, openup_supplier_changes"))
    else:
        _take_out(connection, ids)
    for table, columns in PER_FILE.items():
        keys = "resource_id, organization_id, currency, year, month" + "".join(f", {c}" for c in columns)
        number = ", supplier_number" if "supplier_key" in columns else ""
        connection.execute(sa.text(f"DELETE FROM {table} WHERE {scope}"), {"ids": ids})
        connection.execute(sa.text(
            f"INSERT INTO {table} ({keys}{number}, amount, rows, credit_amount, credit_rows, redacted_amount, "
            f"redacted_rows) SELECT {keys}{', max(supplier_number)' if number else ''}, {_SUMS} "
            f"FROM {spending_table} WHERE {scope} GROUP BY {keys}"), {"ids": ids})


def years_of(connection: sa.engine.Connection, resource_ids: Iterable[str]) -> list[tuple[str, int]]:
    """(organisation, year) pairs the rollups hold for ``resource_ids``; year 0 stands for rows without a date."""
    return [tuple(row) for row in connection.execute(sa.text(
        f"SELECT DISTINCT organization_id, coalesce(year, 0) FROM {MONTHS_TABLE} WHERE resource_id = ANY(:ids)"),
        {"ids": list(resource_ids)}).all()]


def _temporary_tables(connection: sa.engine.Connection) -> None:
    """The transaction's pending changes to the public lines, and the catalogue suppliers they touch."""
    measures = ", ".join(f"{name} {'numeric' if 'amount' in name else 'bigint'}" for name in _MEASURE_NAMES)
    for table in ("openup_supplier_changes", "openup_line_changes"):
        connection.execute(sa.text(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} (organization_id text, currency text, year smallint, "
            "supplier_key text, supplier_kind text, supplier_name text, supplier_number text, "
            f"removed_number text, {measures}) ON COMMIT DROP"))
    connection.execute(sa.text("CREATE TEMPORARY TABLE IF NOT EXISTS openup_touched_keys "
                               "(currency text, year smallint, supplier_key text) ON COMMIT DROP"))


def _take_out(connection: sa.engine.Connection, resource_ids: list[str]) -> None:
    """Note the supplier lines of the counted files among ``resource_ids`` as to be subtracted (before they change)."""
    _temporary_tables(connection)
    negated = ", ".join(f"-s.{name}" for name in _MEASURE_NAMES)
    connection.execute(sa.text(f"""
        WITH gone AS (DELETE FROM {PUBLIC_FILES_TABLE} WHERE resource_id = ANY(:ids) RETURNING resource_id)
        INSERT INTO openup_supplier_changes SELECT {', '.join(f's.{c}' for c in _LINE.split(', '))}, NULL,
            s.supplier_number, {negated}
        FROM {SUPPLIERS_TABLE} s JOIN gone USING (resource_id)"""), {"ids": resource_ids})


def _put_in(connection: sa.engine.Connection, sources_table: str, organisations: list[str] | None) -> None:
    """Note the supplier lines of the organisations' public files not yet counted as to be added."""
    scope = "true" if organisations is None else "src.organization_id = ANY(:organisations)"
    connection.execute(sa.text(f"""
        WITH added AS (INSERT INTO {PUBLIC_FILES_TABLE} SELECT src.resource_id, src.organization_id
                FROM {sources_table} src WHERE src.public AND {scope}
                ON CONFLICT (resource_id) DO NOTHING RETURNING resource_id)
        INSERT INTO openup_supplier_changes SELECT {', '.join(f's.{c}' for c in _LINE.split(', '))},
            s.supplier_number, NULL, {', '.join(f's.{name}' for name in _MEASURE_NAMES)}
        FROM {SUPPLIERS_TABLE} s JOIN added USING (resource_id)"""), {"organisations": organisations})


def refresh_public(connection: sa.engine.Connection, sources_table: str,
                   organisation_years: Iterable[tuple[str, int]]) -> None:
    """Bring the public supplier tables in step with the organisations' files and their ``public`` flags.

    Files no longer public (or gone, or changed since counted) are subtracted, public files not yet counted
    added, each as its per-file supplier lines; then the catalogue's lines and directory names of every
    supplier those changes touched are recomputed. Time grows with the changed files' suppliers.
    """
    per_organisation: dict[str, set[int]] = {}
    for organisation, year in organisation_years:
        per_organisation.setdefault(organisation, set()).add(year)
    _temporary_tables(connection)
    # Loads of one year wait for each other here: each adds to and recomputes from the others' committed lines.
    for year in sorted(set().union(*per_organisation.values())):
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:lock))"), {"lock": f"{_YEAR_LOCK}{year}"})
    organisations = sorted(per_organisation)
    if organisations:
        _take_out(connection, list(connection.execute(sa.text(f"""
            SELECT c.resource_id FROM {PUBLIC_FILES_TABLE} c LEFT JOIN {sources_table} src USING (resource_id)
            WHERE c.organization_id = ANY(:organisations)
                AND (src.public IS NOT TRUE OR src.organization_id <> c.organization_id)"""),
            {"organisations": organisations}).scalars()))
        _put_in(connection, sources_table, organisations)
    _apply_changes(connection)


def recount(connection: sa.engine.Connection, sources_table: str, organization_id: str | None = None) -> None:
    """Recompute the public supplier tables of ``organization_id`` (every organisation when None) from scratch.

    For ``ckan openup rows rebuild``: whatever the public lines hold, they are summed again from the public
    files' per-file lines, and the catalogue's lines of every supplier they had or have with them.
    """
    _temporary_tables(connection)
    if organization_id is None:
        connection.execute(sa.text(f"TRUNCATE {', '.join(_PUBLIC_TABLES)}, openup_supplier_changes"))
        _put_in(connection, sources_table, None)
    else:
        mine = {"organisation": organization_id}
        connection.execute(sa.text(f"INSERT INTO openup_touched_keys SELECT DISTINCT currency, year, supplier_key "
                                   f"FROM {PUBLIC_SUPPLIERS_TABLE} WHERE organization_id = :organisation"), mine)
        for table in (PUBLIC_SUPPLIERS_TABLE, SUPPLIER_TOTALS_TABLE, PUBLIC_FILES_TABLE, "openup_supplier_changes"):
            connection.execute(sa.text(f"DELETE FROM {table} WHERE organization_id = :organisation"), mine)
        _put_in(connection, sources_table, [organization_id])
    _apply_changes(connection)


def _apply_changes(connection: sa.engine.Connection) -> None:
    """Add the pending changes to the organisations' public lines, then recompute the touched catalogue lines."""
    sums = ", ".join(f"sum({name})" for name in _MEASURE_NAMES)
    connection.execute(sa.text("TRUNCATE openup_line_changes"))
    connection.execute(sa.text(f"""
        INSERT INTO openup_line_changes SELECT {_LINE}, max(supplier_number), max(removed_number), {sums}
        FROM openup_supplier_changes GROUP BY {_LINE}"""))
    connection.execute(sa.text("TRUNCATE openup_supplier_changes"))
    connection.execute(sa.text("ANALYZE openup_line_changes"))  # so the planner looks lines up by index
    added = ", ".join(f"{name} = p.{name} + d.{name}" for name in _MEASURE_NAMES)
    # The largest number stays unless the only line writing it went and no added line writes it: then it is
    # looked up again below (a number on the page is what its rows link filters on).
    connection.execute(sa.text(f"""
        UPDATE {PUBLIC_SUPPLIERS_TABLE} p SET {added}, supplier_number = CASE
            WHEN d.removed_number = p.supplier_number AND coalesce(d.supplier_number < p.supplier_number, true)
            THEN NULL ELSE greatest(p.supplier_number, d.supplier_number) END
        FROM openup_line_changes d WHERE {_SAME_LINE}"""))
    connection.execute(sa.text(f"DELETE FROM {PUBLIC_SUPPLIERS_TABLE} p USING openup_line_changes d "
                               f"WHERE {_SAME_LINE} AND p.rows = 0"))
    connection.execute(sa.text(f"""
        UPDATE {PUBLIC_SUPPLIERS_TABLE} p SET supplier_number = (
            SELECT max(s.supplier_number) FROM {SUPPLIERS_TABLE} s JOIN {PUBLIC_FILES_TABLE} USING (resource_id)
            WHERE s.organization_id = p.organization_id AND coalesce(s.year, 0) = coalesce(p.year, 0)
                AND s.supplier_key IS NOT DISTINCT FROM p.supplier_key AND s.supplier_kind = p.supplier_kind
                AND s.supplier_name IS NOT DISTINCT FROM p.supplier_name AND s.currency = p.currency)
        FROM openup_line_changes d WHERE {_SAME_LINE} AND p.supplier_number IS NULL
            AND d.removed_number IS NOT NULL"""))
    connection.execute(sa.text(f"""
        INSERT INTO {PUBLIC_SUPPLIERS_TABLE} ({_LINE}, supplier_number, name_search, {', '.join(_MEASURE_NAMES)})
        SELECT {', '.join(f'd.{c}' for c in _LINE.split(', '))}, d.supplier_number,
            {name_search('d.supplier_name')}, {', '.join(f'd.{name}' for name in _MEASURE_NAMES)}
        FROM openup_line_changes d WHERE d.rows > 0
            AND NOT EXISTS (SELECT FROM {PUBLIC_SUPPLIERS_TABLE} p WHERE {_SAME_LINE})"""))
    _add_supplier_totals(connection)
    connection.execute(sa.text("INSERT INTO openup_touched_keys SELECT DISTINCT currency, year, supplier_key "
                               "FROM openup_line_changes"))
    _refresh_catalogue(connection)


def _add_supplier_totals(connection: sa.engine.Connection) -> None:
    """Add the pending changes to the organisations' supplier totals (their name variants added up)."""
    sums = ", ".join(f"sum({name})" for name in _MEASURE_NAMES)
    keys = "organization_id, currency, year, supplier_key, supplier_kind"
    connection.execute(sa.text("CREATE TEMPORARY TABLE IF NOT EXISTS openup_total_changes ON COMMIT DROP AS "
                               f"SELECT {keys}, {', '.join(_MEASURE_NAMES)} FROM {SUPPLIER_TOTALS_TABLE} WITH NO DATA"))
    connection.execute(sa.text("TRUNCATE openup_total_changes"))
    connection.execute(sa.text(f"INSERT INTO openup_total_changes SELECT {keys}, {sums} FROM openup_line_changes "
                               f"GROUP BY {keys}"))
    connection.execute(sa.text("ANALYZE openup_total_changes"))
    same = ("p.organization_id = d.organization_id AND coalesce(p.year, 0) = coalesce(d.year, 0) "
            "AND coalesce(p.supplier_key, '') = coalesce(d.supplier_key, '') AND p.supplier_kind = d.supplier_kind "
            "AND p.currency = d.currency")
    added = ", ".join(f"{name} = p.{name} + d.{name}" for name in _MEASURE_NAMES)
    connection.execute(sa.text(f"UPDATE {SUPPLIER_TOTALS_TABLE} p SET {added} FROM openup_total_changes d "
                               f"WHERE {same}"))
    connection.execute(sa.text(f"DELETE FROM {SUPPLIER_TOTALS_TABLE} p USING openup_total_changes d "
                               f"WHERE {same} AND p.rows = 0"))
    connection.execute(sa.text(
        f"INSERT INTO {SUPPLIER_TOTALS_TABLE} SELECT * FROM openup_total_changes d WHERE d.rows > 0 "
        f"AND NOT EXISTS (SELECT FROM {SUPPLIER_TOTALS_TABLE} p WHERE {same})"))


def _refresh_catalogue(connection: sa.engine.Connection) -> None:
    """Recompute the catalogue's supplier lines and directory names of the suppliers just touched."""
    connection.execute(sa.text("CREATE TEMPORARY TABLE IF NOT EXISTS openup_touched_suppliers "
                               "(currency text, year smallint, supplier_key text) ON COMMIT DROP"))
    connection.execute(sa.text("TRUNCATE openup_touched_suppliers"))
    connection.execute(sa.text("INSERT INTO openup_touched_suppliers SELECT DISTINCT * FROM openup_touched_keys"))
    connection.execute(sa.text("TRUNCATE openup_touched_keys"))
    connection.execute(sa.text("ANALYZE openup_touched_suppliers"))
    connection.execute(sa.text(f"DELETE FROM {CATALOGUE_SUPPLIERS_TABLE} c USING openup_touched_suppliers t "
                               f"WHERE {_SAME_SUPPLIER.format('c')}"))
    connection.execute(sa.text(f"""
        INSERT INTO {CATALOGUE_SUPPLIERS_TABLE} (currency, year, supplier_key, supplier_kind, supplier_name,
            supplier_number, buyers, amount, rows, credit_amount, credit_rows, redacted_amount, redacted_rows)
        SELECT r.currency, r.year, r.supplier_key, r.supplier_kind, max(r.supplier_name), max(r.supplier_number),
            count(DISTINCT r.organization_id), {_RESUMS}
        FROM {PUBLIC_SUPPLIERS_TABLE} r JOIN openup_touched_suppliers t ON {_SAME_SUPPLIER.format('r')}
        GROUP BY r.currency, r.year, r.supplier_key, r.supplier_kind"""))
    # Every year of the touched suppliers, added up from their catalogue lines (a few per supplier). Loads of
    # other years change those lines too: one lock for all years, so each sums the others' committed lines.
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:lock))"), {"lock": _ALL_YEARS_LOCK})
    same_key = "coalesce({0}.supplier_key, '') = coalesce(t.supplier_key, '') AND {0}.currency = t.currency"
    touched = "(SELECT DISTINCT currency, supplier_key FROM openup_touched_suppliers)"
    connection.execute(sa.text(f"DELETE FROM {CATALOGUE_TOTALS_TABLE} c USING {touched} t "
                               f"WHERE {same_key.format('c')}"))
    connection.execute(sa.text(f"""
        INSERT INTO {CATALOGUE_TOTALS_TABLE} (currency, supplier_key, supplier_kind, {', '.join(_MEASURE_NAMES)})
        SELECT r.currency, r.supplier_key, r.supplier_kind, {_RESUMS}
        FROM {CATALOGUE_SUPPLIERS_TABLE} r JOIN {touched} t ON {same_key.format('r')}
        GROUP BY r.currency, r.supplier_key, r.supplier_kind"""))
    connection.execute(sa.text(f"""DELETE FROM {DIRECTORY_TABLE} d USING openup_touched_suppliers t
        WHERE d.currency = t.currency AND d.supplier_key = t.supplier_key"""))
    connection.execute(sa.text(f"""
        INSERT INTO {DIRECTORY_TABLE} (currency, supplier_key, name_search)
        SELECT DISTINCT r.currency, r.supplier_key, r.name_search FROM {PUBLIC_SUPPLIERS_TABLE} r
        WHERE (r.currency, r.supplier_key) IN (SELECT currency, supplier_key FROM openup_touched_suppliers)"""))


def remove(connection: sa.engine.Connection, resource_ids: Iterable[str]) -> None:
    """Delete the per-file rollups of ``resource_ids`` (refresh the public table afterwards)."""
    _take_out(connection, list(resource_ids))
    for table in PER_FILE:
        connection.execute(sa.text(f"DELETE FROM {table} WHERE resource_id = ANY(:ids)"), {"ids": list(resource_ids)})


def move(connection: sa.engine.Connection, resource_ids: list[str], organization_id: str) -> None:
    """Give the per-file rollups of ``resource_ids`` to another organisation (its dataset moved)."""
    _take_out(connection, resource_ids)
    for table in PER_FILE:
        connection.execute(sa.text(f"UPDATE {table} SET organization_id = :owner WHERE resource_id = ANY(:ids)"),
                           {"owner": organization_id, "ids": resource_ids})
