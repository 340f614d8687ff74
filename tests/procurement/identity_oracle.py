"""Helpers for the identity-number tests: invoice files holding given values, and an independent oracle.

The oracle does not use the detector under test: it reads every digit of a cell (any script,
any width) and asks whether a number's digits are still there in order, whatever stands between.
"""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

from stdnum import luhn

SWEDISH_HEADER = (
    "kopare_id,kopare,verifikationsnummer,leverantor,leverantor_id,konto_nr,konto_text,datum,forvaltning,"
    "fakturanummer,belopp,grund,avtal,kommun_id,s_kod_nr"
)
# The text columns a value can stand in, and where each is in SWEDISH_HEADER.
TEXT_COLUMNS = ("leverantor", "leverantor_id", "konto_text", "forvaltning", "fakturanummer", "verifikationsnummer")
_POSITION = {name: index for index, name in enumerate(SWEDISH_HEADER.split(","))}
FINNISH_HEADER = "Toimittajan nimi;Toimittajan y-tunnus;Laskun summa ilman ALV;Kirjauspäivämäärä;Tilin nimi"
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def digits_of(text: str) -> str:
    """Every decimal digit in ``text``, in order, as ASCII (full-width and other scripts' digits too)."""
    digits = (unicodedata.decimal(char, None) for char in unicodedata.normalize("NFKC", text))
    return "".join(str(digit) for digit in digits if digit is not None)


def swedish_number(nine: str) -> str:
    """Ten digits: ``nine`` and its Luhn check digit."""
    return nine + luhn.calc_check_digit(nine)


def hetu_check(ddmmyy: str, individual: str) -> str:
    """The check character of a henkilötunnus."""
    return HETU_CHECK[int(ddmmyy + individual) % 31]


def swedish_row(line: int, column: str, value: str) -> list[str]:
    """One ordinary invoice row (a company supplier of its own) with ``value`` in ``column``."""
    row = [
        "2120001355", "Göteborgs Stad", f"V{line}", f"Leverantör {line} AB", "556016-0680", "4010", "Material",
        "2024-01-15", "Kultur", f"F{line}", "100,00", "", "", "1480", "",
    ]
    row[_POSITION[column]] = value
    return row


def write_swedish_file(path: Path, values: list[tuple[str, str]]) -> Path:
    """A Swedish spec 1.1 CSV with one row per ``(column, value)``."""
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(SWEDISH_HEADER.split(","))
        for line, (column, value) in enumerate(values, start=2):
            writer.writerow(swedish_row(line, column, value))
    return path


def write_finnish_file(path: Path, values: list[tuple[str, str]]) -> Path:
    """A Kuntaliitto-style CSV; ``column`` is 'nimi', 'y-tunnus' or 'tili' (the account's name)."""
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(FINNISH_HEADER.split(";"))
        for column, value in values:
            row = ["Oy Esimerkki Ab", "0144411-3", "60,00", "03.01.2023", "Palvelut"]
            row[{"nimi": 0, "y-tunnus": 1, "tili": 4}[column]] = value
            writer.writerow(row)
    return path


def cells_of(path: Path) -> list[str]:
    """Every cell of a prepared file, header excluded."""
    with open(path, encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    return [cell for row in rows[1:] for cell in row]


def surviving(prepared: list[Path], cores: set[str]) -> set[str]:
    """The ``cores`` (a number's digits) still readable in some cell of the prepared files."""
    found = set()
    for path in prepared:
        for cell in cells_of(path):
            digits = digits_of(cell)
            found.update(core for core in cores if core in digits)
    return found
