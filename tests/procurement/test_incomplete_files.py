"""Files that say they are incomplete, or are not what they seem, are never taken as whole.

A page of a paged export, a totals row at the bottom and a file that mixes encodings each once went
through ``inspect`` as a clean, complete month.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ckanext.openup.procurement.errors import IncompleteFileError, UnreadableFileError
from ckanext.openup.procurement.inspection import inspect_invoice_file
from ckanext.openup.procurement.preparation import prepare_invoice_file

DATA = Path(__file__).resolve().parents[1] / "data" / "procurement"


def test_entryscape_page_with_count_and_next_link_before_the_results_is_an_error_naming_both():
    with pytest.raises(IncompleteFileError) as raised:
        inspect_invoice_file(DATA / "entryscape-page.json")
    message = raised.value.describe()
    assert "entryscape-page.json" in message
    assert "2 of 376,449" in message
    assert "376,447 rows are missing" in message
    assert "https://example.org/store/rows?_offset=2&_limit=2" in message


def test_entryscape_page_writes_nothing_in_prepare(tmp_path):
    with pytest.raises(IncompleteFileError):
        prepare_invoice_file(DATA / "entryscape-page.json", tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def _export(tmp_path: Path, document: dict[str, object]) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _results() -> list[dict[str, str]]:
    return json.loads((DATA / "entryscape-rowstore.json").read_text(encoding="utf-8"))["results"]


def test_entryscape_next_link_after_the_results_is_an_error(tmp_path):
    path = _export(tmp_path, {"results": _results(), "next": "https://example.org/rows?_offset=3"})
    with pytest.raises(IncompleteFileError, match=r"_offset=3"):
        inspect_invoice_file(path)


def test_entryscape_count_larger_than_the_rows_is_an_error_even_without_a_next_link(tmp_path):
    path = _export(tmp_path, {"resultCount": "5", "results": _results()})
    with pytest.raises(IncompleteFileError, match="3 of 5 rows; 2 rows are missing"):
        inspect_invoice_file(path)


def test_entryscape_whole_export_is_read_as_whole():
    report = inspect_invoice_file(DATA / "entryscape-rowstore.json")
    assert report.ok
    assert report.summary.rows == 3
    assert report.summary.total_amount == Decimal("4322.03")


def test_entryscape_export_without_a_count_or_next_link_is_read(tmp_path):
    path = _export(tmp_path, {"results": _results(), "next": None})
    assert inspect_invoice_file(path).summary.rows == 3


def test_totals_row_is_left_out_with_a_note_and_not_counted():
    report = inspect_invoice_file(DATA / "se-1.1-totals-row.csv")
    assert report.summary.rows == 3
    assert report.summary.total_amount == Decimal("4322.03")
    assert report.ok, [finding.as_dict() for finding in report.findings]
    [note] = [note for note in report.notes if "totals row" in note]
    assert "line 5" in note and "4322.03" in note and "matches" in note


def test_totals_row_is_not_written_to_the_prepared_file(tmp_path):
    report = prepare_invoice_file(DATA / "se-1.1-totals-row.csv", tmp_path, by_month=True)
    assert report.ok
    assert [(prepared.month, prepared.rows) for prepared in report.files] == [("2024-01", 1), ("2024-02", 2)]
    written = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.csv"))
    assert "Summa" not in written and "4322.03" not in written
    assert any("totals row" in note for note in report.inspection.notes)


@pytest.mark.parametrize("word", ["Totalt", "Yhteensä", "SUMMA:", "Total", ""])
def test_totals_row_is_recognised_by_its_word_or_by_empty_text(tmp_path, word):
    source = (DATA / "se-1.1-utf8-comma-lf.csv").read_text(encoding="utf-8")
    path = tmp_path / "with-total.csv"
    path.write_text(source + f',{word},,,,,,,,,4322.03,,,,\n', encoding="utf-8")
    report = inspect_invoice_file(path)
    assert report.summary.rows == 3
    assert any("line 5" in note and "totals row" in note for note in report.notes)


def test_totals_row_that_does_not_match_the_sum_says_so(tmp_path):
    source = (DATA / "se-1.1-utf8-comma-lf.csv").read_text(encoding="utf-8")
    path = tmp_path / "with-total.csv"
    path.write_text(source + ",Summa,,,,,,,,,9999.00,,,,\n", encoding="utf-8")
    [note] = [note for note in inspect_invoice_file(path).notes if "totals row" in note]
    assert "does not match" in note and "4322.03" in note


def test_last_row_with_a_date_or_an_invoice_number_is_an_invoice_not_a_total(tmp_path):
    source = (DATA / "se-1.1-utf8-comma-lf.csv").read_text(encoding="utf-8")
    path = tmp_path / "last-row.csv"
    path.write_text(source + ",Summa,,,,,,,,F-91,10.00,,,,\n", encoding="utf-8")
    report = inspect_invoice_file(path)
    assert report.summary.rows == 4
    assert not any("totals row" in note for note in report.notes)


def test_totals_row_in_the_middle_is_not_taken_out(tmp_path):
    lines = (DATA / "se-1.1-utf8-comma-lf.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(2, ",Summa,,,,,,,,,1302.03,,,,")
    path = tmp_path / "middle.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = inspect_invoice_file(path)
    assert report.summary.rows == 4
    assert not report.ok


def test_utf8_file_with_one_cp1252_line_is_an_error_naming_the_line():
    with pytest.raises(UnreadableFileError) as raised:
        inspect_invoice_file(DATA / "se-1.1-mixed-encoding.csv")
    error = raised.value
    assert error.line == 2
    assert "UTF-8" in error.message and "save the file as UTF-8" in error.message


def test_one_cp1252_line_far_down_a_utf8_file_is_named_by_its_own_line(tmp_path):
    good = "2120001355,Göteborgs Stad,{n},Åkeriet i Väst AB,5560160680,4010,Förbrukning,2024-01-15,Kultur,F{n},1.00"
    good += ",,,,\n"
    header = (DATA / "se-1.1-utf8-comma-lf.csv").read_text(encoding="utf-8").splitlines()[0] + "\n"
    lines = [good.format(n=n).encode("utf-8") for n in range(2, 3001)]
    lines[1999] = good.format(n=2001).encode("cp1252")  # line 2001
    path = tmp_path / "far.csv"
    path.write_bytes(header.encode() + b"".join(lines))
    with pytest.raises(UnreadableFileError) as raised:
        inspect_invoice_file(path)
    assert raised.value.line == 2001
    assert "save the file as UTF-8" in raised.value.message


def test_cp1252_file_with_one_utf8_line_far_down_is_an_error_naming_the_line(tmp_path):
    good = "2120001355;Västerås stad;{n};Mälarkonsult AB;5560160680;4010;Förbrukning;2024-03-01;Teknik;{n};1,00\n"
    header = "kopare_id;kopare;verifikationsnummer;leverantor;leverantor_id;konto_nr;konto_text;datum;"
    header += "forvaltning;fakturanummer;belopp\n"
    lines = [good.format(n=n).encode("cp1252") for n in range(2, 3001)]
    lines[1999] = good.format(n=2001).encode("utf-8")  # line 2001
    path = tmp_path / "far.csv"
    path.write_bytes(header.encode() + b"".join(lines))
    with pytest.raises(UnreadableFileError) as raised:
        inspect_invoice_file(path)
    assert raised.value.line == 2001
    assert "save the file as UTF-8" in raised.value.message


def test_real_cp1252_file_still_reads():
    report = inspect_invoice_file(DATA / "se-1.0-cp1252-yyyymm.csv")
    assert report.layout["encoding"] == "cp1252"
    assert report.summary.rows == 2


def test_totals_row_is_listed_as_left_out_in_the_json_report():
    document = inspect_invoice_file(DATA / "se-1.1-totals-row.csv").as_dict()
    assert document["left_out_rows"] == [{"line": 5, "reason": "totals row", "amount": "4322.03"}]
    assert document["summary"]["total_amount"] == "4322.03"


def test_xlsx_totals_row_with_a_number_and_a_word_is_left_out(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Leverantör", "Organisationsnummer", "Belopp", "Bokföringsdatum"])
    sheet.append(["Åkeriet i Väst AB", "5560160680", 1302.03, datetime.date(2024, 1, 15)])
    sheet.append(["Öresund Konsult AB", "5566778899", -250.5, datetime.date(2024, 2, 1)])
    sheet.append(["Totalt", None, 1051.53, None])
    workbook.save(tmp_path / "with-total.xlsx")
    report = inspect_invoice_file(tmp_path / "with-total.xlsx")
    assert report.summary.rows == 2
    assert report.summary.total_amount == Decimal("1051.53")
    assert any(note.startswith("row 4 is a totals row (Totalt, 1051.53)") for note in report.notes)
