"""Rollups of the spending store: the store's rows summed per file and month, kept exact in the load's transaction.

The explorer's pages ask for totals, not rows. Summing 400,000 rows per organisation and year on every page
view is too slow, so each file's rows are also summed per month (``_openup_spending_months``), per month and
account, unit or supplier. These are rebuilt from the file's store rows in the same transaction that replaces
or deletes them, so they always equal the rows (numeric sums, never floating point), and they carry
``resource_id`` so visibility is still ``_openup_spending_sources WHERE public``.

Supplier questions over a year would still read every file's supplier rollup, so three more tables hold
public rows only: ``_openup_spending_public_suppliers`` per organisation, year and supplier name,
``_openup_spending_catalogue_suppliers`` per year and supplier across organisations, and the directory
``_openup_supplier_directory`` (supplier, name folded for search, trigram-indexed). They are recomputed for the
organisation's affected years (and the suppliers in them) whenever a file is loaded or removed or its dataset's
``public`` flag or organisation changes. See docs/spending-store.md.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

MONTHS_TABLE = "_openup_spending_months"
ACCOUNTS_TABLE = "_openup_spending_accounts"
UNITS_TABLE = "_openup_spending_units"
SUPPLIERS_TABLE = "_openup_spending_suppliers"
PUBLIC_SUPPLIERS_TABLE = "_openup_spending_public_suppliers"
CATALOGUE_SUPPLIERS_TABLE = "_openup_spending_catalogue_suppliers"
DIRECTORY_TABLE = "_openup_supplier_directory"
# Per-file rollup -> the columns it keeps beside the file, organisation, currency and month.
PER_FILE = {
    MONTHS_TABLE: (),
    ACCOUNTS_TABLE: ("account",),
    UNITS_TABLE: ("unit",),
    SUPPLIERS_TABLE: ("supplier_key", "supplier_kind", "supplier_name"),
}
TABLES = (*PER_FILE, PUBLIC_SUPPLIERS_TABLE, CATALOGUE_SUPPLIERS_TABLE, DIRECTORY_TABLE)
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
_YEAR_LOCK = "openup-spending-public-year:"


def create_statements() -> list[str]:
    """CREATE statements of the rollup tables and their indexes (idempotent)."""
    statements = []
    for table, columns in PER_FILE.items():
        extra = "".join(f", {column} text" for column in columns)
        if table == SUPPLIERS_TABLE:
            extra += ", supplier_number text"
        statements += [
            f"CREATE TABLE IF NOT EXISTS {table} (resource_id text NOT NULL, organization_id text NOT NULL, "
            f"currency text NOT NULL, year smallint, month smallint{extra}, {_MEASURES})",
            f"CREATE INDEX IF NOT EXISTS {table}_resource ON {table} (resource_id)",
            f"CREATE INDEX IF NOT EXISTS {table}_period ON {table} (organization_id, year, month)",
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
        f"""CREATE TABLE IF NOT EXISTS {CATALOGUE_SUPPLIERS_TABLE} (currency text NOT NULL, year smallint,
            supplier_key text, supplier_kind text NOT NULL, supplier_name text, supplier_number text,
            buyers int NOT NULL, {_MEASURES})""",
        f"CREATE INDEX IF NOT EXISTS {CATALOGUE_SUPPLIERS_TABLE}_period ON {CATALOGUE_SUPPLIERS_TABLE} "
        "(year, currency)",
        f"CREATE INDEX IF NOT EXISTS {CATALOGUE_SUPPLIERS_TABLE}_supplier ON {CATALOGUE_SUPPLIERS_TABLE} "
        "(supplier_key)",
        f"""CREATE TABLE IF NOT EXISTS {DIRECTORY_TABLE} (currency text NOT NULL, supplier_key text NOT NULL,
            name_search text)""",
        f"CREATE INDEX IF NOT EXISTS {DIRECTORY_TABLE}_supplier ON {DIRECTORY_TABLE} (supplier_key)",
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
    """Sum the store rows of ``resource_ids`` (every file when None) into the per-file rollups."""
    ids = None if resource_ids is None else list(resource_ids)
    scope = "true" if ids is None else "resource_id = ANY(:ids)"
    for table, columns in PER_FILE.items():
        keys = "resource_id, organization_id, currency, year, month" + "".join(f", {c}" for c in columns)
        number = ", supplier_number" if table == SUPPLIERS_TABLE else ""
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


def refresh_public(connection: sa.engine.Connection, sources_table: str,
                   organisation_years: Iterable[tuple[str, int]]) -> None:
    """Recompute the public supplier tables for each (organisation, year) from the public files' rollups.

    First the organisation's lines, then the catalogue's lines and directory names of every supplier those
    lines had or have, so all three keep equal to the public rows.
    """
    per_organisation: dict[str, set[int]] = {}
    for organisation, year in organisation_years:
        per_organisation.setdefault(organisation, set()).add(year)
    if not per_organisation:
        return
    # Loads of one year wait for each other here: each recomputes from the others' committed lines.
    for year in sorted(set().union(*per_organisation.values())):
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:lock))"), {"lock": f"{_YEAR_LOCK}{year}"})
    connection.execute(sa.text("CREATE TEMPORARY TABLE IF NOT EXISTS openup_touched_suppliers "
                               "(currency text, year smallint, supplier_key text) ON COMMIT DROP"))
    connection.execute(sa.text("TRUNCATE openup_touched_suppliers"))
    touched = (f"INSERT INTO openup_touched_suppliers SELECT DISTINCT currency, year, supplier_key "
               f"FROM {PUBLIC_SUPPLIERS_TABLE} WHERE organization_id = :organisation "
               "AND coalesce(year, 0) = ANY(:years)")
    for organisation in sorted(per_organisation):
        parameters = {"organisation": organisation, "years": sorted(per_organisation[organisation])}
        connection.execute(sa.text(touched), parameters)
        connection.execute(sa.text(
            f"DELETE FROM {PUBLIC_SUPPLIERS_TABLE} WHERE organization_id = :organisation "
            "AND coalesce(year, 0) = ANY(:years)"), parameters)
        connection.execute(sa.text(f"""
            INSERT INTO {PUBLIC_SUPPLIERS_TABLE} (organization_id, currency, year, supplier_key, supplier_kind,
                supplier_name, supplier_number, name_search, amount, rows, credit_amount, credit_rows,
                redacted_amount, redacted_rows)
            SELECT r.organization_id, r.currency, r.year, r.supplier_key, r.supplier_kind, r.supplier_name,
                max(r.supplier_number), {name_search('r.supplier_name')}, {_RESUMS}
            FROM {SUPPLIERS_TABLE} r JOIN {sources_table} src ON src.resource_id = r.resource_id AND src.public
            WHERE r.organization_id = :organisation AND coalesce(r.year, 0) = ANY(:years)
            GROUP BY r.organization_id, r.currency, r.year, r.supplier_key, r.supplier_kind, r.supplier_name"""),
            parameters)
        connection.execute(sa.text(touched), parameters)
    _refresh_catalogue(connection)


def _refresh_catalogue(connection: sa.engine.Connection) -> None:
    """Recompute the catalogue's supplier lines and directory names of the suppliers just touched."""
    connection.execute(sa.text("""CREATE TEMPORARY TABLE IF NOT EXISTS openup_touched_keys
        (currency text, year smallint, supplier_key text) ON COMMIT DROP"""))
    connection.execute(sa.text("TRUNCATE openup_touched_keys"))
    connection.execute(sa.text("INSERT INTO openup_touched_keys SELECT DISTINCT * FROM openup_touched_suppliers"))
    # Rows without a key or date match each other; plain equalities keep this a hash join, not a nested loop.
    same = ("t.currency = {0}.currency AND coalesce(t.year, 0) = coalesce({0}.year, 0) "
            "AND coalesce(t.supplier_key, '') = coalesce({0}.supplier_key, '')")
    connection.execute(sa.text(f"DELETE FROM {CATALOGUE_SUPPLIERS_TABLE} c USING openup_touched_keys t "
                               f"WHERE {same.format('c')}"))
    connection.execute(sa.text(f"""
        INSERT INTO {CATALOGUE_SUPPLIERS_TABLE} (currency, year, supplier_key, supplier_kind, supplier_name,
            supplier_number, buyers, amount, rows, credit_amount, credit_rows, redacted_amount, redacted_rows)
        SELECT r.currency, r.year, r.supplier_key, r.supplier_kind, max(r.supplier_name), max(r.supplier_number),
            count(DISTINCT r.organization_id), {_RESUMS}
        FROM {PUBLIC_SUPPLIERS_TABLE} r JOIN openup_touched_keys t ON {same.format('r')}
        GROUP BY r.currency, r.year, r.supplier_key, r.supplier_kind"""))
    connection.execute(sa.text(f"""DELETE FROM {DIRECTORY_TABLE} d USING openup_touched_keys t
        WHERE d.currency = t.currency AND d.supplier_key = t.supplier_key"""))
    connection.execute(sa.text(f"""
        INSERT INTO {DIRECTORY_TABLE} (currency, supplier_key, name_search)
        SELECT DISTINCT r.currency, r.supplier_key, r.name_search FROM {PUBLIC_SUPPLIERS_TABLE} r
        WHERE (r.currency, r.supplier_key) IN (SELECT currency, supplier_key FROM openup_touched_keys)"""))


def remove(connection: sa.engine.Connection, resource_ids: Iterable[str]) -> None:
    """Delete the per-file rollups of ``resource_ids`` (refresh the public table afterwards)."""
    for table in PER_FILE:
        connection.execute(sa.text(f"DELETE FROM {table} WHERE resource_id = ANY(:ids)"), {"ids": list(resource_ids)})


def move(connection: sa.engine.Connection, resource_ids: list[str], organization_id: str) -> None:
    """Give the per-file rollups of ``resource_ids`` to another organisation (its dataset moved)."""
    for table in PER_FILE:
        connection.execute(sa.text(f"UPDATE {table} SET organization_id = :owner WHERE resource_id = ANY(:ids)"),
                           {"owner": organization_id, "ids": resource_ids})
