"""The readiness page watches the calendar: missing months and lateness against the promised frequency."""

import datetime

import ckan.plugins.toolkit as toolkit
import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

from ckanext.openup.readiness.calendar import check_calendar
from tests.readiness.conftest import readiness_as
from tests.supplier_invoices import create_supplier_invoice, supplier_invoice, sysadmin_context

MONTHLY = "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
NOVEMBER_29 = datetime.date(2026, 11, 29)


def months(year, *numbers):
    return [f"{year}-{n:02d}" for n in numbers]


def test_monthly_dataset_whose_last_month_is_august_is_late_on_29_november():
    found = check_calendar(2026, MONTHLY, months(2026, *range(1, 9)), NOVEMBER_29)

    assert found.late and found.overdue == ["2026-09"]
    assert found.gaps == []
    assert found.overdue_since == datetime.date(2026, 10, 31)


def test_a_month_is_not_late_before_the_end_of_the_month_after_it():
    found = check_calendar(2026, MONTHLY, months(2026, *range(1, 10)), NOVEMBER_29)

    assert not found.late and found.overdue == [] and found.gaps == []
    assert found.next_month == "2026-10" and found.next_due == datetime.date(2026, 11, 30)


def test_months_missing_between_published_ones_are_named():
    found = check_calendar(2026, MONTHLY, months(2026, 1, 2, 4, 7, 8, 9), NOVEMBER_29)

    assert found.gaps == ["2026-03", "2026-05", "2026-06"] and not found.late


def test_a_past_year_must_have_all_twelve_months():
    found = check_calendar(2025, MONTHLY, months(2025, *range(1, 11)), NOVEMBER_29)

    assert found.late and found.overdue == ["2025-11", "2025-12"]


def test_a_future_year_asks_for_nothing_yet():
    found = check_calendar(2027, MONTHLY, [], NOVEMBER_29)

    assert not found.late and not found.gaps and not found.overdue


def test_yearly_file_is_due_after_the_accounts_close():
    assert not check_calendar(2025, ANNUAL, [], datetime.date(2026, 4, 30)).late
    found = check_calendar(2025, ANNUAL, [], datetime.date(2026, 5, 1))
    assert found.late and found.overdue_since == datetime.date(2026, 4, 30)
    assert not check_calendar(2025, ANNUAL, [""], datetime.date(2026, 11, 29)).late


def test_irregular_datasets_have_no_calendar():
    assert check_calendar(2024, "http://publications.europa.eu/resource/authority/frequency/IRREG", [],
                          NOVEMBER_29) is None


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.ckan_config("ckanext.openup.readiness.background", "false")
def test_readiness_names_the_late_months_of_a_dataset_and_what_to_do(sundsvall, editor):
    # Two months of 2024 published: March to December are late by now.
    dataset = create_supplier_invoice(sundsvall, year=2024)

    entry = next(d for d in readiness_as(editor, "sundsvall")["datasets"] if d["name"] == dataset["name"])

    assert entry["calendar"]["late"] is True
    assert entry["calendar"]["overdue"][0] == "2024-03" and entry["calendar"]["overdue"][-1] == "2024-12"
    [advice] = entry["calendar"]["advice"]
    assert "March 2024" in advice and "December 2024" in advice and "openup publish" in advice
    assert entry["status"] == "ready"  # the metadata itself is harvestable: lateness is told apart


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.ckan_config("ckanext.openup.readiness.background", "false")
@pytest.mark.parametrize(("locale", "late", "month"), [("sv", "Försenad", "mars 2024"),
                                                       ("fi", "Myöhässä", "maaliskuu 2024")])
def test_readiness_page_tells_lateness_in_swedish_and_finnish(app, sundsvall, editor, locale, late, month):
    dataset = create_supplier_invoice(sundsvall, year=2024)
    headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}

    html = BeautifulSoup(app.get(f"/{locale}/organization/sundsvall/readiness", headers=headers)
                         .get_data(as_text=True), "html.parser")

    entry = html.select_one(f"#readiness-{dataset['name']}")
    notice = entry.select_one(".readiness-calendar-late")
    assert late in entry.select_one(".readiness-calendar-badge").text
    assert month in notice.text and "openup publish" in notice.text
    assert "not published" not in notice.text  # no English left


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.ckan_config("ckanext.openup.readiness.background", "false")
def test_a_complete_past_year_is_on_time(sundsvall, editor):
    dataset = supplier_invoice(sundsvall, year=2024)
    template = dataset["resources"][0]
    dataset["resources"] = [dict(template, name=f"2024-{m:02d}", period=f"2024-{m:02d}",
                                 url=f"https://example.org/sundsvall/2024-{m:02d}.csv") for m in range(1, 13)]
    created = toolkit.get_action("package_create")(sysadmin_context(), dataset)

    entry = next(d for d in readiness_as(editor, "sundsvall")["datasets"] if d["name"] == created["name"])

    assert entry["calendar"]["late"] is False and entry["calendar"]["advice"] == []
