"""The supplier-invoices dataset type: multilingual fields, organisation defaults, refusal on save."""

import ckan.plugins.toolkit as toolkit
import pytest
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


def errors_of(organisation, **overrides):
    with pytest.raises(toolkit.ValidationError) as raised:
        create_supplier_invoice(organisation, **overrides)
    return raised.value.error_dict


def test_api_shows_one_value_per_language():
    dataset = create_supplier_invoice(create_organisation(SUNDSVALL))
    assert dataset["title_translated"] == {"sv": "Leverantörsfakturor 2025", "en": "Supplier invoices 2025"}
    assert dataset["title"] == "Leverantörsfakturor 2025"
    assert dataset["notes"].startswith("Betalda leverantörsfakturor")
    assert dataset["tags_translated"]["en"] == ["supplier invoices", "procurement"]


def test_keywords_are_lower_case_and_deduplicated():
    organisation = create_organisation(SUNDSVALL)
    dataset = create_supplier_invoice(organisation, tags_translated={"sv": "Inköp, inköp , Ekonomi", "en": []})
    assert dataset["tags_translated"] == {"sv": ["inköp", "ekonomi"]}


def test_empty_fields_take_the_organisation_values():
    dataset = create_supplier_invoice(create_organisation(SUNDSVALL))
    assert dataset["contact_email"] == "oppnadata@sundsvall.se"
    assert dataset["contact_name"] == "Sundsvalls kommun"
    assert dataset["spatial_uri"] == "https://sws.geonames.org/2670781/"
    assert dataset["conforms_to"] == "https://lankadedata.se/spec/leverantorsreskontra"
    assert dataset["frequency"] == "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    assert dataset["access_rights"] == "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    assert dataset["resources"][0]["mimetype"] == "text/csv"


def test_finnish_dataset_follows_the_kuntaliitto_guide_and_has_finnish_title():
    dataset = create_supplier_invoice(create_organisation(TAMPERE))
    assert dataset["title"] == "Ostolaskut 2025"
    assert "kuntaliitto.fi" in dataset["conforms_to"]
    assert dataset["frequency"].endswith("/ANNUAL")
    assert dataset["spatial_uri"] == "http://publications.europa.eu/resource/authority/country/FIN"


def test_government_theme_is_always_included():
    dataset = create_supplier_invoice(
        create_organisation(SUNDSVALL), theme=["http://publications.europa.eu/resource/authority/data-theme/ECON"]
    )
    assert dataset["theme"][0].endswith("/GOVE")


def test_organisation_without_organisation_number_is_refused_on_owner_org():
    organisation = create_organisation(SUNDSVALL, organization_number="")
    errors = errors_of(organisation)
    assert "organisationsnummer" in errors["owner_org"][0]


def test_missing_contact_email_is_refused():
    organisation = create_organisation(SUNDSVALL, contact_email="")
    assert "contact e-mail" in errors_of(organisation)["contact_email"][0]


def test_unknown_licence_is_refused():
    errors = errors_of(create_organisation(SUNDSVALL), license_id="odc-odbl")
    assert "license_id" in errors


def test_missing_swedish_text_is_refused_on_the_field():
    errors = errors_of(create_organisation(SUNDSVALL), title_translated={"en": "Supplier invoices 2025"})
    assert errors["title_translated"] == ["Swedish text (sv) is required for an organisation in SE"]


def test_finnish_organisation_needs_finnish_and_swedish_text():
    organisation = create_organisation(TAMPERE)
    errors = errors_of(organisation, notes_translated={"en": "Paid invoices"})
    assert len(errors["notes_translated"]) == 2


def test_resource_without_url_is_refused():
    organisation = create_organisation(SUNDSVALL)
    dataset = supplier_invoice(organisation)
    del dataset["resources"][1]["url"]
    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("package_create")(sysadmin_context(), dataset)
    assert raised.value.error_dict["resources"][1]["url"] == ["Missing value"]


@pytest.mark.parametrize(
    ("resource", "field"),
    [
        ({"format": "DOCX"}, "format"),
        ({"period": "2024-12"}, "period"),
        ({"period": "2025-13"}, "period"),
        ({"hash": "not-hex"}, "hash"),
        ({"url": "ftp://example.org/2025-01.csv"}, "url"),
        ({"download_url": "example.org/x.csv"}, "download_url"),
    ],
)
def test_resource_that_would_break_the_harvest_is_refused(resource, field):
    organisation = create_organisation(SUNDSVALL)
    dataset = supplier_invoice(organisation)
    dataset["resources"][0].update(resource)
    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("package_create")(sysadmin_context(), dataset)
    assert field in raised.value.error_dict["resources"][0]


def test_control_characters_are_removed_from_text():
    dataset = create_supplier_invoice(
        create_organisation(SUNDSVALL), title_translated={"sv": "Fakturor\x00\x07 2025\u200f", "en": "Invoices"}
    )
    assert dataset["title_translated"]["sv"] == "Fakturor 2025\u200f"


def test_plain_dataset_type_keeps_working():
    dataset = factories.Dataset(title="Badplatser", tags=[{"name": "bad"}])
    assert dataset["type"] == "dataset"
    assert toolkit.get_action("package_show")({}, {"id": dataset["id"]})["title"] == "Badplatser"


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", False)
def test_form_shows_the_missing_language_on_the_field(app):
    organisation = create_organisation(SUNDSVALL)
    user = factories.Sysadmin()
    response = app.post(
        "/supplier-invoices/new",
        data={
            "name": "sundsvall-2025",
            "title_translated-en": "Supplier invoices 2025",
            "notes_translated-sv": "Betalda fakturor",
            "owner_org": organisation["id"],
            "year": "2025",
            "license_id": "cc-by",
            "save": "",
        },
        headers={"Authorization": factories.APIToken(user=user["name"])["token"]},
    )
    assert response.status_code == 200
    assert "Swedish text (sv) is required" in response.get_data(as_text=True)


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", False)
def test_form_saves_one_value_per_language(app):
    organisation = create_organisation(SUNDSVALL)
    user = factories.Sysadmin()
    app.post(
        "/supplier-invoices/new",
        data={
            "name": "sundsvall-2025",
            "title_translated-sv": "Leverantörsfakturor 2025",
            "title_translated-en": "Supplier invoices 2025",
            "notes_translated-sv": "Betalda fakturor",
            "tags_translated-sv": "Inköp, ekonomi",
            "owner_org": organisation["id"],
            "year": "2025",
            "license_id": "cc-zero",
            "save": "",
        },
        headers={"Authorization": factories.APIToken(user=user["name"])["token"]},
    )
    dataset = toolkit.get_action("package_show")({"ignore_auth": True}, {"id": "sundsvall-2025"})
    assert dataset["title_translated"] == {"sv": "Leverantörsfakturor 2025", "en": "Supplier invoices 2025"}
    assert dataset["tags_translated"] == {"sv": ["inköp", "ekonomi"]}


def test_dataset_and_organisation_pages_show_the_new_fields(app):
    organisation = create_organisation(SUNDSVALL)
    create_supplier_invoice(organisation)
    page = app.get("/supplier-invoices/sundsvall-supplier-invoices-2025").get_data(as_text=True)
    assert "Supplier invoices paid by Sundsvalls kommun" in page
    assert app.get("/organization/about/sundsvall").status_code == 200


def test_resource_name_defaults_to_its_month():
    organisation = create_organisation(SUNDSVALL)
    dataset = supplier_invoice(organisation)
    del dataset["resources"][0]["name"]
    created = toolkit.get_action("package_create")(sysadmin_context(), dataset)
    assert created["resources"][0]["name"] == "2025-01"


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", False)
def test_resource_form_refuses_a_file_without_url(app):
    organisation = create_organisation(SUNDSVALL)
    dataset = create_supplier_invoice(organisation, resources=[])
    user = factories.Sysadmin()
    response = app.post(
        f"/supplier-invoices/{dataset['name']}/resource/new",
        data={"id": "", "url": "", "name": "2025-03", "period": "2025-03", "format": "CSV", "save": "again"},
        headers={"Authorization": factories.APIToken(user=user["name"])["token"]},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Missing value" in page
    shown = toolkit.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})
    assert shown["resources"] == []


def test_edit_forms_offer_one_input_per_language(app):
    organisation = create_organisation(SUNDSVALL)
    dataset = create_supplier_invoice(organisation)
    headers = {"Authorization": factories.APIToken(user=factories.Sysadmin()["name"])["token"]}
    page = app.get(f"/supplier-invoices/edit/{dataset['name']}", headers=headers).get_data(as_text=True)
    for name in ("title_translated-sv", "title_translated-en", "notes_translated-en", "tags_translated-sv"):
        assert f'name="{name}"' in page
    assert 'name="notes_translated-fi"' not in page  # a Swedish organisation is not asked for Finnish
    assert 'value="Supplier invoices 2025"' in page
    org_page = app.get("/organization/edit/sundsvall", headers=headers).get_data(as_text=True)
    assert 'name="organization_number"' in org_page and "2120002411" in org_page
