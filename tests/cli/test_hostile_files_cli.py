"""Hostile files stop ``openup inspect`` and ``prepare`` early: a clear message, exit 1, nothing written.

Each command runs as its own process so its time and peak memory are its own. The limits (10 s,
300 MB) are the issue's; an endless line once took 2 GB in 15 s, a 4 MB XLSX 1.28 GB past 300 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.procurement.hostile_files import MB, write_single_line_csv, write_single_record_json, write_xlsx_bomb

SECONDS = 10
PEAK_MB = 300
OPENUP = str(Path(sys.executable).with_name("openup"))
# Runs the command as a child of a small process, whose RUSAGE_CHILDREN is then the command's alone
# (a process forked from pytest would count pytest's memory as its own).
MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'code': done.returncode, 'seconds': time.perf_counter() - start,\n"
    "                  'peak_mb': usage.ru_maxrss / 1024, 'output': done.stdout + done.stderr}))\n"
)


def measured(*args: object) -> tuple[dict[str, float], str]:
    """Run ``openup ARGS`` alone; its exit code, seconds and peak MB, and what it printed."""
    command = [sys.executable, "-c", MEASURE, OPENUP, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    figures = json.loads(done.stdout)
    output = figures.pop("output")
    print(args[0], Path(str(args[1])).name, figures)  # the figures, for the report (pytest -s)
    return figures, output


def assert_stopped_early(figures: dict[str, float], output: str, name: str) -> None:
    assert figures["code"] == 1, output
    assert figures["seconds"] < SECONDS, figures
    assert figures["peak_mb"] < PEAK_MB, figures
    assert "Traceback" not in output
    assert name in output


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {
        "line": write_single_line_csv(folder / "one-line.csv", 300 * MB),
        "record": write_single_record_json(folder / "one-record.json", 300 * MB),
        "bomb": write_xlsx_bomb(folder / "bomb.xlsx", 1536 * MB),
        "long-row": write_xlsx_bomb(folder / "long-row.xlsx", 48 * MB, shape="numbers"),
        "empty-rows": write_xlsx_bomb(folder / "empty-rows.xlsx", 256 * MB, shape="empty-rows"),
    }
    yield files
    for path in files.values():  # pytest keeps the last runs' folders: do not keep 600 MB in each
        path.unlink()


@pytest.mark.parametrize("command", ["inspect", "prepare"])
def test_300_megabyte_line_stops_at_once_naming_file_and_line(hostile, command, tmp_path):
    out = tmp_path / "out"
    figures, output = measured(command, hostile["line"], *(["--out", out] if command == "prepare" else []))
    assert_stopped_early(figures, output, "one-line.csv, line 2: the line is longer than 65,536 characters")
    assert "export it again" in output
    if command == "prepare":
        assert not out.exists() or list(out.iterdir()) == []


def test_300_megabyte_json_record_stops_at_once(hostile):
    figures, output = measured("inspect", hostile["record"])
    assert_stopped_early(figures, output, "one-record.json, record 1: the result is longer than 262,144 characters")


@pytest.mark.parametrize("command", ["inspect", "prepare"])
def test_four_megabyte_xlsx_unpacking_to_one_and_a_half_gigabytes_is_refused_before_reading(
    hostile, command, tmp_path
):
    assert hostile["bomb"].stat().st_size < 5 * MB
    out = tmp_path / "out"
    figures, output = measured(command, hostile["bomb"], *(["--out", out] if command == "prepare" else []))
    assert_stopped_early(figures, output, "bomb.xlsx: the workbook's part 'xl/worksheets/sheet1.xml' unpacks to")
    assert "save the sheet as CSV" in output
    if command == "prepare":
        assert not out.exists() or list(out.iterdir()) == []


def test_xlsx_row_of_48_megabytes_at_an_ordinary_ratio_is_refused_naming_the_row(hostile):
    assert hostile["long-row"].stat().st_size > 5 * MB  # packed like an ordinary sheet, not a bomb
    figures, output = measured("inspect", hostile["long-row"])
    assert_stopped_early(figures, output, "long-row.xlsx, row 2: the row is longer than")


def test_xlsx_with_millions_of_empty_rows_is_refused(hostile):
    figures, output = measured("inspect", hostile["empty-rows"])
    assert_stopped_early(figures, output, "empty-rows.xlsx")
