"""The explorer's pages: public, figures in the page's language, every figure with its data as a table."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ckanext.openup.spending.queries import SOURCES_TABLE, SPENDING_TABLE, store_connection
from tests.spending.spending_data import datastore_total, finnish_month, swedish_month, upload_file
from tests.supplier_invoices import create_supplier_invoice


@pytest.fixture
def sundsvall_2025(sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2025, resources=[])
    return [upload_file(dataset, month, swedish_month(month, 100, seed=month)) for month in (1, 2)]


def spending(app, **params) -> dict:
    return app.get("/api/3/action/openup_spending", query_string=params).json["result"]


def test_organisation_page_shows_the_years_total_in_swedish(app, sundsvall_2025):
    answer = spending(app, organization="sundsvall", year=2025)
    page = app.get("/sv/organization/sundsvall/spending", query_string={"year": "2025"}).body
    whole, cents = Decimal(answer["total"]).quantize(Decimal("0.01")).to_eng_string().split(".")
    swedish = f"{int(whole):,}".replace(",", "\xa0") + f",{cents}\xa0kr"
    assert swedish in page
    assert "2025-01" in page and "2025-02" in page and "<svg" in page
    assert f"/dataset/{sundsvall_2025[0]['package_id']}/resource/{sundsvall_2025[0]['id']}" in page \
        or f"/resource/{sundsvall_2025[0]['id']}" in page


def test_page_csv_has_exactly_the_rows_of_the_table(app, sundsvall_2025):
    answer = spending(app, organization="sundsvall", year=2025, group_by="supplier", limit=5)
    response = app.get("/spending.csv", query_string={
        "organization": "sundsvall", "year": "2025", "group_by": "supplier", "limit": "5"})
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body)))
    assert [(row["key"], row["amount"], int(row["invoices"])) for row in rows] == [
        (group["key"], group["amount"], group["invoices"]) for group in answer["groups"]]
    assert {row["currency"] for row in rows} == {"SEK"}


@pytest.mark.parametrize("path", ["/spending", "/spending/suppliers?q=Leverant%C3%B6r+3",
                                  "/organization/sundsvall/spending", "/fi/spending"])
def test_pages_are_public(app, sundsvall_2025, path):
    body = app.get(path).body
    assert "Leverantör" in body


def test_bad_filters_on_a_page_are_a_clear_400(app, sundsvall_2025):
    response = app.get("/organization/sundsvall/spending", query_string={"year": "abc"}, status=400)
    assert "four digits" in response.body


def test_supplier_page_shows_every_buyer(app, sundsvall_2025):
    [largest] = spending(app, group_by="supplier", organization="sundsvall", limit=1)["groups"]
    page = app.get(f"/spending/supplier/{largest['key']}").body
    assert largest["label"] in page and "Sundsvalls kommun" in page


def test_finnish_page_writes_euros_as_finns_do(app, tampere):
    upload_file(create_supplier_invoice(tampere, year=2025, resources=[]), 1, finnish_month(1, 40))
    answer = spending(app, organization="tampere", year=2025)
    page = app.get("/fi/organization/tampere/spending").body
    whole, cents = Decimal(answer["total"]).quantize(Decimal("0.01")).to_eng_string().split(".")
    assert f"{int(whole):,}".replace(",", "\xa0") + f",{cents}\xa0€" in page
    assert "Menot" in page and "Suurimmat toimittajat" in page and "Toimittaja 1 Oy" in page


def test_catalogue_without_any_loaded_file_shows_empty_pages(app, sundsvall):
    with store_connection() as connection, connection.begin():  # SQLAlchemy 1.4 (CKAN 2.11) and 2.0
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {SPENDING_TABLE}, {SOURCES_TABLE}"))
    assert spending(app, group_by="organization") == {
        "currency": None, "total": "0", "invoices": 0, "credit_notes": {"amount": "0", "invoices": 0},
        "redacted": {"amount": "0", "invoices": 0}, "group_count": 0, "groups": []}
    assert "No public invoice rows yet." in app.get("/spending").body
    assert "no public invoice rows yet" in app.get("/organization/sundsvall/spending").body


def test_home_page_gives_the_headline_figures_and_the_supplier_search(app, sundsvall_2025):
    answer = spending(app, year=2025, currency="SEK", group_by="organization")
    page = app.get("/sv/").body
    assert "Vart pengarna går" in page and 'action="/sv/spending/suppliers"' in page
    whole, cents = Decimal(answer["total"]).quantize(Decimal("0.01")).to_eng_string().split(".")
    assert f"{int(whole):,}".replace(",", "\xa0") + f",{cents}\xa0kr" in page


def test_citizen_finds_what_sundsvall_paid_a_supplier_from_the_home_page_in_three_steps(
        app, empty_spending_store, sundsvall_2025):
    [largest] = spending(app, organization="sundsvall", year=2025, group_by="supplier", limit=1)["groups"]
    expected = datastore_total([resource["id"] for resource in sundsvall_2025],
                               where=f"leverantor_id = '{largest['number']}'")
    home = app.get("/sv/").body
    search = re.search(r'<form class="spending-search" method="get" action="([^"]+)"', home).group(1)
    found = app.get(search, query_string={"q": largest["label"].lower()}).body  # 1: type the name, search
    supplier = re.search(r'<a href="(/sv/spending/supplier/[^"]+)">' + re.escape(largest["label"]), found).group(1)
    page = app.get(supplier).body  # 2: open the supplier
    row = re.search(r"Sundsvalls kommun</a></th>(.*?)</tr>", page, re.S).group(1)
    whole, cents = expected.quantize(Decimal("0.01")).to_eng_string().split(".")
    assert f"{int(whole):,}".replace(",", "\xa0") + f",{cents}\xa0kr" in row  # 3: read it in the 2025 column
