"""The inspect and prepare commands: exit codes, messages, JSON, and no traceback for bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ckanext.openup.cli.inspect import inspect_command
from ckanext.openup.cli.prepare import prepare_command
from tests.click_runner import runner_with_separate_stderr

DATA = Path(__file__).resolve().parents[1] / "data" / "procurement"
BROKEN = DATA / "broken"


def run(command, *args: str):
    return CliRunner().invoke(command, [str(arg) for arg in args], catch_exceptions=False)


def test_inspect_clean_file_exits_0_and_summarises_it():
    result = run(inspect_command, DATA / "se-1.1-utf16-tab-crlf.csv")
    assert result.exit_code == 0, result.output
    assert "UTF-16, tab-separated" in result.output
    assert "Swedish spec 1.1" in result.output
    assert "period:   2024-01-15 to 2024-02-20" in result.output
    assert "credit notes: 1 (-250.50)" in result.output


def test_inspect_problems_exit_1_and_name_file_line_and_column():
    result = run(inspect_command, BROKEN / "invalid-values.csv")
    assert result.exit_code == 1
    assert "invalid-values.csv, line 2, column 'datum': not a date" in result.output


def test_inspect_shows_the_column_mapping_with_source_names():
    result = run(inspect_command, DATA / "th_data_2023.csv")
    assert "belopp ← 'tiliointisumma'" in result.output


@pytest.mark.parametrize("name", sorted(path.name for path in BROKEN.iterdir()))
def test_broken_input_gives_a_message_exit_1_and_no_traceback(name):
    result = run(inspect_command, BROKEN / name)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert name in result.output


def test_ten_megabyte_single_line_gives_a_message_not_a_traceback(tmp_path):
    huge = tmp_path / "one-line.csv"
    huge.write_bytes(b"x" * 10_000_000)
    result = run(inspect_command, huge)
    assert result.exit_code == 1
    assert "one-line.csv, line 1: the line is longer than 65,536 characters" in result.output
    assert len(result.output) < 3000


def test_missing_file_is_a_usage_error_exit_2():
    result = run(inspect_command, DATA / "no-such-file.csv")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_inspect_without_files_is_a_usage_error_exit_2():
    assert run(inspect_command).exit_code == 2


def test_inspect_json_reports_every_file_including_unreadable_ones():
    result = run(inspect_command, "--json", DATA / "fi-kuntaliitto-2021.csv", BROKEN / "empty.csv")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert [entry["ok"] for entry in document["files"]] == [True, False]
    assert document["files"][0]["variant"]["name"] == "fi-kuntaliitto-2021"
    assert document["files"][0]["summary"]["total_amount"] == "1224.56"
    assert "empty" in document["files"][1]["error"]


@pytest.mark.parametrize("command", [inspect_command, prepare_command])
def test_help_shows_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"openup {command.name} " in result.output


def test_prepare_writes_files_and_manifest_and_reports_changes(tmp_path):
    result = run(prepare_command, DATA / "se-personal-data.csv", "--out", tmp_path, "--by-month")
    assert "personal identity numbers removed: 6" in result.output
    manifest = json.loads((tmp_path / "openup-manifest.json").read_text(encoding="utf-8"))
    assert [entry["path"] for entry in manifest["files"]] == ["se-personal-data-2024-01.csv"]
    assert len(manifest["files"][0]["sha256"]) == 64


def test_prepare_clean_file_exits_0(tmp_path):
    result = run(prepare_command, DATA / "fi-2016-snake-case.csv", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "ready to publish" in result.output


def test_prepare_into_the_inputs_own_folder_is_a_usage_error(tmp_path):
    source = tmp_path / "ledger.csv"
    shutil.copy(DATA / "se-1.1-utf8-comma-lf.csv", source)
    result = run(prepare_command, source, "--out", tmp_path)
    assert result.exit_code == 2
    assert source.read_bytes() == (DATA / "se-1.1-utf8-comma-lf.csv").read_bytes()


def test_prepare_broken_input_writes_nothing_for_it_and_exits_1(tmp_path):
    result = run(prepare_command, BROKEN / "truncated-utf16.csv", "--out", tmp_path, "--json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert "truncated" in document["files"][0]["error"]
    assert [path.name for path in tmp_path.iterdir()] == []


def _console_script() -> str:
    script = Path(sys.executable).with_name("openup")
    return str(script) if script.exists() else shutil.which("openup") or pytest.skip("openup script not installed")


def test_installed_openup_script_inspects_and_exits_with_meaning(tmp_path):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    good = subprocess.run(
        [_console_script(), "inspect", str(DATA / "se-1.1-vgr-cr.csv")], capture_output=True, text=True, env=env
    )
    assert good.returncode == 0, good.stderr
    assert "Västra Götalandsregionen" in good.stdout
    bad = subprocess.run(
        [_console_script(), "inspect", str(BROKEN / "binary.csv")], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 1
    assert "binary" in bad.stderr
    assert "Traceback" not in bad.stderr
    usage = subprocess.run([_console_script(), "prepare", str(DATA / "th_data_2023.csv")], capture_output=True,
                           text=True, env=env)
    assert usage.returncode == 2
    assert "--out" in usage.stderr


def test_progress_bar_only_for_long_files_when_stderr_is_not_a_terminal(monkeypatch):
    from ckanext.openup.cli import reporting

    small = run(inspect_command, DATA / "se-1.1-utf8-comma-lf.csv")
    assert "Checking" not in small.output
    monkeypatch.setattr(reporting, "LONG_FILE_BYTES", 1)
    long = runner_with_separate_stderr().invoke(inspect_command, [str(DATA / "se-1.1-utf8-comma-lf.csv")])
    assert "Checking se-1.1-utf8-comma-lf.csv" in long.stderr
    assert long.exit_code == 0


def test_inspect_of_one_page_of_a_paged_export_exits_1_and_says_what_is_missing():
    result = run(inspect_command, DATA / "entryscape-page.json")
    assert result.exit_code == 1
    assert "376,447 rows are missing" in result.output
    assert "https://example.org/store/rows?_offset=2&_limit=2" in result.output
    assert "rows:" not in result.output


def test_prepare_of_a_file_mixing_encodings_exits_1_names_the_line_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = run(prepare_command, DATA / "se-1.1-mixed-encoding.csv", "--out", out)
    assert result.exit_code == 1
    assert "se-1.1-mixed-encoding.csv, line 2: the file mixes encodings" in result.output
    assert "save the file as UTF-8" in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_inspect_and_prepare_report_a_left_out_totals_row(tmp_path):
    inspected = run(inspect_command, DATA / "se-1.1-totals-row.csv")
    prepared = run(prepare_command, DATA / "se-1.1-totals-row.csv", "--out", tmp_path)
    for result in (inspected, prepared):
        assert result.exit_code == 0, result.output
        assert "rows:     3" in result.output
        assert "note: line 5 is a totals row (Summa, 4322.03) and was left out" in result.output
