"""Every table of the explorer's pages downloads as CSV with exactly its rows; suppliers known only by a
buyer's own number say on the page why they cannot be compared."""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal

import pytest

from tests.rows.invoice_months import SUPPLIERS
from tests.spending.spending_data import swedish_month, upload_file
from tests.supplier_invoices import create_supplier_invoice

TABLE = re.compile(r'<table class="table spending-table">(.*?)</table>', re.S)
CSV_LINK = re.compile(r'<a class="spending-csv" href="([^"]+)"')
BODY_ROW = re.compile(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", re.S)
AMOUNT = re.compile(r'<td class="spending-amount">(.*?)</td>', re.S)
INTERNAL_NUMBER = "10234"


@pytest.fixture
def sundsvall_2025(empty_spending_store, sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2025, resources=[])
    # Leverantör 3 AB is known to Sundsvall by its own supplier number only.
    return [upload_file(dataset, month, swedish_month(month, 120, seed=month).replace(
        SUPPLIERS[3][1], INTERNAL_NUMBER)) for month in (1, 2, 3)]


def _amount(text: str) -> Decimal:
    """``SEK 1,234.50`` (the English page) as a number."""
    return Decimal(re.sub(r"[^\d.\-]", "", html.unescape(re.sub(r"<[^>]+>", "", text)).replace("−", "-")))


def _tables(page: str) -> list[tuple[str, list[str]]]:
    """Each table with a CSV link: the link and its body rows."""
    tables = []
    for table in TABLE.findall(page):
        link = CSV_LINK.search(table)
        if link:
            tables.append((html.unescape(link.group(1)), BODY_ROW.findall(table)))
    return tables


@pytest.mark.parametrize("address", [
    "/organization/sundsvall/spending?year=2025",
    "/organization/sundsvall/spending?year=2025&month=2",
    "/organization/sundsvall/spending?year=2025&account=F%C3%B6rbrukningsmaterial&unit=Kulturf%C3%B6rvaltningen",
    "/spending?year=2025",
])
def test_every_table_downloads_as_csv_with_exactly_its_rows(app, sundsvall_2025, address):
    tables = _tables(app.get(address).body)
    assert len(tables) >= 2
    for link, rows in tables:
        lines = list(csv.DictReader(io.StringIO(app.get(link).body)))
        assert len(lines) == len(rows), link
        amounts = [AMOUNT.findall(row) for row in rows]
        if all(len(cells) == 1 for cells in amounts):  # one amount a row: the same amounts in the same order
            assert [_amount(cells[0]) for cells in amounts] == [Decimal(line["amount"]) for line in lines], link


def test_a_supplier_known_only_by_the_buyers_number_says_why_it_cannot_be_compared(app, sundsvall_2025):
    page = app.get("/organization/sundsvall/spending?year=2025").body
    row = next(row for row in BODY_ROW.findall(page) if SUPPLIERS[3][0] in row)
    assert "cannot be compared" in row
    link = re.search(r'href="(/spending/supplier/internal[^"]+)"', row).group(1)
    supplier_page = app.get(html.unescape(link)).body
    assert "cannot be compared across buyers" in supplier_page and "Sundsvalls kommun" in supplier_page
