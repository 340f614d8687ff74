"""The index table in PostgreSQL: its definition, its migrations and a connection that recreates it.

The table lives outside CKAN's migrations on purpose: CKAN's ``db clean`` and the test-suite's
``reset_db`` drop every table, and the index must come back by itself, as an empty Solr core would.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ProgrammingError

from ckanext.openup.search.facet_cache import FacetCache

log = logging.getLogger(__name__)
T = TypeVar("T")

TABLE = "openup_search_index"
# One row: the id of the last transaction that wrote to the index. Cached facet counts name it.
GENERATION_TABLE = f"{TABLE}_generation"
_GENERATION_SQL = f"""
    CREATE TABLE IF NOT EXISTS {GENERATION_TABLE} (
        single_row boolean PRIMARY KEY DEFAULT TRUE CHECK (single_row),
        generation bigint NOT NULL
    );
    INSERT INTO {GENERATION_TABLE} (generation) VALUES (txid_current()) ON CONFLICT DO NOTHING;
"""
# Statement to run in every transaction that writes to the index.
NEW_GENERATION = f"UPDATE {GENERATION_TABLE} SET generation = txid_current()"
SCHEMA_VERSION = 2
# CKAN's own filters on every package_search (+state, +capacity, +permission_labels) as array columns:
# the planner has statistics for them (it has none for containment in a wide jsonb) and testing them
# does not decompress ``fields`` row by row.
FILTER_COLUMNS = ("state", "capacity", "permission_labels")

# Each step brings the table from version N-1 to N; a new column or index is a new step.
_MIGRATIONS: list[str] = [
    f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        index_id text PRIMARY KEY,
        site_id text NOT NULL,
        entity_id text,
        doc jsonb NOT NULL,
        fields jsonb NOT NULL,
        search_vector tsvector NOT NULL,
        indexed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS {TABLE}_fields_idx ON {TABLE} USING gin (fields jsonb_path_ops);
    CREATE INDEX IF NOT EXISTS {TABLE}_vector_idx ON {TABLE} USING gin (search_vector);
    CREATE INDEX IF NOT EXISTS {TABLE}_modified_idx ON {TABLE} ((fields->'metadata_modified'->>0));
    CREATE INDEX IF NOT EXISTS {TABLE}_entity_idx ON {TABLE} (entity_id);
    COMMENT ON TABLE {TABLE} IS 'ckanext-openup search index, schema version 1';
    """,
    f"""
    ALTER TABLE {TABLE}
        ADD COLUMN IF NOT EXISTS state text[] NOT NULL DEFAULT '{{}}',
        ADD COLUMN IF NOT EXISTS capacity text[] NOT NULL DEFAULT '{{}}',
        ADD COLUMN IF NOT EXISTS permission_labels text[] NOT NULL DEFAULT '{{}}';
    UPDATE {TABLE} SET
        state = ARRAY(SELECT jsonb_array_elements_text(fields -> 'state')),
        capacity = ARRAY(SELECT jsonb_array_elements_text(fields -> 'capacity')),
        permission_labels = ARRAY(SELECT jsonb_array_elements_text(fields -> 'permission_labels'));
    -- The expression and order the default sort (metadata_modified desc) compiles to.
    DROP INDEX IF EXISTS {TABLE}_modified_idx;
    CREATE INDEX IF NOT EXISTS {TABLE}_modified_desc_idx
        ON {TABLE} (((fields -> 'metadata_modified' ->> 0) COLLATE "C") DESC NULLS LAST, index_id);
    ANALYZE {TABLE};
    COMMENT ON TABLE {TABLE} IS 'ckanext-openup search index, schema version 2';
    """,
]


class IndexStore:
    """Connections to the index table that create or migrate it on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._migrated = False
        self._snapshot_engine: Engine | None = None
        self.facet_cache = FacetCache()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = sa.create_engine(self.url, pool_pre_ping=True, future=True)
            return self._engine

    @property
    def snapshot_engine(self) -> Engine:
        """Read-only transactions that see one snapshot: the generation read first dates what follows."""
        engine = self.engine
        with self._lock:
            if self._snapshot_engine is None:
                self._snapshot_engine = engine.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True)
            return self._snapshot_engine

    def run(self, work: Callable[[Connection], T], snapshot: bool = False) -> T:
        """Run ``work`` in one committed transaction; recreate a table dropped by ``db clean`` once.

        With ``snapshot`` the transaction is read-only and every statement sees the same data.
        """
        if not self._migrated:
            # A table left by an older version must be brought up to date even when the plugin's
            # configure() never ran (the test-suites force the backend on without loading it).
            self.migrate()
        try:
            with (self.snapshot_engine if snapshot else self.engine).begin() as connection:
                return work(connection)
        except ProgrammingError as error:
            if getattr(error.orig, "pgcode", None) != "42P01":  # undefined_table
                raise
        self.migrate()
        with (self.snapshot_engine if snapshot else self.engine).begin() as connection:
            return work(connection)

    def migrate(self) -> None:
        """Create the table or bring it to :data:`SCHEMA_VERSION`; safe to run at any time."""
        with self.engine.begin() as connection:
            # One migrator at a time across processes: the demo server and a CLI may start together.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": TABLE})
            version = _installed_version(connection)
            for step, statement in enumerate(_MIGRATIONS[version:], start=version + 1):
                log.info("Migrating %s to schema version %s", TABLE, step)
                connection.exec_driver_sql(statement)
            # Not a numbered step: dropped with the index by `db clean`, it must come back with it.
            connection.exec_driver_sql(_GENERATION_SQL)
            connection.exec_driver_sql(NEW_GENERATION)
        self._migrated = True

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
                self._snapshot_engine = None


def _installed_version(connection: Connection) -> int:
    comment = connection.execute(
        sa.text("SELECT obj_description(to_regclass(:t), 'pg_class')"), {"t": TABLE}
    ).scalar()
    if not comment:
        return 0
    return int(comment.rsplit(" ", 1)[-1])
