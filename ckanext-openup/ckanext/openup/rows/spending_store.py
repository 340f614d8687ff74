"""The spending store: every loaded invoice row of every organisation in one typed, indexed table.

The explorer answers "who did the municipalities pay, how much, when" from here instead of from one
DataStore table per monthly file. Rows are copied from a resource's DataStore table in the same
transaction that swaps that table's rows (``loading``), so the store and the DataStore never disagree.
Each row carries its currency (SEK and EUR are never summed together) and a supplier key that is the
same across buyers only when it is a valid organisation number or Y-tunnus. The contract the explorer
reads is ``docs/spending-store.md``; private rows live here too, so every public query goes through
``_openup_spending_sources WHERE public``.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as toolkit
import sqlalchemy as sa
from stdnum.fi import ytunnus
from stdnum.se import orgnr

from ckanext.openup.procurement.layouts import OutputLayout
from ckanext.openup.procurement.redaction import SOLE_TRADER_NAME
from ckanext.openup.procurement.variants import CURRENCY
from ckanext.openup.rows import spending_rollups

SOURCES_TABLE = "_openup_spending_sources"
SPENDING_TABLE = "_openup_spending"
# Every table of the store: the rows, the files they come from, and the rollups summing them.
TABLES = (SOURCES_TABLE, SPENDING_TABLE, *spending_rollups.TABLES)
# Held while the tables are first made, so two loads starting at once do not both create them.
_SETUP_LOCK = 0x6F70656E7570  # "openup"
_REDACTED_NAMES = tuple(sorted({name.casefold() for name in SOLE_TRADER_NAME.values()}))

_CREATE = (
    f"""CREATE TABLE IF NOT EXISTS {SOURCES_TABLE} (
        resource_id text PRIMARY KEY, dataset_id text NOT NULL, organization_id text NOT NULL,
        organization_name text, country text, currency text NOT NULL, public boolean NOT NULL,
        rows int, total_amount numeric, loaded timestamptz)""",
    f"CREATE INDEX IF NOT EXISTS {SOURCES_TABLE}_dataset ON {SOURCES_TABLE} (dataset_id)",
    f"CREATE INDEX IF NOT EXISTS {SOURCES_TABLE}_public ON {SOURCES_TABLE} (organization_id) WHERE public",
    f"""CREATE TABLE IF NOT EXISTS {SPENDING_TABLE} (
        resource_id text NOT NULL, organization_id text NOT NULL, currency text NOT NULL, posted date,
        year smallint, month smallint, supplier_key text, supplier_kind text NOT NULL, supplier_name text,
        supplier_number text, account_number text, account text, unit text, invoice_number text,
        amount numeric NOT NULL, credit boolean NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {SPENDING_TABLE}_period ON {SPENDING_TABLE} (organization_id, year, month)",
    f"CREATE INDEX IF NOT EXISTS {SPENDING_TABLE}_supplier ON {SPENDING_TABLE} (supplier_key) "
    "WHERE supplier_key IS NOT NULL",
    f"CREATE INDEX IF NOT EXISTS {SPENDING_TABLE}_resource ON {SPENDING_TABLE} (resource_id)",
)
# Spec 1.1 column -> store column; each layout names the spec column it writes under its own header.
_COLUMNS = {
    "datum": "posted", "leverantor": "supplier_name", "leverantor_id": "supplier_number",
    "konto_nr": "account_number", "konto_text": "account", "forvaltning": "unit",
    "fakturanummer": "invoice_number", "belopp": "amount",
}


@dataclass(frozen=True)
class Source:
    """One invoice resource as the store knows it: whose rows, in which currency, and whether public."""

    resource_id: str
    dataset_id: str
    organization_id: str
    organization_name: str | None
    country: str
    currency: str
    public: bool


def is_public(dataset: dict[str, Any], resource: dict[str, Any] | None = None) -> bool:
    """Whether anyone may see the rows: the dataset is active and not private, and so is the resource."""
    active = dataset.get("state", "active") == "active" and not toolkit.asbool(dataset.get("private"))
    return active and (resource is None or resource.get("state", "active") == "active")


def source_of(resource: dict[str, Any], dataset: dict[str, Any], organisation: dict[str, Any]) -> Source:
    """What the store notes about ``resource`` of ``dataset``, owned by ``organisation``."""
    country = (organisation.get("country") or "SE").lower()
    return Source(resource["id"], dataset["id"], dataset.get("owner_org") or organisation.get("id") or "",
                  organisation.get("name"), country, CURRENCY.get(country, CURRENCY["se"]),
                  is_public(dataset, resource))


def supplier_identity(supplier_number: str, organization_id: str, country: str) -> tuple[str, str]:
    """(kind, key) of a non-empty supplier number as the buyer wrote it.

    A valid organisationsnummer is ``SE`` + ten digits and a valid Y-tunnus ``FI`` + ``1234567-8``: the
    same company under every buyer. Anything else is the buyer's own number, keyed under the buyer so it
    never merges with another buyer's. A Swedish buyer's Y-tunnus counts only with its hyphen, as eight
    bare digits are as likely an internal supplier number that happens to pass the check.
    """
    return _registered_identity(supplier_number, country) or (
        "internal", f"internal:{organization_id}:{supplier_number}")


@functools.lru_cache(maxsize=1 << 16)
def _registered_identity(supplier_number: str, country: str) -> tuple[str, str] | None:
    # Cached: a buyer pays mostly the same suppliers every month, and the checks cost ~0.2 ms a number.
    compact = supplier_number.replace(" ", "").replace("-", "")
    if compact.isdigit() and len(compact) == 12 and compact.startswith("16"):
        compact = compact[2:]  # the 16-prefixed form some registers use
    if len(compact) == 10 and compact[2] >= "2" and orgnr.is_valid(compact):
        return "orgnr", "SE" + compact
    if (country == "fi" or "-" in supplier_number) and ytunnus.is_valid(supplier_number):
        return "ytunnus", "FI" + ytunnus.format(supplier_number)
    return None


def ensure_tables(connection: sa.engine.Connection) -> None:
    """Create the store's tables and indexes when missing; only the write role can read them."""
    if connection.execute(sa.text("SELECT bool_and(to_regclass(t) IS NOT NULL) FROM unnest(CAST(:tables AS text[])) t"),
                          {"tables": list(TABLES)}).scalar():
        return
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SETUP_LOCK})
    rows_missing = not _exists(connection, SPENDING_TABLE)
    rollups_missing = not all(_exists(connection, table) for table in spending_rollups.TABLES)
    for statement in (*_CREATE, *spending_rollups.create_statements()):
        connection.execute(sa.text(statement))
    spending_rollups.add_name_index(connection)
    if rows_missing:  # sums of rows that are gone would be wrong
        connection.execute(sa.text(f"TRUNCATE {', '.join(spending_rollups.TABLES)}"))
    if rollups_missing:  # a store from before the rollups: sum what it holds once
        spending_rollups.refill(connection, SPENDING_TABLE, None)
        spending_rollups.refresh_public(connection, SOURCES_TABLE, connection.execute(sa.text(
            f"SELECT DISTINCT organization_id, coalesce(year, 0) FROM {spending_rollups.MONTHS_TABLE}")).all())
    reader = sa.engine.make_url(toolkit.config["ckan.datastore.read_url"]).username
    # The read-only role gets SELECT on new tables by default; private datasets' rows are in these.
    revoked = f'PUBLIC, "{reader}"' if reader else "PUBLIC"
    connection.execute(sa.text(f"REVOKE ALL ON {', '.join(TABLES)} FROM {revoked}"))


def _exists(connection: sa.engine.Connection, table: str) -> bool:
    return bool(connection.execute(sa.text("SELECT to_regclass(:table) IS NOT NULL"), {"table": table}).scalar())


def replace_rows(connection: sa.engine.Connection, source: Source, layout: OutputLayout,
                 rows_table: str | None = None) -> None:
    """Replace the store's rows of ``source`` with its new rows (in the DataStore load's transaction).

    They are read from ``rows_table`` (the load's staging table) when given, else from its DataStore table.
    """
    ensure_tables(connection)
    table = rows_table or f'"{source.resource_id}"'
    written = {spec: name for name, spec in layout.columns}

    def column(spec: str) -> str:
        return f'r."{written[spec]}"' if spec in written else "NULL"

    supplier_number = f"NULLIF(btrim({column('leverantor_id')}), '')"
    numbers = connection.execute(sa.text(f"SELECT DISTINCT {supplier_number} FROM {table} r")).scalars()
    keys = [(number, *supplier_identity(number, source.organization_id, source.country))
            for number in numbers if number is not None]
    connection.execute(sa.text("CREATE TEMPORARY TABLE IF NOT EXISTS openup_supplier_keys "
                               "(supplier_number text PRIMARY KEY, kind text, key text) ON COMMIT DROP"))
    connection.execute(sa.text("TRUNCATE openup_supplier_keys"))
    if keys:
        # One statement: the driver sends a list of parameters as one INSERT per supplier.
        numbers, kinds, supplier_keys = (list(column) for column in zip(*keys, strict=True))
        connection.execute(sa.text("INSERT INTO openup_supplier_keys SELECT * FROM "
                                   "unnest(CAST(:numbers AS text[]), CAST(:kinds AS text[]), CAST(:keys AS text[]))"),
                           {"numbers": numbers, "kinds": kinds, "keys": supplier_keys})
    years_before = spending_rollups.years_of(connection, [source.resource_id])
    connection.execute(sa.text(f"DELETE FROM {SPENDING_TABLE} WHERE resource_id = :id"), {"id": source.resource_id})
    posted = column("datum")
    # A row without an amount (allowed by spec 1.1) counts as 0: the row count still matches the DataStore.
    amount = f"coalesce({column('belopp')}, 0)"
    connection.execute(sa.text(f"""
        INSERT INTO {SPENDING_TABLE} (resource_id, organization_id, currency, posted, year, month,
            supplier_key, supplier_kind, supplier_name, supplier_number, account_number, account, unit,
            invoice_number, amount, credit)
        SELECT :resource_id, :organization_id, :currency, {posted}, extract(year FROM {posted})::smallint,
            extract(month FROM {posted})::smallint, k.key,
            CASE WHEN k.kind IS NOT NULL THEN k.kind
                 WHEN lower(btrim({column('leverantor')})) = ANY(:redacted) THEN 'redacted' ELSE 'none' END,
            {column('leverantor')}, {column('leverantor_id')}, {column('konto_nr')}, {column('konto_text')},
            {column('forvaltning')}, {column('fakturanummer')}, {amount}, {amount} < 0
        FROM {table} r LEFT JOIN openup_supplier_keys k ON k.supplier_number = {supplier_number}
        """),
        {"resource_id": source.resource_id, "organization_id": source.organization_id,
         "currency": source.currency, "redacted": list(_REDACTED_NAMES)})
    connection.execute(sa.text(f"""
        INSERT INTO {SOURCES_TABLE} (resource_id, dataset_id, organization_id, organization_name, country,
            currency, public, rows, total_amount, loaded)
        SELECT :resource_id, :dataset_id, :organization_id, :organization_name, :country, :currency, :public,
            count(*), coalesce(sum(amount), 0), now()
        FROM {SPENDING_TABLE} WHERE resource_id = :resource_id
        ON CONFLICT (resource_id) DO UPDATE SET dataset_id = excluded.dataset_id,
            organization_id = excluded.organization_id, organization_name = excluded.organization_name,
            country = excluded.country, currency = excluded.currency, public = excluded.public,
            rows = excluded.rows, total_amount = excluded.total_amount, loaded = excluded.loaded"""),
        dataclasses.asdict(source))
    spending_rollups.refill(connection, SPENDING_TABLE, [source.resource_id])
    spending_rollups.refresh_public(connection, SOURCES_TABLE,
                                    {*years_before, *spending_rollups.years_of(connection, [source.resource_id])})


def remove_resource(connection: sa.engine.Connection, resource_id: str) -> None:
    """Delete the store's rows of ``resource_id`` (no error if there are none)."""
    ensure_tables(connection)
    years = spending_rollups.years_of(connection, [resource_id])
    spending_rollups.remove(connection, [resource_id])
    for table in (SPENDING_TABLE, SOURCES_TABLE):
        connection.execute(sa.text(f"DELETE FROM {table} WHERE resource_id = :id"), {"id": resource_id})
    spending_rollups.refresh_public(connection, SOURCES_TABLE, years)


def resources_not_in(connection: sa.engine.Connection, kept: Iterable[str],
                     organization_id: str | None = None) -> list[str]:
    """The resources with store rows that are not in ``kept`` (of ``organization_id`` if given)."""
    ensure_tables(connection)
    scope = "AND organization_id = :organization" if organization_id else ""
    return list(connection.execute(sa.text(
        f"SELECT resource_id FROM {SOURCES_TABLE} WHERE NOT (resource_id = ANY(:kept)) {scope}"),
        {"kept": list(kept), "organization": organization_id}).scalars())


def dataset_changed(dataset: dict[str, Any]) -> None:
    """Follow a saved dataset at once: its rows are public only while it is active and not private.

    A few cheap UPDATEs in the request, and the public supplier rollup of the years those files hold
    recomputed; a dataset moved to another organisation takes its rows along.
    """
    resources = {resource["id"]: is_public(dataset, resource) for resource in dataset.get("resources", [])}
    if not resources:
        return
    engine = write_engine()
    try:
        with engine.begin() as connection:
            ensure_tables(connection)
            flipped = [resource_id for resource_id, public in resources.items() if connection.execute(sa.text(
                f"UPDATE {SOURCES_TABLE} SET public = :public WHERE resource_id = :id AND public <> :public "
                "RETURNING resource_id"), {"id": resource_id, "public": public}).first()]
            owner = dataset.get("owner_org")
            moved = connection.execute(sa.text(
                f"UPDATE {SOURCES_TABLE} SET organization_id = :owner WHERE dataset_id = :dataset "
                "AND organization_id <> :owner RETURNING resource_id"),
                {"owner": owner, "dataset": dataset["id"]}).scalars().all() if owner else []
            years = set(spending_rollups.years_of(connection, [*flipped, *moved]))
            if moved:
                connection.execute(sa.text(
                    f"UPDATE {SPENDING_TABLE} SET organization_id = :owner WHERE resource_id = ANY(:moved)"),
                    {"owner": owner, "moved": moved})
                spending_rollups.move(connection, moved, owner)
                years |= set(spending_rollups.years_of(connection, moved))
            spending_rollups.refresh_public(connection, SOURCES_TABLE, years)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class PublicSource:
    """A public invoice resource in the store, for the explorer."""

    resource_id: str
    dataset_id: str
    organization_id: str
    organization_name: str | None
    currency: str
    rows: int
    total_amount: Decimal
    loaded: datetime.datetime


def public_sources(organization_id: str | None = None) -> list[PublicSource]:
    """Every public invoice resource in the store (of ``organization_id`` if given), by organisation."""
    scope = "AND organization_id = :organization" if organization_id else ""
    engine = write_engine()
    try:
        with engine.begin() as connection:
            ensure_tables(connection)
            found = connection.execute(sa.text(
                "SELECT resource_id, dataset_id, organization_id, organization_name, currency, rows, total_amount, "
                f"loaded FROM {SOURCES_TABLE} WHERE public {scope} ORDER BY organization_name, resource_id"),
                {"organization": organization_id}).all()
    finally:
        engine.dispose()
    return [PublicSource(*row) for row in found]


def write_engine() -> sa.engine.Engine:
    """A short-lived engine on the DataStore's write database (no pool: RQ forks a process per job)."""
    return sa.create_engine(toolkit.config["ckan.datastore.write_url"], poolclass=sa.pool.NullPool)
