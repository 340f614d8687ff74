"""``openup publish`` before it reaches a site: usage errors, refusals, help; never a traceback or the token."""

from __future__ import annotations

from click.testing import CliRunner

from ckanext.openup.cli import openup
from tests.publishing.invoices import PERSONNUMMER, month_file, prepared_months

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there


def run(*args: object, token: str | None = "a-token-that-must-never-be-shown", config_home: str = "/nonexistent"):
    env = {"OPENUP_CKAN_TOKEN": token, "XDG_CONFIG_HOME": config_home}
    return CliRunner().invoke(openup, ["publish", *map(str, args)], env=env, catch_exceptions=False)


def test_help_shows_the_monthly_routine():
    result = run("--help")
    assert result.exit_code == 0
    assert "openup publish --ckan https://ckan.example.se --org sundsvall --year 2025 prepared/" in result.output
    assert "OPENUP_CKAN_TOKEN" in result.output


def test_no_token_is_a_usage_error_naming_where_to_put_it(tmp_path):
    prepared = prepared_months(tmp_path, 2025, [1])
    result = run("--ckan", UNREACHABLE, "--org", "sundsvall", "--year", 2025, prepared, token=None,
                 config_home=str(tmp_path))
    assert result.exit_code == 2
    assert "No CKAN API token: set OPENUP_CKAN_TOKEN" in result.output
    assert str(tmp_path / "openup" / "config.ini") in result.output


def test_a_token_given_as_an_option_is_refused_and_not_repeated():
    result = run("--ckan", UNREACHABLE, "--org", "x", "--year", 2025, "--token", "typed-secret-123", ".")
    assert result.exit_code == 2
    assert "--token is not accepted: a token on the command line lands in shell history" in result.output
    assert "typed-secret-123" not in result.output


def test_a_file_with_a_personnummer_is_refused_before_the_site_is_contacted(tmp_path):
    prepared = prepared_months(tmp_path, 2025, [1])
    january = month_file(prepared, 2025, 1)
    january.write_text(january.read_text(encoding="utf-8").replace("Åkeriet i Väst AB", PERSONNUMMER, 1),
                       encoding="utf-8")
    result = run("--ckan", UNREACHABLE, "--org", "sundsvall", "--year", 2025, january)
    assert result.exit_code == 1  # a refusal; reaching the (unreachable) site would have been exit 2
    assert f"{january}, line 2, column 'leverantor': contains a personnummer" in result.output
    assert "Cannot reach" not in result.output


def test_a_site_address_that_is_not_a_url_is_a_usage_error(tmp_path):
    prepared = prepared_months(tmp_path, 2025, [1])
    result = run("--ckan", "ckan.example.se", "--org", "sundsvall", "--year", 2025, prepared)
    assert result.exit_code == 2
    assert "is not a site address such as https://" in result.output


def test_a_yearly_file_is_a_usage_error_without_traceback(tmp_path):
    prepared = tmp_path / "prepared"
    from click.testing import CliRunner as Runner

    from ckanext.openup.cli.prepare import prepare_command
    from tests.publishing.invoices import raw_export

    source = raw_export(tmp_path / "export", 2025, [1, 2])
    assert Runner().invoke(prepare_command, [str(source), "--out", str(prepared)]).exit_code == 0
    result = run("--ckan", UNREACHABLE, "--org", "sundsvall", "--year", 2025, prepared)
    assert result.exit_code == 2
    assert "more than one month" in result.output
    assert "Traceback" not in result.output
    assert "a-token-that-must-never-be-shown" not in result.output


def test_a_prepared_file_broken_after_its_header_is_refused_without_traceback(tmp_path):
    prepared = prepared_months(tmp_path, 2025, [1], rows_per_month=500)
    january = month_file(prepared, 2025, 1)
    content = january.read_bytes()
    end = content.rindex("Väst".encode())  # far past the header: Latin-1 typed into the last row
    january.write_bytes(content[:end] + b"V\xe4st" + content[end + len("Väst".encode()):])
    result = run("--ckan", UNREACHABLE, "--org", "sundsvall", "--year", 2025, january)
    assert result.exit_code == 2
    assert f"{january}: not readable as a prepared file" in result.output
    assert "Traceback" not in result.output
