"""prepare writes canonical, redacted files and never touches its input."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from ckanext.openup.procurement.identity import find_identity_numbers
from ckanext.openup.procurement.inspection import inspect_invoice_file
from ckanext.openup.procurement.preparation import OutputConflictError, check_outputs_free, prepare_invoice_file
from ckanext.openup.procurement.prepared import describe_prepared_file, read_manifest, write_manifest
from ckanext.openup.procurement.variants import SPEC_COLUMNS
from ckanext.openup.vocabularies import COUNTRIES

DATA = Path(__file__).resolve().parents[1] / "data" / "procurement"


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_prepared_file_is_utf8_comma_iso_dates_decimal_point_and_spec_columns(tmp_path):
    report = prepare_invoice_file(DATA / "se-1.1-utf16-tab-crlf.csv", tmp_path)
    [prepared] = report.files
    raw = Path(prepared.path).read_bytes()
    assert raw.startswith(b"kopare_id,kopare,verifikationsnummer")  # no BOM, comma
    rows = read_rows(Path(prepared.path))
    assert list(rows[0]) == list(SPEC_COLUMNS)
    assert [row["belopp"] for row in rows] == ["1302.03", "-250.50", "3270.50"]
    assert report.amounts_rewritten == 3


def test_finnish_dates_and_amounts_are_rewritten_to_canonical_form(tmp_path):
    report = prepare_invoice_file(DATA / "fi-kuntaliitto-2021.csv", tmp_path)
    rows = read_rows(Path(report.files[0].path))
    assert [(row["Kirjauspäivämäärä"], row["Laskun summa ilman ALV"]) for row in rows] == [
        ("2023-01-31", "1234.56"),
        ("2023-02-01", "-10.00"),
    ]
    assert report.dates_rewritten == 2


def test_finnish_file_is_written_in_the_kuntaliitto_2021_columns_and_says_so(tmp_path):
    report = prepare_invoice_file(DATA / "fi-kuntaliitto-2021.csv", tmp_path)
    [prepared] = report.files
    header = Path(prepared.path).read_text(encoding="utf-8").splitlines()[0]
    # The guide's own names, in its order, for the columns the spec 1.1 model carries.
    assert header == (
        "Kuntanumero,Kunnan nimi,Kunnan y-tunnus,Vastuualue,Toimittajan nimi,Toimittajan y-tunnus,Tili,"
        "Tilin nimi,Tositenumero,Laskun summa ilman ALV,Kirjauspäivämäärä"
    )
    assert prepared.conforms_to == COUNTRIES["FI"]["conforms_to"]
    assert read_rows(Path(prepared.path))[0]["Kuntanumero"] == "837"
    assert "Palveluluokka" in report.columns_dropped
    assert describe_prepared_file(prepared.path, prepared.source) == prepared


def test_swedish_file_cites_the_spec_version_it_follows(tmp_path):
    [prepared] = prepare_invoice_file(DATA / "se-1.1-utf8-comma-lf.csv", tmp_path).files
    assert prepared.conforms_to == "https://lankadedata.se/spec/leverantorsreskontra/1.1"


@pytest.mark.parametrize("name", ["se-personal-data.csv", "fi-personal-data.csv"])
def test_no_identity_number_reaches_a_prepared_file(tmp_path, name):
    report = prepare_invoice_file(DATA / name, tmp_path)
    text = Path(report.files[0].path).read_text(encoding="utf-8")
    assert find_identity_numbers(text) == []
    assert report.redaction.identity_numbers > 0


def test_sole_trader_name_is_redacted_even_in_rows_before_the_personnummer(tmp_path):
    report = prepare_invoice_file(DATA / "se-personal-data.csv", tmp_path)
    rows = read_rows(Path(report.files[0].path))
    names = [row["leverantor"] for row in rows]
    assert "Anna Andersson Bygg" not in names  # row 1 has no id; row 2 gives the personnummer
    assert names[0] == names[1] == "Enskild näringsidkare"
    assert rows[0]["leverantor_id"] == rows[1]["leverantor_id"] == ""


def test_redacted_sole_trader_rows_pass_inspect_without_their_mandatory_supplier_id(tmp_path):
    source = tmp_path / "in" / "ledger.csv"
    source.parent.mkdir()
    source.write_text(
        ",".join(SPEC_COLUMNS) + "\n"
        "2120001355,Göteborgs Stad,1,Bertil Berg,811218-9876,4010,Material,2024-01-04,Kultur,13,300.00,,,1480,\n"
        "2120001355,Göteborgs Stad,2,Åkeriet i Väst AB,5560160680,4010,Material,2024-01-05,Kultur,14,40.00,,,1480,\n",
        encoding="utf-8",
    )
    prepared = Path(prepare_invoice_file(source, tmp_path / "out").files[0].path)
    assert read_rows(prepared)[0]["leverantor_id"] == ""
    again = inspect_invoice_file(prepared)
    assert [finding.message for finding in again.findings] == []


def test_identity_number_in_free_text_is_replaced_but_the_company_kept(tmp_path):
    report = prepare_invoice_file(DATA / "se-personal-data.csv", tmp_path)
    row = read_rows(Path(report.files[0].path))[4]
    assert row["leverantor"] == "Åkeriet i Väst AB"
    assert row["konto_text"] == "Ersättning till [personnummer borttaget]"


def test_invoice_number_with_wrong_check_digit_is_kept(tmp_path):
    report = prepare_invoice_file(DATA / "se-personal-data.csv", tmp_path)
    assert read_rows(Path(report.files[0].path))[6]["fakturanummer"] == "8112189877"


def test_finnish_toiminimi_becomes_toiminimiyrittaja(tmp_path):
    report = prepare_invoice_file(DATA / "fi-kuntaliitto-2021.csv", tmp_path)
    rows = read_rows(Path(report.files[0].path))
    assert rows[1]["Toimittajan nimi"] == "Toiminimiyrittäjä"
    assert rows[1]["Toimittajan y-tunnus"] == ""
    assert rows[0]["Toimittajan nimi"] == "Oy Esimerkki Ab"


def test_input_file_is_never_changed(tmp_path):
    source = tmp_path / "in" / "se-personal-data.csv"
    source.parent.mkdir()
    shutil.copy(DATA / "se-personal-data.csv", source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    prepare_invoice_file(source, tmp_path / "out", by_month=True)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert sorted(path.name for path in source.parent.iterdir()) == ["se-personal-data.csv"]


def test_split_by_month_writes_one_file_per_month_with_its_period(tmp_path):
    report = prepare_invoice_file(DATA / "se-1.1-utf8-comma-lf.csv", tmp_path, by_month=True)
    assert [(Path(f.path).name, f.rows, f.period_start, f.period_end) for f in report.files] == [
        ("se-1.1-utf8-comma-lf-2024-01.csv", 1, "2024-01-15", "2024-01-15"),
        ("se-1.1-utf8-comma-lf-2024-02.csv", 2, "2024-02-01", "2024-02-20"),
    ]


def test_manifest_entry_matches_the_file_on_disk(tmp_path):
    report = prepare_invoice_file(DATA / "se-1.1-utf8-comma-lf.csv", tmp_path, by_month=True)
    write_manifest(tmp_path, report.files)
    for entry in read_manifest(tmp_path):
        on_disk = describe_prepared_file(entry.path, entry.source, entry.month)
        assert on_disk == entry
        assert entry.sha256 == hashlib.sha256(Path(entry.path).read_bytes()).hexdigest()


def test_rows_without_a_valid_date_go_to_an_undated_file_when_split_by_month(tmp_path):
    report = prepare_invoice_file(DATA / "broken" / "invalid-values.csv", tmp_path, by_month=True)
    names = sorted(Path(f.path).name for f in report.files)
    assert names == ["invalid-values-2024-01.csv", "invalid-values-undated.csv"]
    assert not report.ok


def test_two_inputs_with_the_same_name_are_refused(tmp_path):
    with pytest.raises(OutputConflictError):
        check_outputs_free([tmp_path / "a" / "x.csv", tmp_path / "b" / "x.xlsx"], tmp_path / "out")


def test_output_folder_of_a_csv_input_is_refused(tmp_path):
    with pytest.raises(OutputConflictError):
        check_outputs_free([tmp_path / "x.csv"], tmp_path)


def test_nothing_is_left_behind_when_the_input_breaks_halfway(tmp_path):
    broken = tmp_path / "in" / "half.csv"
    broken.parent.mkdir()
    good = (DATA / "se-1.1-utf8-comma-lf.csv").read_bytes()
    broken.write_bytes(good + b'2120001355,"unterminated' + b"x" * 1_100_000 + b"\n")
    with pytest.raises(Exception):  # noqa: B017 - the type is pinned in test_broken_inputs
        prepare_invoice_file(broken, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_sole_trader_register_moves_earlier_spellings_to_late_names():
    from ckanext.openup.procurement.redaction import SoleTraderRegister

    register = SoleTraderRegister()
    register.add_clean("Anna  Andersson Bygg")
    register.add_clean("Åkeriet AB")
    register.add("anna andersson bygg")
    assert register.late_names == {"Anna  Andersson Bygg"}
    assert register.clean_names == {"Åkeriet AB"}


def test_amount_in_another_currency_is_a_problem_left_in_the_output(tmp_path):
    source = tmp_path / "in" / "valuta.csv"
    source.parent.mkdir()
    header = "kopare_id;kopare_text;verifikationsnummer;leverantor;leverantor_id;konto_nr;konto_text;datum;"
    header += "forvaltning;faktura_nr;belopp;valuta\n"
    row = "2120001355;Göteborgs Stad;{n};Bygg AB;5562000116;4010;Material;2024-01-31;KF;{n};100,00;{currency}\n"
    source.write_text(
        header + "".join(row.format(n=n, currency=c) for n, c in enumerate(["", "SEK", "EUR", "sek"])),
        encoding="utf-8",
    )
    report = prepare_invoice_file(source, tmp_path / "out")
    [finding] = [f for f in report.inspection.findings if f.code == "foreign-currency"]
    assert (finding.count, finding.examples[0]["line"], finding.examples[0]["value"]) == (1, 4, "EUR")
    assert finding.column == "valuta"
    assert not report.ok
