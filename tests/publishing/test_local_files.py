"""Which local files publish accepts, and what it reads from them, without a site."""

from __future__ import annotations

import pytest

from ckanext.openup.procurement.prepared import file_sha256
from ckanext.openup.publishing.credentials import TOKEN_VARIABLE, read_credentials
from ckanext.openup.publishing.errors import NotPreparedError, UsageProblem
from ckanext.openup.publishing.local_files import collect_monthly_files
from ckanext.openup.publishing.privacy import find_personal_data
from ckanext.openup.publishing.site import field_messages
from tests.publishing.invoices import HEADER, PERSONNUMMER, invoice_row, month_file, prepared_months, raw_export


def test_a_prepared_folder_gives_one_file_per_month_in_order(tmp_path):
    prepared = prepared_months(tmp_path, 2025, [3, 1, 2])
    files = collect_monthly_files([str(prepared)], 2025)
    assert [monthly.month for monthly in files] == ["2025-01", "2025-02", "2025-03"]
    assert files[0].sha256 == file_sha256(month_file(prepared, 2025, 1))
    assert files[0].rows == 20 and files[0].period_start == "2025-01-01"


def test_a_file_edited_after_prepare_is_described_by_its_bytes_not_the_manifest(tmp_path):
    prepared = prepared_months(tmp_path, 2025, [1])
    january = month_file(prepared, 2025, 1)
    with january.open("a", encoding="utf-8") as stream:
        stream.write(invoice_row(2025, 1, 99) + "\n")
    [monthly] = collect_monthly_files([str(january)], 2025)
    assert monthly.sha256 == file_sha256(january) and monthly.rows == 21


def test_a_raw_export_is_refused_with_the_prepare_command(tmp_path):
    raw = raw_export(tmp_path, 2025, [1])
    raw.write_bytes(raw.read_text(encoding="utf-8").encode("cp1252"))
    with pytest.raises(NotPreparedError) as refused:
        collect_monthly_files([str(raw)], 2025)
    assert f"openup prepare {raw}" in refused.value.describe()


def test_a_yearly_file_asks_for_one_file_per_month(tmp_path):
    yearly = tmp_path / "ledger-2025.csv"
    yearly.write_text("\n".join([HEADER, invoice_row(2025, 1, 1), invoice_row(2025, 2, 1)]) + "\n", encoding="utf-8")
    with pytest.raises(UsageProblem) as refused:
        collect_monthly_files([str(yearly)], 2025)
    assert "more than one month" in refused.value.describe() and "--by-month" in refused.value.describe()


def test_a_month_of_another_year_is_refused(tmp_path):
    prepared = prepared_months(tmp_path, 2024, [12])
    with pytest.raises(UsageProblem, match="covers 2024-12, not the year 2025"):
        collect_monthly_files([str(prepared)], 2025)


def test_two_files_for_one_month_are_refused(tmp_path):
    first = prepared_months(tmp_path / "a", 2025, [1])
    second = prepared_months(tmp_path / "b", 2025, [1], rows_per_month=3)
    with pytest.raises(UsageProblem, match="both cover 2025-01"):
        collect_monthly_files([str(first), str(second)], 2025)


def test_personal_identity_numbers_are_found_with_line_and_column_after_a_quoted_line_break(tmp_path):
    path = tmp_path / "ledger-2025-01.csv"
    text_with_break = invoice_row(2025, 1, 1).replace("Förbrukningsmaterial", '"Förbruknings-\nmaterial"')
    person = invoice_row(2025, 1, 2).replace("F-1-2", f"F {PERSONNUMMER}")
    path.write_text("\n".join([HEADER, text_with_break, person]) + "\n", encoding="utf-8")
    [finding] = find_personal_data(str(path))
    assert (finding.line, finding.column, finding.kind) == (4, "fakturanummer", "personnummer")
    assert PERSONNUMMER not in finding.describe()


def test_the_token_comes_from_the_environment_before_the_config_file(tmp_path, monkeypatch):
    config = tmp_path / "config.ini"
    config.write_text("[ckan]\nurl = https://ckan.example.se\ntoken = from-file\n", encoding="utf-8")
    config.chmod(0o600)
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    from_file = read_credentials(config)
    assert (from_file.token, from_file.url, from_file.warning) == ("from-file", "https://ckan.example.se", None)
    assert "from-file" not in repr(from_file)
    monkeypatch.setenv(TOKEN_VARIABLE, "from-env")
    assert read_credentials(config).token == "from-env"


def test_a_config_file_others_can_read_gives_a_warning(tmp_path, monkeypatch):
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    config = tmp_path / "config.ini"
    config.write_text("[ckan]\ntoken = secret\n", encoding="utf-8")
    config.chmod(0o644)
    assert "chmod 600" in read_credentials(config).warning


def test_no_token_anywhere_is_a_usage_problem_naming_both_places(tmp_path, monkeypatch):
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    with pytest.raises(UsageProblem) as missing:
        read_credentials()
    assert TOKEN_VARIABLE in missing.value.message and str(tmp_path / "openup" / "config.ini") in missing.value.message


def test_a_broken_config_file_is_named_without_quoting_its_lines(tmp_path, monkeypatch):
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    config = tmp_path / "config.ini"
    config.write_text("token = secret-without-section\n", encoding="utf-8")
    with pytest.raises(UsageProblem) as broken:
        read_credentials(config)
    assert "secret-without-section" not in broken.value.describe()


def test_validation_errors_are_listed_field_by_field():
    error = {
        "__type": "Validation Error",
        "owner_org": ["The organisation has no valid organisationsnummer"],
        "title_translated": {"sv": ["Missing value"]},
        "resources": [{}, {"format": ["A format is required"]}],
    }
    assert field_messages(error) == [
        "owner_org: The organisation has no valid organisationsnummer",
        "title_translated.sv: Missing value",
        "resources[1].format: A format is required",
    ]
