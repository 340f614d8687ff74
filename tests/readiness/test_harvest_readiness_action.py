"""openup_harvest_readiness: the organisation's feed checked, every problem on the field that fixes it."""

import ckan.plugins.toolkit as toolkit
import pytest
from ckan.tests import factories

from tests.readiness.conftest import readiness_as
from tests.supplier_invoices import create_supplier_invoice, supplier_invoice, sysadmin_context

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    pytest.mark.ckan_config("ckanext.openup.readiness.background", "false"),
]


def problems_of(result, name):
    return next(d for d in result["datasets"] if d["name"] == name)["problems"]


def test_fully_described_dataset_is_ready(sundsvall, editor):
    create_supplier_invoice(sundsvall, year=2024)

    result = readiness_as(editor, "sundsvall")

    assert result["status"] == "ready" and result["harvestable"] is True
    assert result["harvest_url"] == "http://test.ckan.net/organization/sundsvall/catalog"
    assert result["datasets"][0]["problems"] == [] and result["datasets"][0]["status"] == "ready"
    assert result["mqa"]["maximum"] == 405 and result["mqa"]["points"] > 300
    assert {d["dimension"] for d in result["mqa"]["dimensions"]} == {
        "Findability", "Accessibility", "Interoperability", "Reusability", "Contextuality"}


def test_missing_keywords_link_to_the_keywords_field_of_the_edit_form(sundsvall, editor):
    dataset = create_supplier_invoice(sundsvall, year=2024, tags_translated={})

    result = readiness_as(editor, "sundsvall")

    assert result["status"] == "improvable" and result["harvestable"] is True
    [keywords] = [p for p in problems_of(result, dataset["name"]) if p["property"] == "dcat:keyword"]
    assert keywords["severity"] == "warning"
    assert keywords["edit_url"] == f"/supplier-invoices/edit/{dataset['name']}#field-tags_translated-sv"
    assert any("MQA" in message and "Findability" in message for message in keywords["messages"])


def test_a_file_without_size_links_to_its_resource_form(sundsvall, editor):
    described = supplier_invoice(sundsvall, year=2024)["resources"][0]
    dataset = create_supplier_invoice(sundsvall, year=2024, resources=[dict(described, size=None)])
    resource = dataset["resources"][0]

    result = readiness_as(editor, "sundsvall")

    [size] = [p for p in problems_of(result, dataset["name"]) if p["property"] == "dcat:byteSize"]
    assert size["resource_id"] == resource["id"] and size["resource_name"] == resource["name"]
    assert size["edit_url"] == f"/supplier-invoices/{dataset['name']}/resource/{resource['id']}/edit#field-size"


def test_missing_organisation_number_is_fixed_on_the_organisation(sundsvall, editor):
    create_supplier_invoice(sundsvall, year=2024)
    toolkit.get_action("organization_patch")(sysadmin_context(), {"id": "sundsvall", "organization_number": ""})

    result = readiness_as(editor, "sundsvall")

    [publisher] = [p for p in result["organization_problems"] if p["field"] == "organization_number"]
    assert publisher["edit_url"] == "/organization/edit/sundsvall#field-organization_number"
    assert any("dataportal.se/organisation" in message for message in publisher["messages"])


def test_a_broken_dataset_iri_blocks_the_harvest(sundsvall, editor):
    toolkit.get_action("package_create")(sysadmin_context(), {
        "name": "plain", "title": "Plain", "notes": "x", "owner_org": sundsvall["id"],
        "extras": [{"key": "uri", "value": "not a uri"}]})

    result = readiness_as(editor, "sundsvall")

    assert result["harvestable"] is False and result["status"] == "not_ready"
    [broken] = [p for p in problems_of(result, "plain") if p["severity"] == "blocking"]
    assert "not a uri" in broken["messages"][0]


def test_private_dataset_is_checked_but_not_counted_in_the_feed(sundsvall, editor):
    create_supplier_invoice(sundsvall, year=2024)
    private = create_supplier_invoice(sundsvall, year=2025, private=True, tags_translated={})

    result = readiness_as(editor, "sundsvall")

    assert result["datasets_in_feed"] == 1 and result["status"] == "ready"
    entry = next(d for d in result["datasets"] if d["name"] == private["name"])
    assert entry["in_feed"] is False and entry["status"] == "improvable"


def test_only_members_and_sysadmins_see_readiness(sundsvall, editor):
    member, outsider = factories.User(), factories.User()
    toolkit.get_action("organization_member_create")(
        sysadmin_context(), {"id": sundsvall["id"], "username": member["name"], "role": "member"})

    assert readiness_as(member, "sundsvall")["organization"]["name"] == "sundsvall"
    assert readiness_as(factories.Sysadmin(), sundsvall["id"])["organization"]["name"] == "sundsvall"
    for user in (outsider, None):
        with pytest.raises(toolkit.NotAuthorized):
            readiness_as(user, "sundsvall")


def test_unknown_organisation_is_not_found():
    with pytest.raises(toolkit.ObjectNotFound):
        readiness_as(factories.Sysadmin(), "no-such-organisation")


def test_organisation_without_public_datasets_is_not_ready_and_says_why(sundsvall, editor):
    create_supplier_invoice(sundsvall, year=2024, private=True)

    result = readiness_as(editor, "sundsvall")

    assert result["status"] == "not_ready" and result["datasets_in_feed"] == 0
    messages = [m for p in result["organization_problems"] for m in p["messages"]]
    assert "the catalogue lists no dcat:dataset" in messages
    assert "DCAT-AP recommends one of dcat:dataset, dcat:service" in messages
