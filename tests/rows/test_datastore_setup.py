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


def test_month_loads_after_ckan_2_11s_set_permissions_put_its_trigger_on_our_tables(dataset):
    # CKAN 2.11's set-permissions script adds its full-text trigger to every table of the DataStore's public
    # schema, ours too; every insert into them then failed with 'record "new" has no field "_full_text"'.
    write_url, _read_url = use_datastore(os.environ[URL_VARIABLE])
    upload_month(dataset, 11, month_text(11, 5))
    engine = sa.create_engine(write_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            for table in ("_openup_spending", "_openup_rows"):
                connection.execute(sa.text(f"CREATE TRIGGER zfulltext BEFORE INSERT OR UPDATE ON {table} "
                                           "FOR EACH ROW EXECUTE PROCEDURE populate_full_text_trigger()"))
    finally:
        engine.dispose()
    resource = upload_month(dataset, 12, month_text(12, 25))
    assert _scalar(write_url, f'SELECT count(*) FROM "{resource["id"]}"') == 25
    assert _scalar(write_url, f"SELECT count(*) FROM _openup_spending WHERE resource_id = '{resource['id']}'") == 25
