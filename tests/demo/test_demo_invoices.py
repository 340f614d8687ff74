"""The demo's invoice files look like a real municipality's, and are published the way a real one's are.

Each test reads the published files (the finance system's export after ``prepare``) of a whole year,
as the explorer and the preview will show them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.fi import ytunnus
from stdnum.se import orgnr

from ckanext.openup.demo.invoices import ledger_export, month_csv, rows_in_month, working_days, year_files
from ckanext.openup.demo.seed import municipalities
from ckanext.openup.procurement.identity import find_identity_numbers

YEAR = 2026
MONTHS = list(range(1, 13))
OPENUP = str(Path(sys.executable).with_name("openup"))
# The columns of the published layouts that a user reads, by country.
COLUMNS = {
    "SE": {"supplier": "leverantor", "supplier_id": "leverantor_id", "amount": "belopp", "date": "datum",
           "account": "konto_nr", "unit": "forvaltning"},
    "FI": {"supplier": "Toimittajan nimi", "supplier_id": "Toimittajan y-tunnus", "amount": "Laskun summa ilman ALV",
           "date": "Kirjauspäivämäärä", "account": "Tili", "unit": "Vastuualue"},
}
SOLE_TRADER = {"SE": "Enskild näringsidkare", "FI": "Toiminimiyrittäjä"}


def municipality(name: str) -> dict:
    return next(organisation for organisation in municipalities() if organisation["name"] == name)


@pytest.fixture(scope="module")
def published() -> dict[str, dict[int, bytes]]:
    """Every demo municipality's published files of a whole year, by month."""
    return {organisation["name"]: year_files(organisation, YEAR, MONTHS) for organisation in municipalities()}


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def year_rows(published, name: str) -> list[dict[str, str]]:
    return [row for month in MONTHS for row in rows_of(published[name][month])]


def test_every_month_holds_thousands_of_rows_fewer_in_july_and_most_in_december(published):
    for organisation in municipalities():
        counts = {month: len(rows_of(content)) for month, content in published[organisation["name"]].items()}
        assert min(counts.values()) >= 2000, (organisation["name"], counts)
        assert max(counts.values()) <= 6000, (organisation["name"], counts)
        assert min(counts, key=counts.get) == 7 and max(counts, key=counts.get) == 12
        assert counts == {month: rows_in_month(organisation, YEAR, month) for month in MONTHS}


def test_a_year_has_a_long_tail_of_suppliers_and_ten_take_most_of_the_money(published):
    for organisation in municipalities():
        columns = COLUMNS[organisation["country"]]
        paid: Counter[str] = Counter()
        invoices: Counter[str] = Counter()
        for row in year_rows(published, organisation["name"]):
            paid[row[columns["supplier"]]] += Decimal(row[columns["amount"]])
            invoices[row[columns["supplier"]]] += 1
        top_ten = sum(amount for _supplier, amount in paid.most_common(10))
        assert len(paid) > 200, organisation["name"]
        assert top_ten > Decimal("0.4") * sum(paid.values()), organisation["name"]
        assert sum(1 for count in invoices.values() if count <= 2) > 100, "hundreds appear once or twice a year"


def test_credit_notes_are_a_few_percent_of_every_month_and_amounts_carry_ore(published):
    for organisation in municipalities():
        amount = COLUMNS[organisation["country"]]["amount"]
        for month in MONTHS:
            amounts = [row[amount] for row in rows_of(published[organisation["name"]][month])]
            credit_notes = sum(value.startswith("-") for value in amounts)
            assert 0.01 < credit_notes / len(amounts) < 0.06, (organisation["name"], month)
            assert all(value.count(".") == 1 and len(value.split(".")[1]) == 2 for value in amounts)
            assert sum(not value.endswith(".00") for value in amounts) > 0.9 * len(amounts)


def test_sole_traders_are_redacted_and_no_identity_number_is_in_any_published_file(published):
    for organisation in municipalities():
        columns = COLUMNS[organisation["country"]]
        rows = year_rows(published, organisation["name"])
        sole_traders = [row for row in rows if row[columns["supplier"]] == SOLE_TRADER[organisation["country"]]]
        assert 10 < len(sole_traders) < 0.02 * len(rows), organisation["name"]
        assert {row[columns["supplier_id"]] for row in sole_traders} == {""}
        for month in MONTHS:
            text = published[organisation["name"]][month].decode("utf-8")
            for row in csv.reader(io.StringIO(text)):
                assert not any(find_identity_numbers(cell) for cell in row), (organisation["name"], month, row)


def test_the_exports_hold_sole_traders_as_finance_systems_do_and_prepare_removes_them():
    sundsvall, tampere, vasteras = (municipality(name) for name in (
        "sundsvalls-kommun", "tampereen-kaupunki", "vasteras-stad"))
    export = ledger_export(sundsvall, YEAR, [3]).decode("utf-8")
    assert any(find_identity_numbers(line) for line in export.splitlines()), "personnummer in leverantor_id"
    assert "Tmi " in ledger_export(tampere, YEAR, MONTHS).decode("utf-8")
    vasteras_export = ledger_export(vasteras, YEAR, [3]).decode("utf-8")
    assert " Enskild Firma," in vasteras_export or " EF," in vasteras_export
    published_march = month_csv(vasteras, YEAR, 3).decode("utf-8")
    assert "Enskild Firma" not in published_march and " EF," not in published_march


def test_identifiers_are_valid_organisation_numbers_and_y_tunnus_except_vasteras_own_numbers(published):
    for organisation in municipalities():
        columns = COLUMNS[organisation["country"]]
        ids = {row[columns["supplier_id"]] for row in year_rows(published, organisation["name"])} - {""}
        if organisation["country"] == "FI":
            assert all(ytunnus.is_valid(number) for number in ids)
        elif organisation["name"] == "vasteras-stad":
            # Västerås's finance system's own supplier numbers: kept, but no organisation numbers.
            assert all(number.isdigit() and len(number) == 5 for number in ids)
        else:
            assert all(orgnr.is_valid(number) for number in ids)


def test_skolmat_nord_ab_is_one_supplier_with_one_organisation_number_at_two_swedish_buyers(published):
    def skolmat_ids(name: str) -> set[str]:
        return {row["leverantor_id"] for row in year_rows(published, name) if row["leverantor"] == "Skolmat Nord AB"}

    assert skolmat_ids("sundsvalls-kommun") == skolmat_ids("uppsala-kommun") == {"5566778899"}
    [vasteras_number] = skolmat_ids("vasteras-stad")
    assert vasteras_number != "5566778899"


def test_postings_fall_on_working_days_of_their_month_in_several_accounts_and_units(published):
    assert dt.date(YEAR, 6, 19) not in working_days("se", YEAR, 6)  # midsummer eve
    assert dt.date(YEAR, 12, 6) not in working_days("fi", YEAR, 12)  # independence day
    for organisation in municipalities():
        columns = COLUMNS[organisation["country"]]
        days = set(working_days(organisation["country"].lower(), YEAR, 5))
        rows = rows_of(published[organisation["name"]][5])
        assert {dt.date.fromisoformat(row[columns["date"]]) for row in rows} <= days
        assert len({row[columns["account"]] for row in rows}) >= 10
        assert len({row[columns["unit"]] for row in rows}) >= 4


def test_the_same_demo_every_run_and_month_by_month_as_for_the_whole_year(published):
    uppsala = municipality("uppsala-kommun")
    assert month_csv(uppsala, YEAR, 4) == published["uppsala-kommun"][4]
    assert year_files(uppsala, YEAR, [4, 5]) == {4: published["uppsala-kommun"][4], 5: published["uppsala-kommun"][5]}


def test_every_published_demo_file_passes_openup_inspect_without_errors(published, tmp_path):
    files = []
    for name, months in published.items():
        for month, content in months.items():
            files.append(tmp_path / f"{name}-{YEAR}-{month:02d}.csv")
            files[-1].write_bytes(content)
    result = subprocess.run([OPENUP, "inspect", "--json", *map(str, files)], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    reports = json.loads(result.stdout)["files"]
    assert len(reports) == len(files)
    errors = [(report["file"], finding) for report in reports for finding in report["findings"]
              if finding["severity"] == "error"]
    assert errors == []
