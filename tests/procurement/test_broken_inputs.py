"""Broken inputs end in a typed error that names the file (and the line where it is known)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ckanext.openup.procurement.errors import InvoiceFileError, UnknownHeaderError, UnreadableFileError
from ckanext.openup.procurement.inspection import inspect_invoice_file

BROKEN = Path(__file__).resolve().parents[1] / "data" / "procurement" / "broken"


@pytest.mark.parametrize(
    "name, error_type, words, line",
    [
        ("empty.csv", UnreadableFileError, "empty", None),
        ("binary.csv", UnreadableFileError, "binary", None),
        ("not-an-invoice.pdf", UnreadableFileError, "PDF", None),
        ("truncated-utf16.csv", UnreadableFileError, "truncated", 4),
        ("truncated.xlsx", UnreadableFileError, "truncated", None),
        ("truncated.json", UnreadableFileError, "truncated", 1),
        ("wrong-encoding.csv", UnreadableFileError, "decode", 2),
        ("unknown-columns.csv", UnknownHeaderError, "not a known invoice header", 1),
    ],
)
def test_broken_file_raises_typed_error_naming_file_and_line(name, error_type, words, line):
    with pytest.raises(error_type) as raised:
        inspect_invoice_file(BROKEN / name)
    error = raised.value
    assert isinstance(error, InvoiceFileError)
    assert error.file.endswith(name)
    assert words in error.message
    assert error.line == line
    assert name in error.describe()


def test_header_only_file_is_a_problem_not_a_crash():
    report = inspect_invoice_file(BROKEN / "header-only.csv")
    assert not report.ok
    assert [finding.code for finding in report.findings] == ["no-rows"]


def test_invalid_dates_amounts_and_ids_are_reported_with_line_and_column():
    report = inspect_invoice_file(BROKEN / "invalid-values.csv")
    where = {(finding.code, finding.column): [example["line"] for example in finding.examples]
             for finding in report.findings}
    assert where[("invalid-date", "datum")] == [2, 3]
    assert where[("invalid-amount", "belopp")] == [2, 3]
    assert where[("invalid-buyer-id", "kopare_id")] == [4]
    assert where[("invalid-supplier-id", "leverantor_id")] == [4]
    assert where[("missing-value", "leverantor")] == [4]
    assert where[("missing-value", "verifikationsnummer")] == [4]


def test_ten_megabyte_single_line_is_an_error_not_a_hang(tmp_path):
    huge = tmp_path / "one-line.csv"
    huge.write_text("leverantor,belopp,datum\n\"" + "x" * 10_000_000 + "\",1,2024-01-01\n", encoding="utf-8")
    with pytest.raises(UnreadableFileError) as raised:
        inspect_invoice_file(huge)
    assert raised.value.line == 2
    assert "longer than" in raised.value.message


def test_ten_megabyte_file_without_any_line_end_stops_at_the_line_cap(tmp_path):
    huge = tmp_path / "no-newline.csv"
    huge.write_text("a;" * 5_000_000, encoding="utf-8")
    with pytest.raises(UnreadableFileError) as raised:
        inspect_invoice_file(huge)
    assert raised.value.line == 1
    assert "line ends are missing" in raised.value.message
    assert len(raised.value.describe()) < 2000


def test_json_without_results_list_is_not_taken_for_entryscape(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="results"):
        inspect_invoice_file(other)


def test_directory_is_refused_with_a_message(tmp_path):
    with pytest.raises(UnreadableFileError, match="directory"):
        inspect_invoice_file(tmp_path)


def test_lines_just_under_the_cap_cannot_fill_memory_a_batch_at_a_time(tmp_path):
    wide = tmp_path / "wide-lines.csv"
    header = "kopare_id,kopare,verifikationsnummer,leverantor,leverantor_id,datum,belopp\n"
    wide.write_text(header + (("y" * 60_000 + ",") * 16 + "\n") * 3, encoding="utf-8")
    with pytest.raises(UnreadableFileError) as raised:
        inspect_invoice_file(wide)
    assert raised.value.line == 2
    assert "longer than 65,536 characters" in raised.value.message


def test_missing_closing_quote_over_many_lines_stops_naming_the_line_where_the_row_starts(tmp_path):
    broken = tmp_path / "open-quote.csv"
    rows = "2120001355,Göteborgs Stad,1,Åkeriet AB,5560160680,4010,Material,2024-01-15\n" * 3
    runaway = '"' + ("z" * 1000 + "\n") * 400
    broken.write_text("leverantor,belopp,datum\n" + "Åkeriet AB,1.00,2024-01-01\n" + runaway + rows, encoding="utf-8")
    with pytest.raises(UnreadableFileError) as raised:
        inspect_invoice_file(broken)
    assert raised.value.line == 3
    assert "closing quote is probably missing" in raised.value.message


def test_row_of_several_long_quoted_fields_over_many_lines_is_refused_where_it_starts(tmp_path):
    broken = tmp_path / "long-row.csv"
    field = '"' + ("a" * 999 + "\n") * 100 + '"'
    broken.write_text("leverantor,belopp,datum\nÅkeriet AB,1.00,2024-01-01\n" + ",".join([field] * 3) + "\n")
    with pytest.raises(UnreadableFileError) as raised:
        inspect_invoice_file(broken)
    assert raised.value.line == 3
    assert "runs over 301 lines" in raised.value.message
