"""The buyer in every file must be the organisation publish was told (--org), else nothing is sent."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ckanext.openup.cli.prepare import prepare_command
from ckanext.openup.publishing.buyer import check_buyer
from ckanext.openup.publishing.errors import WrongBuyerError
from ckanext.openup.publishing.local_files import collect_monthly_files
from tests.publishing.conftest import publish
from tests.publishing.invoices import (
    SUNDSVALLS_KOMMUN,
    VASTRA_GOTALANDSREGIONEN,
    invoice_row,
    month_file,
    prepared_months,
)
from tests.supplier_invoices import SUNDSVALL, TAMPERE

YEAR = 2025
FINNISH_EXPORT = Path(__file__).resolve().parents[1] / "data" / "procurement" / "fi-kuntaliitto-2021.csv"


def monthly_files(prepared: Path, year: int = YEAR):
    return collect_monthly_files([str(prepared)], year)


def refusal(files, organisation) -> WrongBuyerError:
    with pytest.raises(WrongBuyerError) as refused:
        check_buyer(files, organisation)
    return refused.value


def test_a_file_of_another_organisation_is_refused_naming_file_line_and_buyer(tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1], buyer=VASTRA_GOTALANDSREGIONEN)

    error = refusal(monthly_files(prepared), SUNDSVALL)

    text = error.describe()
    assert str(month_file(prepared, YEAR, 1)) in text
    assert "line 2" in text and "kopare_id" in text
    assert "2321000131 (Västra Götalandsregionen)" in text
    assert "2120002411" in text and "Sundsvalls kommun" in text
    assert "nothing was uploaded" in text
    assert error.exit_code == 2


def test_one_row_of_another_buyer_is_found_on_its_line(tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1])
    january = month_file(prepared, YEAR, 1)
    with january.open("a", encoding="utf-8") as stream:
        stream.write(invoice_row(YEAR, 1, 77, buyer=VASTRA_GOTALANDSREGIONEN) + "\n")

    error = refusal(monthly_files(prepared), SUNDSVALL)

    assert f"{january}, line 22, column 'kopare_id': 2321000131" in error.describe()


@pytest.mark.parametrize("organisation_number", ["212000-2411", "2120002411", " 212000-2411 "])
def test_the_organisation_number_in_any_spelling_matches_the_file(tmp_path, organisation_number):
    prepared = prepared_months(tmp_path, YEAR, [1, 2], buyer=SUNDSVALLS_KOMMUN)
    check_buyer(monthly_files(prepared), dict(SUNDSVALL, organization_number=organisation_number))


def test_rows_without_a_buyer_id_are_not_taken_for_another_buyer(tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1])
    january = month_file(prepared, YEAR, 1)
    lines = january.read_text(encoding="utf-8").splitlines()
    # prepare reports a missing kopare_id as a problem; a file published anyway is not refused for it.
    january.write_text("\n".join([lines[0], *(line.removeprefix("2120002411") for line in lines[1:])]) + "\n",
                       encoding="utf-8")
    check_buyer(monthly_files(prepared), SUNDSVALL)


def finnish_prepared(tmp_path: Path) -> Path:
    out = tmp_path / "prepared"
    result = CliRunner().invoke(prepare_command, [str(FINNISH_EXPORT), "--out", str(out), "--by-month"])
    assert result.exit_code == 0, result.output
    return out


def test_a_finnish_file_is_checked_by_its_kunnan_y_tunnus(tmp_path):
    files = monthly_files(finnish_prepared(tmp_path), 2023)
    check_buyer(files, TAMPERE)  # Tampere's own file: 0211675-2

    error = refusal(files, dict(TAMPERE, name="helsinki", title="Helsingin kaupunki", organization_number="0201256-6"))

    assert "column 'Kunnan y-tunnus': 0211675-2 (Tampere)" in error.describe()
    assert "0201256-6" in error.describe()


def test_publish_refuses_another_organisations_month_and_keeps_its_own(site, organisation, tmp_path):
    args = ("--org", organisation["name"], "--year", YEAR)
    assert publish(site.url, site.admin_token, *args, prepared_months(tmp_path / "own", YEAR, [1])).exit_code == 0
    name = f"{organisation['name']}-leverantorsfakturor-{YEAR}"
    before = site.action("package_show", id=name)
    theirs = prepared_months(tmp_path / "theirs", YEAR, [1], buyer=VASTRA_GOTALANDSREGIONEN)

    result = publish(site.url, site.admin_token, *args, theirs, "--json")

    assert result.exit_code == 2, result.output
    report = json.loads(result.output)
    assert report["ok"] is False and report["exit_code"] == 2
    assert "another buyer" in report["error"]["message"]
    assert any("2321000131 (Västra Götalandsregionen)" in detail for detail in report["error"]["details"])
    after = site.action("package_show", id=name)
    assert after["metadata_modified"] == before["metadata_modified"]
    own = hashlib.sha256(month_file(tmp_path / "own" / "prepared", YEAR, 1).read_bytes()).hexdigest()
    assert [resource["hash"] for resource in after["resources"]] == [own]
