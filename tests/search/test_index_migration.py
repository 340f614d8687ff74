"""The index table is brought up to date on first use, even when the plugin's configure() never ran."""

import pytest
import sqlalchemy as sa

from ckanext.openup.search import backend, store
from ckanext.openup.search.connection import PostgresSearchConnection

# openup_search's table and its migrations.
pytestmark = [pytest.mark.openup_search_internal, pytest.mark.usefixtures("clean_index")]


def test_table_of_the_first_version_is_migrated_on_first_use():
    engine = sa.create_engine(backend.store().url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {store.TABLE}")
        connection.exec_driver_sql(store._MIGRATIONS[0])  # as an older release left it
    engine.dispose()

    fresh = store.IndexStore(backend.store().url)
    try:
        connection = PostgresSearchConnection(fresh, "english")
        connection.add([{"index_id": "m", "site_id": "test.ckan.net", "id": "m", "name": "m",
                         "state": "active", "capacity": "public", "permission_labels": ["public"]}])
        assert connection.search(q="name:m", fq=["+state:active"]).hits == 1
        assert fresh.run(store._installed_version) == store.SCHEMA_VERSION
    finally:
        fresh.dispose()
