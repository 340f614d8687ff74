"""The "Harvest readiness" page, the badge on dataset pages and `ckan openup check`."""

import json

import pytest
from bs4 import BeautifulSoup
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories

from tests.click_runner import runner_with_separate_stderr
from tests.supplier_invoices import create_supplier_invoice

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    pytest.mark.ckan_config("ckanext.openup.readiness.background", "false"),
]


def page(app, path, user=None, status=200):
    headers = {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}
    response = app.get(path, headers=headers, status=status)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_readiness_page_shows_harvest_url_score_chart_and_fix_links(app, sundsvall, editor):
    dataset = create_supplier_invoice(sundsvall, year=2024, tags_translated={})

    html = page(app, "/organization/sundsvall/readiness", editor)

    assert html.select_one("#readiness")["data-status"] == "improvable"
    assert html.select_one(".readiness-harvest-url").text == "http://test.ckan.net/organization/sundsvall/catalog"
    bars = html.select(".readiness-chart tr")
    assert [bar.th.text for bar in bars] == [
        "Findability", "Accessibility", "Interoperability", "Reusability", "Contextuality"]
    findability = bars[0].select_one(".readiness-bar-fill")["style"]
    assert findability == "width: 70.0%"  # keywords (30 of 100) missing
    entry = html.select_one(f"#readiness-{dataset['name']}")
    fixes = [link["href"] for link in entry.select(".readiness-problem-warning a.readiness-fix")]
    assert f"/supplier-invoices/edit/{dataset['name']}#field-tags_translated-sv" in fixes
    assert "Fix: Keywords" in entry.text


def test_points_not_checked_here_are_shown_as_not_checked_not_as_missing(app, sundsvall, editor):
    create_supplier_invoice(sundsvall, year=2024)

    html = page(app, "/organization/sundsvall/readiness", editor)

    accessibility = html.select_one(".readiness-chart tr[data-dimension='Accessibility']")
    # Answering access and download URLs (50 + 30 points) are only checked by openup check --check-urls.
    assert accessibility.select_one(".readiness-bar-unchecked")["style"] == "width: 80.0%"
    assert "full" in accessibility.select_one(".readiness-bar-fill")["class"]  # all it could check is met
    assert accessibility.select_one(".readiness-not-checked").text == "(80 not checked)"
    findability = html.select_one(".readiness-chart tr[data-dimension='Findability']")
    assert findability.select_one(".readiness-bar-unchecked") is None
    assert "once the URLs not checked here answer" in html.select_one(".readiness-score").text


@pytest.mark.parametrize(
    ("locale", "title", "accessibility", "not_checked"),
    [("sv", "Redo för skördning", "Tillgänglighet", "(80 inte kontrollerade)"),
     ("fi", "Haravointivalmius", "Saavutettavuus", "(80 tarkistamatta)")],
)
def test_readiness_page_speaks_swedish_and_finnish(app, sundsvall, editor, locale, title, accessibility, not_checked):
    create_supplier_invoice(sundsvall, year=2024, tags_translated={})

    html = page(app, f"/{locale}/organization/sundsvall/readiness", editor)

    assert title in html.select_one("#readiness").text
    row = html.select_one(".readiness-chart tr[data-dimension='Accessibility']")
    assert row.th.text == accessibility
    assert row.select_one(".readiness-not-checked").text == not_checked
    assert "Harvest URL" not in html.text


def test_readiness_page_is_for_members_only(app, sundsvall, editor):
    create_supplier_invoice(sundsvall, year=2024)
    page(app, "/organization/sundsvall/readiness", factories.User(), status=403)
    page(app, "/organization/sundsvall/readiness", None, status=403)
    page(app, "/organization/nowhere/readiness", factories.Sysadmin(), status=404)


def test_organisation_tab_links_members_to_the_readiness_page(app, sundsvall, editor):
    tabs = page(app, "/organization/sundsvall", editor).select("a[href='/organization/sundsvall/readiness']")
    assert tabs and "Harvest readiness" in tabs[0].text
    assert not page(app, "/organization/sundsvall").select("a[href='/organization/sundsvall/readiness']")


def test_dataset_page_badge_tells_members_whether_it_is_ready(app, sundsvall, editor):
    ready = create_supplier_invoice(sundsvall, year=2024)
    improvable = create_supplier_invoice(sundsvall, year=2025, tags_translated={})

    badge = page(app, f"/supplier-invoices/{ready['name']}", editor).select_one(".openup-readiness-badge a")
    assert badge["data-status"] == "ready" and "ready" in badge.text
    badge = page(app, f"/supplier-invoices/{improvable['name']}", editor).select_one(".openup-readiness-badge a")
    assert badge["data-status"] == "improvable" and "1 recommendation" in badge.text
    assert badge["href"] == f"/organization/sundsvall/readiness#readiness-{improvable['name']}"
    assert page(app, f"/supplier-invoices/{ready['name']}").select_one(".openup-readiness-badge") is None


def test_admin_check_lists_every_organisation_and_exits_1_when_one_is_blocked(cli, sundsvall):
    create_supplier_invoice(sundsvall, year=2024)
    result = cli.invoke(ckan_command, ["openup", "check"])
    assert result.exit_code == 0, result.output
    assert "sundsvall" in result.output and "ready" in result.output and "all can be harvested" in result.output

    broken = factories.Organization(name="broken")
    factories.Dataset(owner_org=broken["id"], extras=[{"key": "uri", "value": "not a uri"}])
    # CKAN's log lines (on stderr) stay out of the JSON: `ckan openup check --json > readiness.json` works.
    result = runner_with_separate_stderr(type(cli), env=cli.env).invoke(
        ckan_command, ["openup", "check", "--json"])
    assert result.exit_code == 1
    by_name = {r["organization"]["name"]: r for r in json.loads(result.stdout)}
    assert by_name["broken"]["harvestable"] is False and by_name["sundsvall"]["harvestable"] is True
