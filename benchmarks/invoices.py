"""Benchmark ``openup inspect`` and ``openup prepare`` on a 1,000,000-row Swedish invoice file.

The file is generated (UTF-16 with BOM, semicolon-separated, CRLF, decimal comma with space
thousands separators, like Göteborg's exports), then each command runs as its own process and is
timed for wall-clock seconds and peak memory (max RSS), side by side with ``frictionless validate``
on the same file. Targets: both openup commands under 15 s and under 200 MB.

    .venv/bin/python benchmarks/invoices.py                 # 1,000,000 rows in a temporary folder
    .venv/bin/python benchmarks/invoices.py --rows 100000 --keep /tmp/bench

The machine may be shared: run it when quiet, and read the CPU seconds beside the wall clock.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stdnum import luhn

COLUMNS = (
    "kopare_id;kopare;verifikationsnummer;leverantor;leverantor_id;konto_nr;konto_text;datum;forvaltning;"
    "fakturanummer;belopp;grund;avtal;kommun_id;s_kod_nr"
)
DEPARTMENTS = ("Kulturförvaltningen", "Stadsledningskontoret", "Förskoleförvaltningen", "Äldre samt vård- och omsorg")
ACCOUNTS = (("4010", "Förbrukningsmaterial"), ("6550", "Konsulttjänster"), ("5410", "Förbrukningsinventarier"))
BASES = ("direktupphandling", "upphandling", "ramavtal", "annat", "")
# Wrapper run as its own process so each command's peak memory is measured alone.
MEASURE = (
    "import resource, subprocess, sys, time, json\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'seconds': time.perf_counter() - start, 'cpu_seconds': usage.ru_utime + usage.ru_stime,\n"
    "                  'peak_mb': usage.ru_maxrss / 1024, 'exit_code': done.returncode,\n"
    "                  'stderr_tail': done.stderr.decode(errors='replace')[-300:]}))\n"
)


def organisation_number(rng: random.Random) -> str:
    nine = f"55{rng.randint(2, 9)}{rng.randint(0, 999999):06d}"
    return nine + luhn.calc_check_digit(nine)


def personnummer(rng: random.Random) -> str:
    nine = f"{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    number = nine + luhn.calc_check_digit(nine)
    return f"{number[:6]}-{number[6:]}"


def amount(rng: random.Random) -> str:
    cents = rng.randint(100, 50_000_000)
    if rng.random() < 0.03:
        cents = -cents  # credit notes
    whole, fraction = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", " ")
    return f"{'-' if cents < 0 else ''}{grouped},{fraction:02d}"


def generate(path: Path, rows: int, seed: int = 2024) -> None:
    """Write ``rows`` postings of one municipality's year; 0.5% of suppliers are sole traders."""
    rng = random.Random(seed)
    suppliers = []
    for number in range(5000):
        if rng.random() < 0.005:
            suppliers.append((f"Firma Person {number}", personnummer(rng)))
        else:
            suppliers.append((f"Leverantör {number} AB", organisation_number(rng)))
    with open(path, "w", encoding="utf-16", newline="") as stream:
        stream.write(COLUMNS + "\r\n")
        for row in range(rows):
            name, supplier_id = suppliers[rng.randrange(len(suppliers))]
            account, account_text = ACCOUNTS[row % len(ACCOUNTS)]
            day = f"2024-{1 + row * 12 // rows:02d}-{1 + row % 28:02d}"
            stream.write(
                f"2120001355;Göteborgs Stad;{1_000_000 + row};{name};{supplier_id};{account};{account_text};{day};"
                f"{DEPARTMENTS[row % len(DEPARTMENTS)]};{7_000_000 + row};{amount(rng)};{BASES[row % len(BASES)]};;"
                "1480;\r\n"
            )


def measure(command: list[str], timeout: float, cwd: Path) -> dict[str, object]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, *command],
            capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "peak_mb": None, "exit_code": None, "note": f"stopped after {timeout:.0f} s"}
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Folder to keep the generated and prepared files in.")
    parser.add_argument("--frictionless-timeout", type=float, default=900, help="Seconds before giving up on it.")
    parser.add_argument("--skip-frictionless", action="store_true")
    options = parser.parse_args()

    work = options.keep or Path(tempfile.mkdtemp(prefix="openup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "leverantorsreskontra-2024.csv"
    started = time.perf_counter()
    generate(source, options.rows)
    print(f"generated {options.rows:,} rows, {source.stat().st_size / 1e6:.0f} MB in "
          f"{time.perf_counter() - started:.0f} s: {source}")

    openup = str(Path(sys.executable).with_name("openup"))
    frictionless = str(Path(sys.executable).with_name("frictionless"))
    runs = {
        "openup inspect": [openup, "inspect", str(source)],
        "openup prepare --by-month": [openup, "prepare", str(source), "--out", str(work / "prepared"), "--by-month"],
    }
    if not options.skip_frictionless and Path(frictionless).exists():
        # Relative path and --trusted: frictionless refuses absolute paths as "not safe".
        runs["frictionless validate"] = [
            frictionless, "validate", source.name, "--trusted", "--encoding", "utf-16",
            "--dialect", '{"csv": {"delimiter": ";"}}',
            # Otherwise it stops at its 1,000th error (sole traders' ids are "type errors"), long before the end.
            "--limit-errors", "1000000000",
        ]
    print(f"{'command':28} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'exit':>5}")
    for name, command in runs.items():
        timeout = options.frictionless_timeout if name.startswith("frictionless") else 600
        result = measure(command, timeout, work)
        wall = f"{result['seconds']:.1f}" if result.get("seconds") is not None else "-"
        cpu = f"{result['cpu_seconds']:.1f}" if result.get("cpu_seconds") is not None else "-"
        peak = f"{result['peak_mb']:.0f}" if result.get("peak_mb") is not None else "-"
        print(f"{name:28} {wall:>8} {cpu:>8} {peak:>8} {result.get('exit_code')!s:>5} {result.get('note', '')}")
    if not options.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
