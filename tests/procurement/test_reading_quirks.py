"""Every quirk file under tests/data/procurement is recognised and read correctly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ckanext.openup.cli.reporting import render_inspection
from ckanext.openup.procurement.inspection import inspect_invoice_file
from ckanext.openup.procurement.tables import open_invoice_table

DATA = Path(__file__).resolve().parents[1] / "data" / "procurement"

# file, format, encoding, delimiter, line ending, variant, rows, total, first date, last date
QUIRKS = [
    ("se-1.1-utf8-comma-lf.csv", "csv", "utf-8", ",", "LF", "se-1.1", 3, "4322.03", "2024-01-15", "2024-02-20"),
    ("se-1.1-utf8bom-semicolon-crlf.csv", "csv", "utf-8-sig", ";", "CRLF", "se-1.1", 3, "4322.03", "2024-01-15",
     "2024-02-20"),
    ("se-1.1-utf16-tab-crlf.csv", "csv", "utf-16", "\t", "CRLF", "se-1.1", 3, "4322.03", "2024-01-15", "2024-02-20"),
    ("se-1.1-comma-decimal-comma.csv", "csv", "utf-8", ",", "LF", "se-1.1", 3, "4322.03", "2024-01-15",
     "2024-02-20"),
    ("se-1.1-vgr-cr.csv", "csv", "utf-8", ";", "CR", "se-1.1-vgr", 3, "4322.03", "2024-01-15", "2024-02-20"),
    ("se-1.0-cp1252-yyyymm.csv", "csv", "cp1252", ";", "CRLF", "se-1.0", 2, "900.10", "2024-03-01", "2024-04-01"),
    ("se-human-headers.xlsx", "xlsx", None, None, None, "se-human", 2, "1051.53", "2024-01-15", "2024-02-01"),
    ("entryscape-rowstore.json", "json", "utf-8", None, None, "se-1.1", 3, "4322.03", "2024-01-15", "2024-02-20"),
    ("fi-kuntaliitto-2021.csv", "csv", "utf-8", ";", "CRLF", "fi-kuntaliitto-2021", 2, "1224.56", "2023-01-31",
     "2023-02-01"),
    ("fi-2016-snake-case.csv", "csv", "utf-8", ",", "LF", "fi-2016", 1, "100.00", "2016-03-01", "2016-03-01"),
    ("th_data_2023.csv", "csv", "utf-8", "\t", "LF", "fi-tutkihankintoja", 1, "560.20", "2023-06-15", "2023-06-15"),
]


@pytest.mark.parametrize(
    "name, file_format, encoding, delimiter, line_ending, variant, rows, total, first, last",
    QUIRKS,
    ids=[quirk[0] for quirk in QUIRKS],
)
def test_quirk_file_is_recognised_and_read_correctly(
    name, file_format, encoding, delimiter, line_ending, variant, rows, total, first, last
):
    report = inspect_invoice_file(DATA / name)

    assert report.layout["format"] == file_format
    assert report.layout["encoding"] == encoding
    assert report.layout["delimiter"] == delimiter
    assert report.layout["line_ending"] == line_ending
    assert report.mapping.variant.name == variant
    assert report.summary.rows == rows
    assert report.summary.total_amount == Decimal(total)
    assert report.summary.first_date.isoformat() == first
    assert report.summary.last_date.isoformat() == last
    assert report.ok, [finding.as_dict() for finding in report.findings]


def test_swedish_letters_survive_every_encoding():
    for name in ("se-1.1-utf8bom-semicolon-crlf.csv", "se-1.1-utf16-tab-crlf.csv", "se-1.1-vgr-cr.csv"):
        with open_invoice_table(DATA / name) as table:
            suppliers = {row[3] for _, row in table.rows}
        assert suppliers == {"Åkeriet i Väst AB", "Öresund Konsult AB"}, name


def test_cp1252_file_decodes_to_swedish_letters():
    with open_invoice_table(DATA / "se-1.0-cp1252-yyyymm.csv") as table:
        rows = [row for _, row in table.rows]
    assert rows[0][1] == "Västerås stad"
    assert rows[0][6] == "Förbrukning"


def test_utf8_bom_is_not_part_of_the_first_column_name():
    with open_invoice_table(DATA / "se-1.1-utf8bom-semicolon-crlf.csv") as table:
        assert table.header[0] == "kopare_id"


def test_bom_inside_first_json_key_is_ignored():
    report = inspect_invoice_file(DATA / "entryscape-rowstore.json")
    assert report.mapping.unknown_columns == ()


def test_quoted_decimal_comma_in_comma_separated_file_is_one_amount():
    report = inspect_invoice_file(DATA / "se-1.1-comma-decimal-comma.csv")
    assert report.summary.credit_amount == Decimal("-250.50")


def test_month_only_dates_count_as_the_first_of_the_month():
    report = inspect_invoice_file(DATA / "se-1.0-cp1252-yyyymm.csv")
    assert report.summary.rows_per_month == {"2024-03": 1, "2024-04": 1}


def test_line_numbers_follow_bare_cr_line_ends():
    with open_invoice_table(DATA / "se-1.1-vgr-cr.csv") as table:
        assert [line for line, _ in table.rows] == [2, 3, 4]


def test_xlsx_rows_are_numbered_like_the_sheet_and_numbers_keep_their_value():
    with open_invoice_table(DATA / "se-human-headers.xlsx") as table:
        rows = list(table.rows)
    assert [line for line, _ in rows] == [2, 3]
    assert rows[0][1][2] == 1302.03


def test_column_mapping_names_the_source_headers():
    report = inspect_invoice_file(DATA / "fi-kuntaliitto-2021.csv")
    assert report.mapping.source_name("belopp") == "Laskun summa ilman ALV"
    assert report.mapping.source_name("datum") == "Kirjauspäivämäärä"
    assert "Palveluluokka" in report.mapping.dropped_columns


def test_blank_lines_above_the_header_are_skipped_and_lines_still_counted(tmp_path):
    source = tmp_path / "titled.csv"
    source.write_text("\n\nleverantor;belopp;datum\nÅkeriet AB;1,00;2024-01-01\n", encoding="utf-8")
    with open_invoice_table(source) as table:
        assert table.header == ["leverantor", "belopp", "datum"]
        assert [line for line, _ in table.rows] == [4]


def test_double_encoded_utf8_is_noted(tmp_path):
    source = tmp_path / "mojibake.csv"
    text = "leverantor;belopp;datum\n" + "Göteborg".encode().decode("cp1252") + ";1,00;2024-01-01\n"
    source.write_text(text, encoding="utf-8")
    assert any("double-encoded" in note for note in inspect_invoice_file(source).notes)
    assert not any("double-encoded" in note for note in inspect_invoice_file(DATA / "se-1.1-utf8-comma-lf.csv").notes)


def test_missing_required_columns_are_one_finding_naming_them_all(tmp_path):
    source = tmp_path / "minimal.csv"
    source.write_text("leverantor,belopp,datum\nÅkeriet AB,1.00,2024-01-01\n", encoding="utf-8")
    [finding] = [f for f in inspect_invoice_file(source).findings if f.code == "missing-column"]
    assert "kopare_id" in finding.message and "forvaltning" in finding.message


def test_xlsx_date_stored_as_a_day_number_is_read_as_that_date(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Leverantör", "Belopp", "Bokföringsdatum"])
    workbook.active.append(["Åkeriet AB", 100, 45306])  # no date format: Excel's day number
    workbook.save(tmp_path / "serial.xlsx")
    report = inspect_invoice_file(tmp_path / "serial.xlsx")
    assert report.summary.first_date.isoformat() == "2024-01-15"
    assert report.ok


def test_xlsx_sheets_with_the_same_header_are_read_in_order_and_named_in_findings(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Information"
    workbook.active.append(["Leverantörsreskontra 2024, Ale kommun"])
    for title, month, amount in (("Januari", 1, "100"), ("Februari", 2, "tvåhundra")):
        sheet = workbook.create_sheet(title)
        sheet.append(["Leverantör", "Belopp", "Bokföringsdatum"])
        sheet.append(["Åkeriet AB", 50, f"2024-0{month}-15"])
        sheet.append(["Åkeriet AB", amount, f"2024-0{month}-16"])
    other = workbook.create_sheet("Pivot")
    other.append(["Leverantör", "Belopp"])  # an invoice header, but other columns
    other.append(["Åkeriet AB", 150])
    workbook.save(tmp_path / "sheets.xlsx")

    report = inspect_invoice_file(tmp_path / "sheets.xlsx")

    assert report.summary.rows == 4 and str(report.summary.total_amount) == "200"
    assert report.summary.rows_per_month == {"2024-01": 2, "2024-02": 2}
    [invalid] = [finding for finding in report.findings if finding.code == "invalid-amount"]
    assert invalid.examples == [{"sheet": "Februari", "line": 3, "value": "tvåhundra"}]
    [unread] = [finding for finding in report.findings if finding.code == "unread-rows"]
    assert "'Pivot'" in unread.message and unread.severity == "error"
    assert any("'Information' was skipped" in note for note in report.notes)
    assert any("read from sheet(s) 'Januari', 'Februari'" in note for note in report.notes)
    assert "sheet 'Februari' row 3" in render_inspection(report)


def test_workbook_stored_without_its_file_ending_is_read(tmp_path):
    # CKAN stores an upload under the resource's id, without ".xlsx": the content says what it is.
    stored = tmp_path / "3f2c9a7e-resource-id"
    stored.write_bytes((DATA / "se-human-headers.xlsx").read_bytes())
    report = inspect_invoice_file(stored)
    assert report.layout["format"] == "xlsx"
    assert report.summary.rows == 2
