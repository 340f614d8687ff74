"""The readiness cache: one row per organisation, valid while the organisation's fingerprint is unchanged.

A table of our own beside CKAN's, created on first use: CKAN's ``db clean`` and the test-suite's
``reset_db`` drop every table, and a lost cache only means one more check.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from ckan import model
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ProgrammingError

T = TypeVar("T")
TABLE = "openup_harvest_readiness"

_CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    organization_id text PRIMARY KEY,
    fingerprint text,
    result jsonb,
    computed_at timestamptz,
    pending_fingerprint text,
    pending_since timestamptz
)
"""


@dataclass(frozen=True)
class CachedReadiness:
    """What is stored for an organisation: the last result and any check under way."""

    fingerprint: str | None
    result: dict[str, Any] | None
    computed_at: datetime.datetime | None
    pending_fingerprint: str | None
    pending_since: datetime.datetime | None


def read(organisation_id: str) -> CachedReadiness | None:
    """The stored row of ``organisation_id``, or None."""
    def run(connection: Connection) -> CachedReadiness | None:
        row = connection.execute(sa.text(
            f"SELECT fingerprint, result, computed_at, pending_fingerprint, pending_since FROM {TABLE} "
            "WHERE organization_id = :id"), {"id": organisation_id}).first()
        return CachedReadiness(*row) if row else None
    return _with_table(run)


def write(organisation_id: str, fingerprint: str, result: dict[str, Any]) -> None:
    """Store a result; a check under way for the same fingerprint is thereby done."""
    _with_table(lambda connection: connection.execute(sa.text(f"""
        INSERT INTO {TABLE} (organization_id, fingerprint, result, computed_at)
        VALUES (:id, :fingerprint, CAST(:result AS jsonb), now())
        ON CONFLICT (organization_id) DO UPDATE SET
            fingerprint = excluded.fingerprint, result = excluded.result, computed_at = now(),
            pending_fingerprint = CASE WHEN {TABLE}.pending_fingerprint = excluded.fingerprint
                                       THEN NULL ELSE {TABLE}.pending_fingerprint END,
            pending_since = CASE WHEN {TABLE}.pending_fingerprint = excluded.fingerprint
                                 THEN NULL ELSE {TABLE}.pending_since END
    """), {"id": organisation_id, "fingerprint": fingerprint, "result": json.dumps(result)}))


def claim(organisation_id: str, fingerprint: str, stale_after: float) -> bool:
    """Mark a check of ``fingerprint`` as under way; False when one already is (started < ``stale_after`` s ago).

    One statement, so two requests at once enqueue one job.
    """
    def run(connection: Connection) -> bool:
        row = connection.execute(sa.text(f"""
            INSERT INTO {TABLE} (organization_id, pending_fingerprint, pending_since)
            VALUES (:id, :fingerprint, now())
            ON CONFLICT (organization_id) DO UPDATE SET
                pending_fingerprint = excluded.pending_fingerprint, pending_since = now()
            WHERE {TABLE}.pending_fingerprint IS DISTINCT FROM excluded.pending_fingerprint
               OR {TABLE}.pending_since < now() - make_interval(secs => :stale_after)
            RETURNING organization_id
        """), {"id": organisation_id, "fingerprint": fingerprint, "stale_after": stale_after}).first()
        return row is not None
    return _with_table(run)


def release(organisation_id: str) -> None:
    """Forget a check under way (its job could not be enqueued)."""
    _with_table(lambda connection: connection.execute(sa.text(
        f"UPDATE {TABLE} SET pending_fingerprint = NULL, pending_since = NULL WHERE organization_id = :id"),
        {"id": organisation_id}))


def _with_table(work: Callable[[Connection], T]) -> T:
    """Run ``work`` in a transaction of its own (never in CKAN's session), creating the table if needed."""
    try:
        with model.meta.engine.begin() as connection:
            return work(connection)
    except ProgrammingError as error:
        if getattr(error.orig, "pgcode", None) != "42P01":  # undefined_table
            raise
    with model.meta.engine.begin() as connection:
        connection.execute(sa.text(_CREATE))
        return work(connection)
