"""The ``openup`` command on a Windows laptop: its console's code page, its paths, a config file from Notepad."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ckanext.openup.procurement.export_download import is_export_url
from ckanext.openup.publishing.credentials import read_credentials
from ckanext.openup.quality.loading import is_url

OPENUP = str(Path(sys.executable).with_name("openup"))


def test_a_cp1252_console_shows_swedish_and_never_crashes(tmp_path):
    # Columns renamed by the reader are shown with an arrow, which cp1252 (Windows in Sweden) cannot encode.
    source = tmp_path / "fakturor.csv"
    source.write_text("Leverantör;Belopp;Datum;Fakturanummer\nÅkeriet i Väst AB;1302,03;2025-01-02;F1\n"
                      "Ölbryggeriet Ост AB;;2025-01-03;F2\n", encoding="utf-8")
    environment = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0", "LANG": "C", "LC_ALL": ""}
    result = subprocess.run([OPENUP, "--lang", "sv", "inspect", str(source)], capture_output=True, env=environment,
                            timeout=120)
    assert b"Traceback" not in result.stderr, result.stderr.decode("cp1252", "replace")
    assert result.returncode in (0, 1)
    output = result.stdout.decode("cp1252")
    assert "leverantör" in output.lower()
    assert "obligatoriskt värde saknas" in output
    assert "?" in output  # the arrow and the Cyrillic letters the console cannot show


@pytest.mark.parametrize("path", [r"C:\Users\ekonomi\fakturor.csv", r"D:\export\ostolaskut 2025.xlsx",
                                  r"\\server\share\fakturor.csv", "C:/Users/ekonomi/fakturor.csv"])
def test_windows_paths_are_files_not_addresses(path):
    assert not is_export_url(path)
    assert not is_url(path)


def test_a_config_file_saved_by_notepad_with_a_byte_order_mark_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENUP_CKAN_TOKEN", raising=False)
    config = tmp_path / "config.ini"
    config.write_bytes("[ckan]\r\nurl = https://data.example.se\r\ntoken = from-notepad\r\n".encode("utf-8-sig"))
    config.chmod(0o600)
    credentials = read_credentials(config)
    assert credentials.token == "from-notepad"
    assert credentials.url == "https://data.example.se"


def test_the_command_runs_as_a_python_module_where_its_script_is_not_on_the_path(tmp_path):
    source = tmp_path / "fakturor.csv"
    source.write_text("Leverantör;Belopp;Datum\nÅkeriet i Väst AB;1302,03;2025-01-02\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "ckanext.openup.cli", "--lang", "sv", "inspect", str(source)],
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "inga problem hittades" in result.stdout
