"""The index table's life: created on demand, back after a database reset, refilled by a rebuild."""

import ckan.lib.search as search
import ckan.plugins.toolkit as toolkit
import pysolr
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.cli.cli import ckan
from ckan.tests import factories

from ckanext.openup.search import backend
from ckanext.openup.search.store import SCHEMA_VERSION, TABLE

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def found_names(**params):
    result = toolkit.get_action("package_search")({"ignore_auth": True}, params)
    return sorted(dataset["name"] for dataset in result["results"])


@pytest.mark.openup_search_internal
def test_search_works_again_after_the_database_is_reset():
    factories.Dataset(name="before-reset")
    model.repo.clean_db()  # drops every table, the index table too, as `ckan db clean` does
    model.repo.init_db()
    factories.Dataset(name="after-reset")
    assert found_names() == ["after-reset"]


def test_search_index_rebuild_restores_every_dataset(cli, ckan_config):
    factories.Dataset(name="kommunens-fakturor")
    factories.Dataset(name="badplatser")
    search.clear_all()
    assert found_names() == []
    result = cli.invoke(ckan, ["search-index", "rebuild", "--quiet"])
    assert result.exit_code == 0, result.output
    assert found_names() == ["badplatser", "kommunens-fakturor"]


@pytest.mark.openup_search_internal
def test_migration_is_idempotent_and_records_the_schema_version():
    store = backend.store()
    store.migrate()
    store.migrate()
    comment = store.run(lambda connection: connection.execute(
        sa.text("SELECT obj_description(to_regclass(:t), 'pg_class')"), {"t": TABLE}).scalar())
    assert comment.endswith(f"version {SCHEMA_VERSION}")


@pytest.mark.ckan_config("ckanext.openup.search.language", "finnish")
def test_finnish_text_search_language_stems_finnish_words():
    factories.Dataset(name="tampere", title="Tampereen kaupungin ostolaskut")
    assert found_names(q="ostolasku") == ["tampere"]


@pytest.mark.openup_search_internal
@pytest.mark.ckan_config("ckan.plugins", "")
def test_without_the_plugin_or_forcing_ckan_keeps_its_solr_connection(monkeypatch):
    monkeypatch.setattr(backend, "_forced", False)
    assert not backend.is_active()  # the test session loads no plugin unless a test asks
    connection = search.common.make_connection()
    assert isinstance(connection, pysolr.Solr)


def test_private_datasets_are_filtered_by_permission_labels():
    org = factories.Organization()
    factories.Dataset(name="public-invoices", owner_org=org["id"])
    factories.Dataset(name="private-invoices", owner_org=org["id"], private=True)
    outsider = factories.User()
    result = toolkit.get_action("package_search")({"user": outsider["name"]}, {"include_private": True})
    assert [dataset["name"] for dataset in result["results"]] == ["public-invoices"]
    member = factories.User()
    toolkit.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": org["id"], "username": member["name"], "role": "editor"})
    result = toolkit.get_action("package_search")({"user": member["name"]}, {"include_private": True})
    assert sorted(dataset["name"] for dataset in result["results"]) == ["private-invoices", "public-invoices"]
