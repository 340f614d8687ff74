"""What visitors see of a month's rows: the DataTables preview, a summary on the resource and dataset pages."""

from __future__ import annotations

import json
from decimal import Decimal

import ckan.plugins.toolkit as toolkit
from bs4 import BeautifulSoup
from ckan.tests import factories

from ckanext.openup.rows.rebuild import rebuild_rows
from tests.rows.expected import ExpectedSummary, expected_summary
from tests.rows.invoice_months import SUPPLIERS, finnish_text, month_text, replace_month, upload_month
from tests.supplier_invoices import create_supplier_invoice, sysadmin_context


def views_of(resource_id: str) -> list[dict]:
    return toolkit.get_action("resource_view_list")(sysadmin_context(), {"id": resource_id})


def page(app, path: str, status: int = 200, **kwargs) -> BeautifulSoup:
    response = app.get(path, **kwargs)
    assert response.status_code == status, path
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def shown(soup: BeautifulSoup, selector: str) -> str:
    """The visible text of ``selector``, spaces (also no-break ones) made plain and single."""
    found = soup.select_one(selector)
    assert found is not None, f"nothing matches {selector}"
    return " ".join(found.get_text(" ").replace("\xa0", " ").replace("\u202f", " ").split())


def swedish_money(amount: Decimal, symbol: str = "kr") -> str:
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", " ")
    return f"{'-' if amount < 0 else ''}{groups},{cents} {symbol}"


def resource_page(dataset: dict, resource: dict, locale: str = "") -> str:
    prefix = f"/{locale}" if locale else ""
    return f"{prefix}/supplier-invoices/{dataset['name']}/resource/{resource['id']}"


# -- the DataTables preview --------------------------------------------------------------------------

def test_loaded_month_gets_one_datatables_view(dataset):
    resource = upload_month(dataset, 1, month_text(1, 40))
    assert [view["view_type"] for view in views_of(resource["id"])] == ["datatables_view"]
    replace_month(resource, month_text(1, 45, seed=2))
    rebuild_rows()
    assert [view["view_type"] for view in views_of(resource["id"])] == ["datatables_view"]


def test_anonymous_visitor_browses_the_rows_of_a_public_month(app, dataset):
    resource = upload_month(dataset, 2, month_text(2, 40))
    soup = page(app, resource_page(dataset, resource))
    assert "No views have been created" not in soup.get_text()
    [view] = views_of(resource["id"])
    frame = page(app, f"/dataset/{dataset['id']}/resource/{resource['id']}/view/{view['id']}")
    assert frame.select("table[data-module='datatables_view']") or frame.select("#dtprv")
    ajax = app.post(f"/datatables/ajax/{view['id']}", data={
        "draw": "1", "start": "0", "length": "10", "search[value]": SUPPLIERS[3][1],
        "order[0][column]": "0", "order[0][dir]": "asc"})
    assert ajax.status_code == 200
    answer = json.loads(ajax.get_data(as_text=True))
    assert answer["recordsTotal"] == 40 and 0 < answer["recordsFiltered"] < 40
    assert answer["data"] and all(SUPPLIERS[3][1] in map(str, row.values() if isinstance(row, dict) else row)
                                  for row in answer["data"])


def test_linked_months_without_rows_get_no_preview(sundsvall):
    linked = create_supplier_invoice(sundsvall, year=2023)  # two months linked to files elsewhere
    assert [views_of(resource["id"]) for resource in linked["resources"]] == [[], []]


# -- the summary ---------------------------------------------------------------------------------------

def assert_summary(text: str, expected: ExpectedSummary, money) -> None:
    assert f"{expected.rows} rows" in text, text
    assert f"{expected.first_date} – {expected.last_date}" in text, text
    assert money(expected.total) in text, text
    assert f"{expected.suppliers} suppliers" in text, text
    assert f"{expected.credit_notes} credit notes ({money(expected.credit_total)})" in text, text


def english_money(amount: Decimal) -> str:
    return f"{'-' if amount < 0 else ''}SEK{abs(amount):,.2f}"


def test_resource_page_summarises_the_month(app, dataset):
    text = month_text(4, 300, seed=5)
    resource = upload_month(dataset, 4, text)
    expected = expected_summary(text)
    assert expected.credit_notes > 0
    assert_summary(shown(page(app, resource_page(dataset, resource)), ".openup-rows-summary"), expected,
                   english_money)


def test_swedish_page_shows_the_total_in_kronor(app, dataset):
    text = month_text(5, 200).replace(",F-5-0,1000,", ",F-5-0,1234567.89,")
    assert "1234567.89" in text
    resource = upload_month(dataset, 5, text)
    summary = shown(page(app, resource_page(dataset, resource, "sv")), ".openup-rows-summary")
    expected = expected_summary(text)
    assert swedish_money(expected.total) in summary
    assert f"{expected.rows} rader" in summary and f"{expected.suppliers} leverantörer" in summary
    assert f"{expected.credit_notes} kreditfakturor ({swedish_money(expected.credit_total)})" in summary


def y_tunnus(serial: int) -> str:
    body = f"{2000000 + serial:07d}"
    remainder = sum(int(digit) * weight for digit, weight in zip(body, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return f"{body}-{0 if remainder == 0 else 11 - remainder}" if remainder != 1 else y_tunnus(serial + 50)


def finnish_month_text(month: int, rows: int) -> str:
    def amount(number: int) -> Decimal:
        value = Decimal(500 + number * 101) + Decimal(number % 100) / 100
        return -value if number % 5 == 4 else value

    return finnish_text([(f"Toimittaja {number % 4} Oy", y_tunnus(number % 4), f"{month}{number:04d}", amount(number),
                          f"2025-{month:02d}-{1 + number % 28:02d}") for number in range(rows)])



def test_finnish_page_shows_the_total_in_euros(app, tampere_dataset):
    resource = upload_month(tampere_dataset, 6, finnish_month_text(6, 60))
    summary = shown(page(app, resource_page(tampere_dataset, resource, "fi")), ".openup-rows-summary")
    amounts = [Decimal(500 + n * 101) + Decimal(n % 100) / 100 for n in range(60)]
    total = sum(-a if n % 5 == 4 else a for n, a in enumerate(amounts))
    assert swedish_money(total, "€") in summary, summary
    assert "60 riviä" in summary and "4 toimittajaa" in summary


def test_dataset_page_lists_each_month_and_the_year_total(app, dataset):
    texts = {month: month_text(month, 100 + month * 10, seed=month) for month in (7, 8, 9)}
    for month, text in texts.items():
        upload_month(dataset, month, text)
    soup = page(app, f"/supplier-invoices/{dataset['name']}")
    lines = [" ".join(row.get_text(" ").replace("\xa0", " ").split())
             for row in soup.select(".openup-rows-year tbody tr")]
    assert len(lines) == 3
    for line, (month, text) in zip(lines, texts.items(), strict=True):
        expected = expected_summary(text)
        assert line.startswith(f"2025-{month:02d}") and english_money(expected.total) in line, line
    year = expected_summary(*texts.values())
    footer = shown(soup, ".openup-rows-year tfoot")
    assert english_money(year.total) in footer and str(year.rows) in footer
    assert f"{year.suppliers} suppliers" in shown(soup, ".openup-rows-summary")


def test_private_month_summary_is_not_on_any_page_for_others(app, sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2024, private=True, resources=[])
    resource = upload_month(dataset, 1, month_text(1, 30, year=2024), year=2024)
    outsider = factories.APIToken(user=factories.User()["name"])["token"]
    for headers in ({}, {"Authorization": outsider}):
        for path in (resource_page(dataset, resource), f"/supplier-invoices/{dataset['name']}"):
            assert app.get(path, headers=headers).status_code in (403, 404)
