"""Deterministic demo supplier-invoice files, made the way a municipality makes its real ones.

A month's ledger export is drawn first, as a finance system writes it (its own delimiter and decimal mark,
Finnish dates, sole traders with their identity numbers); ``prepare`` then turns it into the published
file, in the national layout and with sole traders redacted, exactly as a publisher's own files are.
Thousands of rows a month, fewer in July and more in December; credit notes; posting dates on working
days. The same organisation, year and month always give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import tempfile
from pathlib import Path
from typing import Any

from dateutil.easter import easter

from ckanext.openup.demo.suppliers import ledgers, supplier_register
from ckanext.openup.procurement.preparation import prepare_invoice_file
from ckanext.openup.procurement.variants import SPEC_COLUMNS

# How a month's volume compares with an average one: the summer break, and the year-end rush.
_SEASON = {1: 0.9, 2: 0.95, 3: 1.05, 4: 1.0, 5: 1.05, 6: 1.1, 7: 0.7, 8: 0.85, 9: 1.05, 10: 1.05, 11: 1.1, 12: 1.35}
_CREDIT_NOTE_SHARE = 0.03
_AMOUNT_SPREAD = 0.9  # sigma of the log-normal spread of one supplier's invoices
_LARGEST_AMOUNT = 9_999_999.99  # keeps amounts to nine digits, which no identity number is taken from
_FINNISH_EXPORT_COLUMNS = (
    ("Kuntanumero", "kommun_id"), ("Kunnan nimi", "kopare"), ("Kunnan y-tunnus", "kopare_id"),
    ("Vastuualue", "forvaltning"), ("Tulosyksikkö", None), ("Tulosyksikön nimi", "forvaltning"),
    ("Toimittajan nimi", "leverantor"), ("Toimittajan y-tunnus", "leverantor_id"),
    ("Toimittajan maakoodi", None), ("Tili", "konto_nr"), ("Tilin nimi", "konto_text"),
    ("Tositenumero", "verifikationsnummer"), ("Laskun summa ilman ALV", "belopp"),
    ("Kirjauspäivämäärä", "datum"),
)


class DemoFileError(RuntimeError):
    """A generated month did not prepare cleanly: a bug in the demo, never the user's doing."""


def month_csv(organisation: dict[str, Any], year: int, month: int, rows: int | None = None) -> bytes:
    """The published CSV of one month's paid invoices for ``organisation``: its export, prepared."""
    return _prepared(organisation, year, [month], rows)[month]


def year_files(organisation: dict[str, Any], year: int, months: list[int]) -> dict[int, bytes]:
    """The published CSVs of ``months``, by month: one ledger export of them all, prepared month by month.

    The same bytes as :func:`month_csv` gives for each month, in one ``prepare`` pass (each supplier is
    checked once, not once a month), the way a publisher prepares a year-to-date export.
    """
    return _prepared(organisation, year, months, None)


def _prepared(organisation: dict[str, Any], year: int, months: list[int], rows: int | None) -> dict[int, bytes]:
    prefix = "ostolaskut" if organisation["country"] == "FI" else "leverantorsreskontra"
    with tempfile.TemporaryDirectory(prefix="openup-demo-") as folder:
        source = Path(folder) / f"{prefix}-{year}.csv"
        with source.open("wb") as export:
            export.write(ledger_export(organisation, year, months, rows))
        report = prepare_invoice_file(source, Path(folder) / "prepared", by_month=True)
        prepared = {int(file.month[5:]): Path(file.path).read_bytes() for file in report.files if file.month}
        if not report.ok or sorted(prepared) != sorted(months):
            raise DemoFileError(f"{source.name} of {organisation['name']} did not prepare cleanly: {report.as_dict()}")
        return prepared


def ledger_export(organisation: dict[str, Any], year: int, months: list[int], rows: int | None = None) -> bytes:
    """The finance system's export of ``months``' postings: personal data still in it.

    In the municipality's own export format (delimiter, decimal mark; Finnish dates and columns).
    ``rows`` overrides the number of postings a month (for small test files).
    """
    country = organisation["country"].lower()
    export = (organisation.get("ledger") or {}).get("export") or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=export.get("delimiter", ","), lineterminator="\r\n")
    finnish = country == "fi"
    writer.writerow([name for name, _spec in _FINNISH_EXPORT_COLUMNS] if finnish else SPEC_COLUMNS)
    for month in months:
        postings = _postings(organisation, year, month, rows)
        if export.get("decimal", ".") != ".":
            amount = SPEC_COLUMNS.index("belopp")
            postings = [(*cells[:amount], cells[amount].replace(".", ","), *cells[amount + 1:]) for cells in postings]
        if finnish:
            postings = list(map(_finnish_export_row, postings))
        writer.writerows(postings)
    return buffer.getvalue().encode("utf-8")


def _postings(organisation: dict[str, Any], year: int, month: int, rows: int | None) -> list[tuple[str, ...]]:
    """One month's postings in spec 1.1 column order, by posting date."""
    country = organisation["country"].lower()
    parts = ledgers()[country]
    count = rows_in_month(organisation, year, month) if rows is None else rows
    generator = random.Random(f"{organisation['name']}-{year}-{month}")
    suppliers = supplier_register(organisation).draw(generator, count)
    days = sorted(generator.choices(working_days(country, year, month), k=count))
    first_voucher = sum(rows_in_month(organisation, year, earlier) for earlier in range(1, month))
    buyer_id = organisation["organization_number"]
    buyer_id = buyer_id if country == "fi" else buyer_id.replace("-", "")
    buyer, municipality_code = organisation["title"], organisation["municipality_code"]
    date_format = "%d.%m.%Y" if country == "fi" else "%Y-%m-%d"
    date_text = {day: day.strftime(date_format) for day in set(days)}
    accounts, units = parts["accounts"], parts["units"]
    # The loop below runs for every posting: plain draws, no helpers.
    draw, gauss, exp = generator.random, generator.gauss, math.exp
    postings = []
    for number, (day, supplier) in enumerate(zip(days, suppliers, strict=True), start=first_voucher + 1):
        account = supplier.accounts[int(draw() * len(supplier.accounts))]
        # Log-normal around the supplier's typical invoice; now and then a credit note, for part of one.
        amount = max(min(supplier.typical_amount * exp(gauss(0, _AMOUNT_SPREAD)), _LARGEST_AMOUNT), 1.0)
        if draw() < _CREDIT_NOTE_SHARE:
            amount = -amount * (0.05 + 0.95 * draw())
        postings.append((
            buyer_id, buyer, f"{year % 100}{number:06d}", supplier.name, supplier.identifier, account,
            accounts[account], date_text[day], units[supplier.units[int(draw() * len(supplier.units))]],
            supplier.invoice_number.format(year=year, number=1 + int(draw() * 99999)),
            f"{amount:.2f}", supplier.purchase_basis, supplier.contract, municipality_code, "",
        ))
    return postings


def rows_in_month(organisation: dict[str, Any], year: int, month: int) -> int:
    """How many postings the month has: the municipality's usual volume, the season, a little chance."""
    usual = (organisation.get("ledger") or {}).get("rows_per_month", 3000)
    chance = random.Random(f"{organisation['name']}-{year}-{month}-volume").uniform(0.94, 1.06)
    return round(usual * _SEASON[month] * chance)


def working_days(country: str, year: int, month: int) -> list[dt.date]:
    """The month's weekdays that are not public holidays in ``country`` (``se`` or ``fi``)."""
    easter_day = easter(year)
    midsummer_eve = next(dt.date(year, 6, day) for day in range(19, 26) if dt.date(year, 6, day).weekday() == 4)
    holidays = {
        dt.date(year, 1, 1), dt.date(year, 1, 6), easter_day - dt.timedelta(days=2), easter_day + dt.timedelta(days=1),
        dt.date(year, 5, 1), easter_day + dt.timedelta(days=39), midsummer_eve, dt.date(year, 12, 24),
        dt.date(year, 12, 25), dt.date(year, 12, 26),
        *((dt.date(year, 6, 6), dt.date(year, 12, 31)) if country == "se" else (dt.date(year, 12, 6),)),
    }
    first = dt.date(year, month, 1)
    days = [first + dt.timedelta(days=offset) for offset in range(31)]
    return [day for day in days if day.month == month and day.weekday() < 5 and day not in holidays]


def _finnish_export_row(cells: tuple[str, ...]) -> list[str]:
    """A posting in the Kuntaliitto 2021 export's columns (a result unit's number, the supplier's country)."""
    posting = dict(zip(SPEC_COLUMNS, cells, strict=True))
    extra = {"Tulosyksikkö": str(1000 + sum(map(ord, posting["forvaltning"])) % 9000), "Toimittajan maakoodi": "FI"}
    return [posting[spec] if spec else extra[name] for name, spec in _FINNISH_EXPORT_COLUMNS]
