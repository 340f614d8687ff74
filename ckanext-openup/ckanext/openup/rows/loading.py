"""Load one supplier-invoice resource's rows into the DataStore, replacing its old rows in one go.

The table and its data dictionary are made with ``datastore_create``; the rows then go in with COPY
through the DataStore's write connection, in the same transaction that deletes the old ones. A file
that fails to read or load leaves the previous rows in place; readers never see a half-loaded month.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as toolkit
import sqlalchemy as sa
from ckan.lib.uploader import get_resource_uploader

from ckanext.openup import organisations
from ckanext.openup.procurement.prepared import file_sha256
from ckanext.openup.rows import after_load, own_tables, search_text, spending_store, summary
from ckanext.openup.rows.dictionary import datastore_fields
from ckanext.openup.rows.reading import TypedRows, read_typed_rows

log = logging.getLogger(__name__)

DATASET_TYPE = "supplier-invoices"
# Which file each resource's rows came from; not readable through the DataStore's read-only role.
BOOKKEEPING_TABLE = "_openup_rows"
WRITE_URL = "ckan.datastore.write_url"
# Where a file's rows wait inside the load's transaction before they replace the month's rows.
STAGING_TABLE = "openup_staged_rows"
READ_URL = "ckan.datastore.read_url"
_LOAD_SETTINGS = (("synchronous_commit", "off"), ("work_mem", "64MB"), ("maintenance_work_mem", "256MB"))

# Resources being loaded or removed in this process: the DataStore's own resource_patch (its
# datastore_active flag) fires the resource hooks again, which must not start another load.
_busy: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("openup_rows_busy", default=frozenset())


@dataclass(frozen=True)
class LoadedRows:
    """What a load put in the DataStore."""

    resource_id: str
    rows: int
    total_amount: Decimal
    seconds: float


def busy(resource_id: str) -> bool:
    """True while this process is loading or removing the rows of ``resource_id``."""
    return resource_id in _busy.get()


@contextlib.contextmanager
def _working_on(resource_id: str) -> Iterator[None]:
    token = _busy.set(_busy.get() | {resource_id})
    try:
        yield
    finally:
        _busy.reset(token)


def site_context() -> dict[str, Any]:
    """The context of the site's own user: loads run outside any request, and CKAN's activity stream
    (on in the demo) must know who changed the resource when the DataStore marks it as loaded."""
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def invoice_file(resource_id: str) -> tuple[dict[str, Any], dict[str, Any], str] | None:
    """The resource, its dataset and the stored file's path, when it is an uploaded invoice file."""
    context = site_context()
    try:
        resource = toolkit.get_action("resource_show")(context, {"id": resource_id})
        dataset = toolkit.get_action("package_show")(context, {"id": resource["package_id"]})
    except toolkit.ObjectNotFound:
        return None
    if dataset.get("type") != DATASET_TYPE or dataset.get("state") == "deleted":
        return None
    if resource.get("url_type") != "upload":
        return None  # a linked file: its rows are not kept on this server (yet)
    path = get_resource_uploader(resource).get_path(resource_id)
    return (resource, dataset, os.fspath(path)) if os.path.isfile(path) else None


def load_resource(resource_id: str, force: bool = False) -> LoadedRows | None:
    """Load the rows of an uploaded supplier-invoice file; None when there is nothing to load.

    Skips a file whose rows are already loaded unless ``force``. Raises
    :class:`~ckanext.openup.rows.reading.RowsRefusedError` (the old rows stay) for a file with errors.
    """
    found = invoice_file(resource_id)
    if found is None:
        return None
    resource, dataset, path = found
    started = datetime.datetime.now(datetime.timezone.utc)
    sha256 = file_sha256(path)
    engine = _write_engine()
    try:
        if not force and _loaded_sha256(engine, resource_id) == sha256:
            return None
        organisation = organisations.organisation(dataset.get("owner_org") or "") or {}
        name = resource.get("name") or os.path.basename(resource.get("url") or "") or resource_id
        typed = read_typed_rows(path, organisation.get("country"), name=name)
        try:
            with _working_on(resource_id):
                # A month not yet marked loaded is marked by datastore_create, whose package_update indexes the
                # dataset: with the new rows' suppliers, so it need not be indexed a second time once they are in.
                with search_text.incoming_suppliers(resource_id, typed.supplier_terms) as incoming:
                    _ensure_table(engine, resource_id, datastore_fields(typed.layout))
                source = spending_store.source_of(resource, dataset, organisation)
                try:
                    _swap_rows(engine, resource_id, typed, sha256, source)
                except BaseException:
                    if incoming.indexed_at is not None:  # the index must not keep suppliers of rows that never came
                        search_text.reindex(dataset["id"])
                    raise
                after_load.rows_loaded(resource_id, dataset["id"], indexed=_still_indexed_as(dataset["id"], incoming))
        finally:
            typed.close()
    finally:
        engine.dispose()
    seconds = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    log.info("Loaded %d invoice rows of resource %s in %.1f s", typed.rows, resource_id, seconds)
    return LoadedRows(resource_id, typed.rows, typed.total_amount, seconds)


def _still_indexed_as(dataset_id: str, incoming: search_text.IncomingSuppliers) -> bool:
    """Whether the dataset was indexed with the month's new suppliers during the load and not changed since
    (another month's load or an edit meanwhile was indexed without them: then it is indexed again)."""
    if incoming.indexed_at is None:
        return False
    dataset = toolkit.get_action("package_show")(site_context(), {"id": dataset_id})
    return (dataset.get("metadata_modified") or "") == incoming.indexed_at


def remove_rows(resource_id: str) -> None:
    """Delete the DataStore table of ``resource_id`` and what was noted about it (no error if none)."""
    with _working_on(resource_id):
        try:
            toolkit.get_action("datastore_delete")(site_context(), {"resource_id": resource_id, "force": True})
        except toolkit.ObjectNotFound:
            pass
    engine = _write_engine()
    try:
        with engine.begin() as connection:
            _ensure_bookkeeping(connection)
            connection.execute(sa.text(f'DELETE FROM "{BOOKKEEPING_TABLE}" WHERE resource_id = :id'),
                               {"id": resource_id})
            spending_store.remove_resource(connection, resource_id)
            summary.forget(connection, resource_id)
    finally:
        engine.dispose()


def _write_engine() -> sa.engine.Engine:
    # One short-lived engine per load: RQ forks a process per job, and pooled connections must not cross a fork.
    return sa.create_engine(toolkit.config[WRITE_URL], poolclass=sa.pool.NullPool)


def _ensure_table(engine: sa.engine.Engine, resource_id: str, fields: list[dict[str, Any]]) -> None:
    """Create the table with ``fields``; a table with other columns (another layout) is made anew."""
    context = site_context()
    with engine.connect() as connection:
        current = connection.execute(sa.text(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = to_regclass(:table) AND attnum > 0 AND NOT attisdropped "
            "AND attname NOT LIKE '\\_%' ORDER BY attnum"), {"table": f'public."{resource_id}"'}).all()
    wanted = [(field["id"], field["type"]) for field in fields]
    if current and [(name, kind) for name, kind in current] != wanted:
        toolkit.get_action("datastore_delete")(context, {"resource_id": resource_id, "force": True})
        current = []
    # Also when the table exists: datastore_create then refreshes the data dictionary.
    toolkit.get_action("datastore_create")(
        context, {"resource_id": resource_id, "fields": fields, "force": True, "calculate_record_count": False})
    # The row-count cache must exist before the load: a reader that finds none counts the table in its own
    # snapshot and writes that count, which, landing after the load's commit, would say 0 for good.
    with engine.begin() as connection:
        if _has_row_count_cache(connection):
            connection.execute(sa.text("SELECT cached_table_row_count(:table)"), {"table": resource_id})


def _has_row_count_cache(connection: sa.engine.Connection) -> bool:
    """CKAN 2.12's DataStore caches row counts in SQL functions; 2.11's counts each time and has none."""
    return bool(connection.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'update_cached_table_row_count')")).scalar())


def _swap_rows(engine: sa.engine.Engine, resource_id: str, typed: TypedRows, sha256: str,
               source: spending_store.Source) -> None:
    table = f'"{resource_id}"'
    columns = ", ".join(f'"{written}"' for written in typed.layout.header)
    with engine.begin() as connection:
        own_tables.drop_full_text_triggers(connection)  # CKAN 2.11's set-permissions may have added them
        # The load's own settings: room to sort and build the month's index in memory, and no wait for the commit
        # to reach the disk (a crash may lose a just-finished load, never a part of one: the old rows stay).
        for setting, value in _LOAD_SETTINGS:
            connection.execute(sa.text("SELECT set_config(:setting, :value, true)"),
                               {"setting": setting, "value": value})
        # Staged first (typed, so a value the column refuses fails here, before the old rows are touched).
        connection.execute(sa.text(f"CREATE TEMPORARY TABLE {STAGING_TABLE} ON COMMIT DROP AS "
                                   f"SELECT {columns} FROM {table} WITH NO DATA"))
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.copy_expert(f"COPY {STAGING_TABLE} ({columns}) FROM STDIN WITH (FORMAT csv)", typed.csv_file)
        # The figures and the spending store read the staged rows, before the month's table is locked.
        summary.record(connection, resource_id, typed.layout, rows_table=STAGING_TABLE)
        spending_store.replace_rows(connection, source, typed.layout, rows_table=STAGING_TABLE)
        _ensure_bookkeeping(connection)
        connection.execute(sa.text(
            f'INSERT INTO "{BOOKKEEPING_TABLE}" (resource_id, sha256, rows, total_amount, loaded) '
            "VALUES (:id, :sha256, :rows, :total, now()) ON CONFLICT (resource_id) DO UPDATE SET "
            "sha256 = excluded.sha256, rows = excluded.rows, total_amount = excluded.total_amount, "
            "loaded = excluded.loaded"),
            {"id": resource_id, "sha256": sha256, "rows": typed.rows, "total": typed.total_amount})
        # The month's table is emptied and filled under an exclusive lock: readers wait for the commit and
        # then see the new month, never a part of it. Its full-text index is built once over the new rows
        # (kept up row by row it was a third of the load), and the INSERT fills the search vector the
        # DataStore's trigger would have made row by row in PL/pgSQL (it skips rows that have one).
        full_text_indexes = connection.execute(sa.text(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = to_regclass(:table) AND a.attname = '_full_text'"),
            {"table": f"public.{table}"}).all()
        connection.execute(sa.text(f"TRUNCATE {table}"))
        for name, _definition in full_text_indexes:
            connection.execute(sa.text(f"DROP INDEX {name}"))
        connection.execute(sa.text("SET LOCAL datestyle = 'ISO'"))  # dates in the vector as the trigger's JSON has them
        connection.execute(sa.text(
            f"INSERT INTO {table} ({columns}, _full_text) "
            f"SELECT {columns}, {_search_vector(typed.layout.header)} FROM {STAGING_TABLE}"))
        for _name, definition in full_text_indexes:
            connection.execute(sa.text(definition))
        # The DataStore answers `total` from this cache (CKAN 2.12).
        if _has_row_count_cache(connection):
            connection.execute(sa.text("SELECT update_cached_table_row_count(:table)"), {"table": resource_id})


def _search_vector(header: tuple[str, ...]) -> str:
    """SQL for a row's ``_full_text`` as CKAN's ``populate_full_text_trigger`` makes it: every column's
    text in table order, empty cells left out, with the database's default text search configuration."""
    values = ", ".join(f'"{column}"::text' for column in header)
    return f"to_tsvector(NULLIF(concat_ws(' ', {values}), ''))"


def _ensure_bookkeeping(connection: sa.engine.Connection) -> None:
    connection.execute(sa.text(
        f'CREATE TABLE IF NOT EXISTS "{BOOKKEEPING_TABLE}" (resource_id text PRIMARY KEY, sha256 text NOT NULL, '
        "rows bigint NOT NULL, total_amount numeric NOT NULL, loaded timestamptz NOT NULL)"))
    reader = sa.engine.make_url(toolkit.config[READ_URL]).username
    if reader:
        # The read-only role gets SELECT on every new table by default; this one says which private files exist.
        connection.execute(sa.text(f'REVOKE ALL ON "{BOOKKEEPING_TABLE}" FROM PUBLIC, "{reader}"'))


def _loaded_sha256(engine: sa.engine.Engine, resource_id: str) -> str | None:
    with engine.begin() as connection:
        _ensure_bookkeeping(connection)
        return connection.execute(sa.text(f'SELECT sha256 FROM "{BOOKKEEPING_TABLE}" WHERE resource_id = :id'),
                                  {"id": resource_id}).scalar()
