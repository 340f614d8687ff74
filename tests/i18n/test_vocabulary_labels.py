"""Controlled values (EU themes, frequencies, licences) carry their official labels in the page's language."""

from __future__ import annotations

import ckan.plugins.toolkit as toolkit
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

from tests.supplier_invoices import SUNDSVALL, create_organisation, create_supplier_invoice

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

THEMES = {
    "sv": ["Regeringen och den offentliga sektorn", "Ekonomi och finans"],
    "fi": ["Valtioneuvosto ja julkinen sektori", "Talous ja raha-asiat"],
    "en": ["Government and public sector", "Economy and finance"],
}


def shown_choices(form: BeautifulSoup, select: str) -> list[str]:
    # scheming writes <option ... />label</option>: the label is the select's text, not the option's.
    return [line.strip() for line in form.select_one(select).get_text("\n").splitlines() if line.strip()]


@pytest.mark.parametrize("locale", ["sv", "fi", "en"])
def test_theme_choices_in_the_form_have_the_official_eu_labels(app, locale):
    organisation = create_organisation(SUNDSVALL)
    user = factories.User()
    token = factories.APIToken(user=user["name"])["token"]
    toolkit.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": organisation["id"], "username": user["name"], "role": "editor"})
    prefix = "" if locale == "en" else f"/{locale}"

    response = app.get(f"{prefix}/supplier-invoices/new", headers={"Authorization": token}, status=200)

    form = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert shown_choices(form, "#field-theme") == THEMES[locale]
    frequencies = shown_choices(form, "#field-frequency")
    assert {"sv": "Månatlig", "fi": "Kuukausittainen", "en": "Monthly"}[locale] in frequencies


def test_dataset_page_shows_theme_and_licence_in_finnish(app):
    organisation = create_organisation(SUNDSVALL)
    dataset = create_supplier_invoice(organisation, year=2025)

    response = app.get(f"/fi/supplier-invoices/{dataset['name']}", status=200)

    text = BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ")
    assert "Valtioneuvosto ja julkinen sektori" in text
    assert "Government and public sector" not in text


FREQUENCY_LABELS = {"sv": "Månatlig", "fi": "Kuukausittainen"}


@pytest.mark.parametrize("locale", ["sv", "fi"])
def test_dataset_page_shows_the_update_frequency_in_the_language(app, locale):
    organisation = create_organisation(SUNDSVALL)
    dataset = create_supplier_invoice(organisation, year=2025)

    response = app.get(f"/{locale}/supplier-invoices/{dataset['name']}", status=200)

    text = BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ")
    assert FREQUENCY_LABELS[locale] in text
    assert "MONTHLY" not in text and "Monthly" not in text and "monthly" not in text


@pytest.mark.parametrize("field", ["frequency", "theme", "access_rights", "availability", "license_id"])
def test_every_choice_has_its_own_swedish_and_finnish_label(field):
    from ckanext.openup.vocabularies import field_choices

    for choice in field_choices(field):
        labels = choice["label"]
        assert set(labels) == {"en", "sv", "fi"}, choice["value"]
        assert labels["sv"] != labels["en"] and labels["fi"] != labels["en"], choice["value"]
