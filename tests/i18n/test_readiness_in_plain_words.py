"""The readiness page tells a publisher what to do in their language; the checks' jargon is secondary."""

from __future__ import annotations

import datetime
import re

import ckan.plugins.toolkit as toolkit
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

from tests.supplier_invoices import SUNDSVALL, TAMPERE, create_organisation, create_supplier_invoice

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    pytest.mark.ckan_config("ckanext.openup.readiness.background", "false"),
]


def readiness_page(app, organisation: dict, locale: str) -> BeautifulSoup:
    user = factories.User()
    token = factories.APIToken(user=user["name"])["token"]
    toolkit.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": organisation["id"], "username": user["name"], "role": "editor"})
    response = app.get(f"/{locale}/organization/{organisation['name']}/readiness",
                       headers={"Authorization": token}, status=200)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize(("fields", "locale", "instruction"), [
    (SUNDSVALL, "sv", "Lägg till nyckelord så att datamängden hittas i dataportal.se."),
    (TAMPERE, "fi", "Lisää avainsanoja, jotta aineisto löytyy palvelusta avoindata.fi."),
])
def test_missing_keywords_are_told_as_what_to_do_with_the_jargon_second(app, fields, locale, instruction):
    organisation = create_organisation(fields)
    dataset = create_supplier_invoice(organisation, year=2024, tags_translated={})

    html = readiness_page(app, organisation, locale)

    problem = html.select_one(f"#readiness-{dataset['name']} .readiness-problem[data-property='dcat:keyword']")
    assert problem.select_one(".readiness-instruction").text == instruction
    detail = problem.select_one(".readiness-detail")
    assert detail["lang"] == "en" and "dcat:keyword" in detail.text


@pytest.mark.parametrize("locale", ["sv", "fi"])
def test_check_time_and_points_are_written_in_the_pages_locale(app, locale):
    organisation = create_organisation(SUNDSVALL)
    create_supplier_invoice(organisation, year=2024)

    html = readiness_page(app, organisation, locale)

    line = next(p.text for p in html.select("#readiness p.text-muted") if ";" in p.text)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", line), line
    assert str(datetime.date.today().year) in line
    # Points as Swedes and Finns write numbers (70,5 not 70.5; 70 not 70.0).
    points = [cell.text for cell in html.select(".readiness-points")]
    assert points and not any("." in text for text in points), points
