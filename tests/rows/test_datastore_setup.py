"""The DataStore of the tests and the demo: its own database and a read-only role, made without a manual step."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from ckan.cli.cli import ckan

from ckanext.openup.embedded_db import (
    DATASTORE_READ_VARIABLE,
    DATASTORE_WRITE_VARIABLE,
    URL_VARIABLE,
    use_datastore,
)
from tests.rows.invoice_months import month_text, upload_month


def _scalar(url: str, statement: str):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(statement)).scalar()
    finally:
        engine.dispose()


def test_read_only_role_reads_the_datastore_but_cannot_write_it():
    write_url, read_url = use_datastore(os.environ[URL_VARIABLE])
    assert _scalar(read_url, "SELECT current_user") == "openup_datastore_reader"
    assert _scalar(read_url, "SELECT has_schema_privilege('public', 'CREATE')") is False
    assert _scalar(write_url, "SELECT has_schema_privilege('public', 'CREATE')") is True
    with pytest.raises(sa.exc.ProgrammingError):
        _scalar(read_url, "CREATE TABLE not_allowed (x int)")


def test_rows_survive_a_restart_and_ckan_db_clean(dataset, cli, monkeypatch):
    resource = upload_month(dataset, 12, month_text(12, 25))
    # What the next start does: the URLs are not set yet, so database, role and permissions are set up again.
    monkeypatch.delenv(DATASTORE_WRITE_VARIABLE)
    monkeypatch.delenv(DATASTORE_READ_VARIABLE)
    write_url, read_url = use_datastore(os.environ[URL_VARIABLE])
    assert _scalar(read_url, f'SELECT count(*) FROM "{resource["id"]}"') == 25
    result = cli.invoke(ckan, ["db", "clean", "--yes"])
    assert result.exit_code == 0, result.output
    assert _scalar(write_url, f'SELECT count(*) FROM "{resource["id"]}"') == 25
