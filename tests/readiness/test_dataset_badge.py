"""The badge on a dataset's page names the organisation's own portal and says when the dataset is late."""

import ckan.plugins.toolkit as toolkit
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

from tests.readiness.conftest import update_dataset
from tests.supplier_invoices import TAMPERE, create_organisation, create_supplier_invoice, sysadmin_context

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    pytest.mark.ckan_config("ckanext.openup.readiness.background", "false"),
]


def member_page(app, path, user):
    headers = {"Authorization": factories.APIToken(user=user["name"])["token"]}
    return BeautifulSoup(app.get(path, headers=headers).get_data(as_text=True), "html.parser")


@pytest.fixture
def tampere():
    return create_organisation(TAMPERE)


@pytest.fixture
def tampere_editor(tampere):
    user = factories.User()
    toolkit.get_action("organization_member_create")(
        sysadmin_context(), {"id": tampere["id"], "username": user["name"], "role": "editor"})
    return user


def test_finnish_organisations_badge_and_readiness_page_name_avoindata_fi(app, tampere, tampere_editor):
    dataset = create_supplier_invoice(tampere, year=2024)

    badge = member_page(app, f"/fi/supplier-invoices/{dataset['name']}", tampere_editor).select_one(
        ".openup-readiness-badge a")
    readiness = member_page(app, "/fi/organization/tampere/readiness", tampere_editor).select_one("#readiness")

    assert "avoindata.fi" in badge.text and "dataportal.se" not in badge.text
    assert "avoindata.fi" in readiness.select_one(".readiness-status").text
    assert "dataportal.se" not in readiness.select_one(".readiness-status").text


def test_swedish_organisations_badge_names_dataportal_se(app, sundsvall, editor):
    dataset = create_supplier_invoice(sundsvall, year=2024)

    badge = member_page(app, f"/sv/supplier-invoices/{dataset['name']}", editor).select_one(
        ".openup-readiness-badge a")

    assert "dataportal.se" in badge.text and "avoindata.fi" not in badge.text


@pytest.mark.parametrize(("locale", "late"), [("en", "Late"), ("sv", "Försenad"), ("fi", "Myöhässä")])
def test_dataset_badge_says_late_when_months_are_overdue(app, sundsvall, editor, locale, late):
    # Two months of 2024 published: by now March to December are overdue.
    dataset = create_supplier_invoice(sundsvall, year=2024)

    badge = member_page(app, f"/{locale}/supplier-invoices/{dataset['name']}", editor).select_one(
        ".openup-readiness-badge")

    assert badge.select_one(".readiness-calendar-badge").text.strip() == late
    assert badge.select_one(".readiness-calendar-badge")["href"].endswith(f"#readiness-{dataset['name']}")


def test_dataset_badge_has_no_late_mark_when_the_year_is_on_time(app, sundsvall, editor):
    dataset = create_supplier_invoice(sundsvall, year=2024)
    template = dataset["resources"][0]
    update_dataset(dataset["name"], resources=[
        dict({k: v for k, v in template.items() if k != "id"}, name=f"2024-{m:02d}", period=f"2024-{m:02d}",
             url=f"https://example.org/sundsvall/2024-{m:02d}.csv") for m in range(1, 13)])

    badge = member_page(app, f"/supplier-invoices/{dataset['name']}", editor).select_one(".openup-readiness-badge")

    assert badge.select_one(".readiness-calendar-badge") is None
