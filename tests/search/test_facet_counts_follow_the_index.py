"""Facet counts are kept between searches (the /dataset page asks them on every visit); they must
follow every change of the index at once and never count what the visitor may not see."""

import ckan.plugins.toolkit as toolkit
import pytest
from ckan.tests import factories

from ckanext.openup.search import backend

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

FACETS = {"facet.field": ["organization", "tags", "license_id"], "rows": 0}


def anonymous_facets():
    return toolkit.get_action("package_search")({"user": "", "auth_user_obj": None}, dict(FACETS))["facets"]


def member_facets(user_name):
    return toolkit.get_action("package_search")(
        {"user": user_name}, dict(FACETS, include_private=True, include_drafts=True))["facets"]


@pytest.fixture
def organisation():
    return factories.Organization(name="sundsvall")


def test_a_new_dataset_is_counted_on_the_next_visit(organisation):
    factories.Dataset(owner_org=organisation["id"], tags=[{"name": "ekonomi"}])
    assert anonymous_facets()["tags"] == {"ekonomi": 1}
    factories.Dataset(owner_org=organisation["id"], tags=[{"name": "ekonomi"}, {"name": "inköp"}])
    assert anonymous_facets()["tags"] == {"ekonomi": 2, "inköp": 1}


def test_an_updated_tag_moves_its_count(organisation):
    dataset = factories.Dataset(owner_org=organisation["id"], tags=[{"name": "ekonomi"}])
    assert anonymous_facets()["tags"] == {"ekonomi": 1}
    toolkit.get_action("package_patch")({"ignore_auth": True}, {"id": dataset["id"], "tags": [{"name": "miljö"}]})
    assert anonymous_facets()["tags"] == {"miljö": 1}


def test_a_deleted_dataset_is_no_longer_counted(organisation):
    kept = factories.Dataset(owner_org=organisation["id"], license_id="cc-by")
    deleted = factories.Dataset(owner_org=organisation["id"], license_id="cc-zero")
    assert anonymous_facets()["license_id"] == {"cc-by": 1, "cc-zero": 1}
    toolkit.get_action("package_delete")({"ignore_auth": True}, {"id": deleted["id"]})
    assert anonymous_facets()["license_id"] == {"cc-by": 1}
    assert kept


def test_a_dataset_made_private_leaves_the_anonymous_counts_at_once(organisation):
    dataset = factories.Dataset(owner_org=organisation["id"], tags=[{"name": "ekonomi"}])
    assert anonymous_facets()["organization"] == {"sundsvall": 1}
    toolkit.get_action("package_patch")({"ignore_auth": True}, {"id": dataset["id"], "private": True})
    assert anonymous_facets() == {"organization": {}, "tags": {}, "license_id": {}}
    toolkit.get_action("package_patch")({"ignore_auth": True}, {"id": dataset["id"], "private": False})
    assert anonymous_facets()["organization"] == {"sundsvall": 1}


def test_private_and_draft_datasets_are_counted_for_members_only(organisation):
    member = factories.User()
    toolkit.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": organisation["id"], "username": member["name"], "role": "editor"})
    factories.Dataset(owner_org=organisation["id"], tags=[{"name": "öppen"}])
    factories.Dataset(owner_org=organisation["id"], private=True, tags=[{"name": "hemlig"}])
    factories.Dataset(owner_org=organisation["id"], state="draft", tags=[{"name": "utkast"}],
                      user=member)
    # The member's counts are asked first, so a kept answer would show up in the visitor's.
    assert member_facets(member["name"])["tags"] == {"hemlig": 1, "utkast": 1, "öppen": 1}
    assert anonymous_facets()["tags"] == {"öppen": 1}
    assert member_facets(member["name"])["tags"] == {"hemlig": 1, "utkast": 1, "öppen": 1}


@pytest.mark.openup_search_internal  # a second store object of openup_search's own
def test_a_write_by_another_process_is_seen_through_the_generation(organisation):
    dataset = factories.Dataset(owner_org=organisation["id"], tags=[{"name": "ekonomi"}])
    assert anonymous_facets()["tags"] == {"ekonomi": 1}
    # Another web worker's process has its own store object; this one only sees the database.
    other_store = backend.store().__class__(backend.store().url)
    try:
        search = backend.make_connection()
        search.store = other_store
        # This dataset's document: the index table may hold other sites' documents (clean_index clears ours).
        document = next(iter(search.search(f'id:"{dataset["id"]}"', fl="*", rows=1).docs))
        search.delete(id=document["index_id"])
    finally:
        other_store.dispose()
    assert anonymous_facets()["tags"] == {}
