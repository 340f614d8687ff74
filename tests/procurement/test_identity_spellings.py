"""Identity numbers as people really write them (from PDFs, Word, web forms) never reach a prepared file.

Each spelling goes through ``openup prepare`` and, written into a file by hand, through the last
check before upload. Organisation numbers, however written, are left as they are.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from ckanext.openup.cli.prepare import prepare_command
from ckanext.openup.procurement.identity import find_identity_numbers
from ckanext.openup.procurement.preparation import prepare_invoice_file
from ckanext.openup.publishing.privacy import find_personal_data
from tests.procurement.identity_oracle import (
    SWEDISH_HEADER,
    TEXT_COLUMNS,
    cells_of,
    surviving,
    swedish_row,
    write_finnish_file,
    write_swedish_file,
)

PERSON = "8112189876"
COORDINATION = "8112789873"  # samordningsnummer: the day plus 60
HETU_CORE = "131052308"  # 131052-308T
DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63", "\uff0d"]
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")

SWEDISH_SPELLINGS = [
    *(f"811218{dash}9876" for dash in DASHES),
    "811218 - 9876",
    "811218.9876",
    "81 12 18-98 76",
    "PNR8112189876",
    "pnr:811218-9876",
    "SE811218987601",
    "se 811218987601",
    "SE160101000001",  # born 2016: "16" + ten digits is not always an organisation
    "811218-9876".translate(FULL_WIDTH),
    "811218\u200b-9876",
    "8112\u200b189876",
    "811218\u00ad9876",
    "811218\u20609876",
    "\u2066811218\u200e-9876\u2069",  # direction marks copied from a web page
    "811218\u202f9876",
    "19811218\u20139876",
    "198112189876",
    "19811218 9876",
    "Kalle 19811218-9876AB",
    "811278\u20139873",
    "8112789873",
]
FINNISH_SPELLINGS = [
    "131052-308t",
    "HETU131052-308T",
    "hetu:131052-308T",
    "131052 308T",
    "131052\u2013308T",
    "131052\u00ad-308T",
    "１３１０５２－３０８Ｔ",
    *(f"131052{sign}308T" for sign in "+-ABCDEFYXWVU"),
    *(f"131052{sign.lower()}308t" for sign in "ABCDEFYXWVU"),
]
ORGANISATION_NUMBERS = [
    "212000-2627",
    "2120002627",
    "556036-0793",
    "556036\u20130793",
    "5560360793",
    "SE556036079301",
    "SE212000262701",
    "SE192001010301",  # a company's VAT number whose digits also read as 19200101-0301
    "0201256-6",
    "FI02012566",
]


def prepared_paths(report) -> list[Path]:
    return [Path(prepared.path) for prepared in report.files]


@pytest.mark.parametrize("spelling", SWEDISH_SPELLINGS)
def test_swedish_spelling_never_reaches_a_prepared_file(tmp_path, spelling):
    values = [(column, spelling) for column in TEXT_COLUMNS]
    source = write_swedish_file(tmp_path / "ledger.csv", values)
    report = prepare_invoice_file(source, tmp_path / "out")
    assert surviving(prepared_paths(report), {PERSON, COORDINATION}) == set()
    assert report.redaction.identity_numbers >= len(TEXT_COLUMNS)


@pytest.mark.parametrize("spelling", FINNISH_SPELLINGS)
def test_finnish_spelling_never_reaches_a_prepared_file(tmp_path, spelling):
    values = [("nimi", spelling), ("y-tunnus", spelling), ("tili", spelling)]
    source = write_finnish_file(tmp_path / "ostolaskut.csv", values)
    report = prepare_invoice_file(source, tmp_path / "out")
    assert surviving(prepared_paths(report), {HETU_CORE}) == set()


def test_openup_prepare_command_removes_every_spelling(tmp_path):
    values = [(TEXT_COLUMNS[n % len(TEXT_COLUMNS)], spelling) for n, spelling in enumerate(SWEDISH_SPELLINGS)]
    source = write_swedish_file(tmp_path / "ledger.csv", values)
    result = CliRunner().invoke(prepare_command, [str(source), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert surviving([tmp_path / "out" / "ledger.csv"], {PERSON, COORDINATION}) == set()
    for spelling in SWEDISH_SPELLINGS:
        assert spelling not in result.output


@pytest.mark.parametrize("spelling", SWEDISH_SPELLINGS + FINNISH_SPELLINGS)
def test_last_check_before_upload_finds_every_spelling(tmp_path, spelling):
    path = tmp_path / "ledger-2024-01.csv"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        stream.write(SWEDISH_HEADER + "\n" + ",".join(swedish_row(2, "konto_text", f"Avser {spelling} jan")) + "\n")
    [finding] = find_personal_data(str(path))
    assert (finding.line, finding.column) == (2, "konto_text")


@pytest.mark.parametrize("organisation_number", ORGANISATION_NUMBERS)
def test_organisation_numbers_are_never_redacted(tmp_path, organisation_number):
    values = [(column, organisation_number) for column in ("leverantor_id", "konto_text", "fakturanummer")]
    source = write_swedish_file(tmp_path / "ledger.csv", values)
    report = prepare_invoice_file(source, tmp_path / "out")
    assert cells_of(Path(report.files[0].path)).count(organisation_number) == 3
    assert report.redaction.identity_numbers == 0
    assert find_identity_numbers(f"Org.nr {organisation_number}.") == []


def test_redaction_replaces_exactly_the_number_in_the_original_text():
    text = "Arvode PNR８１１２１８–９８７６, jan"
    [number] = find_identity_numbers(text)
    assert text[number.start : number.end] == "８１１２１８–９８７６"
    assert number.text == "８１１２１８–９８７６"


def test_zero_width_characters_inside_a_number_are_removed_with_it():
    text = "Arvode 811218\u200b-98\u00ad76 jan"
    [number] = find_identity_numbers(text)
    assert text[number.start : number.end] == "811218\u200b-98\u00ad76"


def test_prepare_replaces_only_the_number_and_keeps_the_text_around_it(tmp_path):
    values = [("konto_text", "Arvode PNR８１１２１８–９８７６, jan"), ("konto_text", "Lön 131052\u00ad-308t okt")]
    source = write_swedish_file(tmp_path / "ledger.csv", values)
    report = prepare_invoice_file(source, tmp_path / "out")
    texts = [row[6] for row in _rows(Path(report.files[0].path))]
    assert texts == ["Arvode PNR[personnummer borttaget], jan", "Lön [personnummer borttaget] okt"]


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))[1:]
