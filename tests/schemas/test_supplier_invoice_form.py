"""The supplier-invoice forms ask only what a publisher knows: the server fills the rest."""

import datetime

import ckan.plugins.toolkit as toolkit
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

from tests.supplier_invoices import (
    SUNDSVALL,
    TAMPERE,
    create_organisation,
    create_supplier_invoice,
    supplier_invoice,
    sysadmin_context,
)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

THIS_YEAR = datetime.date.today().year


def editor_of(organisation):
    user = factories.User()
    toolkit.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": organisation["id"], "username": user["name"], "role": "editor"})
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def form(app, path, headers):
    return BeautifulSoup(app.get(path, headers=headers).get_data(as_text=True), "html.parser")


def text_inputs(html, field_name):
    return sorted(i["name"] for i in html.select(f"[name^='{field_name}-']"))


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", False)
def test_first_save_with_only_title_description_and_year_succeeds(app):
    organisation = create_organisation(SUNDSVALL)
    headers = editor_of(organisation)

    response = app.post("/supplier-invoices/new", headers=headers, data={
        "title_translated-sv": f"Leverantörsfakturor {THIS_YEAR}",
        "notes_translated-sv": "Betalda leverantörsfakturor, en fil per månad.",
        "owner_org": organisation["id"], "year": str(THIS_YEAR), "license_id": "cc-zero", "save": "",
    })

    assert "Missing value" not in response.get_data(as_text=True)
    dataset = toolkit.get_action("package_show")(
        {"ignore_auth": True}, {"id": f"sundsvall-leverantorsfakturor-{THIS_YEAR}"})
    assert dataset["title"] == f"Leverantörsfakturor {THIS_YEAR}"


def test_a_title_whose_address_is_taken_gets_the_next_free_one():
    organisation = create_organisation(SUNDSVALL)
    first = create_supplier_invoice(organisation, name="", year=2024,
                                    title_translated={"sv": "Leverantörsfakturor 2024"})
    second = create_supplier_invoice(organisation, name="", year=2024,
                                     title_translated={"sv": "Leverantörsfakturor 2024"})

    assert first["name"] == "sundsvall-leverantorsfakturor-2024"
    assert second["name"] == "sundsvall-leverantorsfakturor-2024-2"


def test_url_field_is_optional_and_its_placeholder_is_no_address(app):
    organisation = create_organisation(SUNDSVALL)

    html = form(app, "/supplier-invoices/new", editor_of(organisation))

    name = html.select_one("input[name='name']")
    assert not name.get("placeholder")
    assert not name.get("required")
    help_text = html.select_one("#field-name").find_parent(class_="form-group").find_next_sibling()
    assert "title" in help_text.text  # it says the address is made from the title


def test_new_form_suggests_this_year_and_examples_name_it(app):
    organisation = create_organisation(SUNDSVALL)

    html = form(app, "/supplier-invoices/new", editor_of(organisation))

    assert html.select_one("input[name='year']")["value"] == str(THIS_YEAR)
    assert html.select_one("#field-title_translated-sv")["placeholder"].endswith(str(THIS_YEAR))
    assert "2025" not in str(html.select_one("form#dataset-edit") or html)


def test_swedish_organisation_is_asked_for_swedish_with_english_optional(app):
    organisation = create_organisation(SUNDSVALL)

    html = form(app, "/supplier-invoices/new", editor_of(organisation))

    assert text_inputs(html, "title_translated") == ["title_translated-en", "title_translated-sv"]
    assert text_inputs(html, "notes_translated") == ["notes_translated-en", "notes_translated-sv"]
    assert html.select_one("label[for='field-title_translated-sv'] .control-required") is not None
    assert html.select_one("label[for='field-title_translated-en'] .control-required") is None


def test_finnish_organisation_is_asked_for_finnish_and_swedish(app):
    organisation = create_organisation(TAMPERE)
    dataset = create_supplier_invoice(organisation)

    html = form(app, f"/supplier-invoices/edit/{dataset['name']}", editor_of(organisation))

    assert text_inputs(html, "title_translated") == ["title_translated-en", "title_translated-fi",
                                                     "title_translated-sv"]
    for lang in ("fi", "sv"):
        assert html.select_one(f"label[for='field-title_translated-{lang}'] .control-required") is not None
    assert html.select_one("label[for='field-title_translated-en'] .control-required") is None


def test_file_form_leaves_what_the_server_reads_from_the_file_to_the_server(app):
    organisation = create_organisation(SUNDSVALL)
    dataset = create_supplier_invoice(organisation)

    html = form(app, f"/supplier-invoices/{dataset['name']}/resource/new", editor_of(organisation))

    for computed in ("mimetype", "size", "hash", "hash_algorithm", "availability", "period", "rights"):
        assert html.select_one(f"[name='{computed}']") is None, computed
    assert html.select_one("[name='upload']") is not None


def test_files_keep_the_planned_availability_default():
    dataset = create_supplier_invoice(create_organisation(SUNDSVALL))

    assert {r["availability"] for r in dataset["resources"]} == {
        "http://publications.europa.eu/resource/authority/planned-availability/STABLE"}


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", False)
def test_editing_a_file_in_the_form_keeps_its_month_and_what_the_server_read(app):
    organisation = create_organisation(SUNDSVALL)
    dataset = create_supplier_invoice(organisation, year=2024)
    resource = dataset["resources"][0]

    app.post(f"/supplier-invoices/{dataset['name']}/resource/{resource['id']}/edit", headers=editor_of(organisation),
             data={"id": resource["id"], "url": resource["url"], "name": resource["name"],
                   "description": "Rättad beskrivning", "format": "CSV", "save": ""})

    edited = toolkit.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    assert edited["description"] == "Rättad beskrivning"
    for kept in ("period", "size", "hash", "hash_algorithm", "rights", "availability"):
        assert edited[kept] == resource[kept], kept


def test_year_and_month_errors_give_examples_from_this_year():
    organisation = create_organisation(SUNDSVALL)
    with pytest.raises(toolkit.ValidationError) as raised:
        create_supplier_invoice(organisation, year="nästa år")
    assert raised.value.error_dict["year"] == [f"Must be a year such as {THIS_YEAR}"]

    dataset = supplier_invoice(organisation, year=2024)
    dataset["resources"][0]["period"] = "mars"
    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("package_create")(sysadmin_context(), dataset)
    assert f"e.g. {THIS_YEAR}-01" in str(raised.value.error_dict["resources"])
