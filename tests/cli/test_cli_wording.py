"""What the publisher reads: counts in the right number, problems named, nothing unchecked sent to publish."""

from __future__ import annotations

from click.testing import CliRunner

from ckanext.openup.cli import openup
from tests.publishing.invoices import month_file, prepared_months, raw_export

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there
# An organisationsnummer whose check digit is wrong (5560160680 is right).
WRONG_CHECK_DIGIT = "5560160681"


def openup_run(*args: object, **env: str):
    environment = {"OPENUP_CKAN_TOKEN": "a-token", "XDG_CONFIG_HOME": "/nonexistent", "LANG": "C", **env}
    return CliRunner().invoke(openup, [*map(str, args)], env=environment, catch_exceptions=False)


def blank_field(path, field: str, line: int = 2, value: str = "") -> None:
    """Set ``field`` of data line ``line`` of a prepared (comma-separated, unquoted) file to ``value``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(field)] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_one_row_is_one_row_not_one_rows(tmp_path):
    source = raw_export(tmp_path / "export", 2025, [1, 2], rows_per_month=1)
    result = openup_run("prepare", source, "--out", tmp_path / "prepared", "--by-month")
    assert result.exit_code == 0, result.output
    assert "1 rows" not in result.output
    assert "1 row," in result.output


def test_problems_left_after_prepare_are_named(tmp_path):
    source = raw_export(tmp_path / "export", 2025, [1])
    blank_field(source, "leverantor")
    blank_field(source, "datum", line=3, value="not a date")
    result = openup_run("prepare", source, "--out", tmp_path / "prepared")
    assert result.exit_code == 1
    verdict = next(line for line in result.output.splitlines() if line.startswith("  result:"))
    assert "kind(s)" not in verdict
    assert "2 kinds of problem left in the output" in verdict
    assert "required value is empty (leverantor)" in verdict
    assert "not a date (expected YYYY-MM-DD) (datum)" in verdict


def test_publish_refuses_a_prepared_file_with_an_empty_mandatory_value(tmp_path):
    prepared = prepared_months(tmp_path, 2025, [1, 2])
    february = month_file(prepared, 2025, 2)
    blank_field(february, "leverantor", line=4)
    result = openup_run("publish", "--ckan", UNREACHABLE, "--org", "sundsvall", "--year", 2025, prepared)
    assert result.exit_code == 1  # refused before the (unreachable) site is asked, which would be exit 2
    assert f"{february}, line 4, column 'leverantor': required value is empty" in result.output
    assert "nothing was uploaded" in result.output
    assert "Cannot reach" not in result.output


def test_publish_refuses_a_prepared_file_with_an_invalid_supplier_number(tmp_path):
    prepared = prepared_months(tmp_path, 2025, [1])
    january = month_file(prepared, 2025, 1)
    blank_field(january, "leverantor_id", line=3, value=WRONG_CHECK_DIGIT)
    result = openup_run("publish", "--ckan", UNREACHABLE, "--org", "sundsvall", "--year", 2025, january)
    assert result.exit_code == 1
    assert f"{january}, line 3, column 'leverantor_id': the check digit of this organisationsnummer is wrong" \
        in result.output
    assert "Cannot reach" not in result.output


def test_publish_warns_about_warning_level_problems_and_goes_on(tmp_path):
    prepared = prepared_months(tmp_path, 2025, [1])
    january = month_file(prepared, 2025, 1)
    blank_field(january, "leverantor_id", line=3, value="12345")  # an internal number: a warning
    result = openup_run("publish", "--ckan", UNREACHABLE, "--org", "sundsvall", "--year", 2025, january)
    assert f"warning: {january}, line 3, column 'leverantor_id'" in result.output
    assert "Cannot reach" in result.output  # it went on to the site
