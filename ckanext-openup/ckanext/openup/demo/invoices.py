"""Deterministic demo supplier-invoice files: one CSV per month in the national column layout."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

_SWEDISH_COLUMNS = [
    "kopare_id", "kopare", "verifikationsnummer", "leverantor", "leverantor_id", "konto_nr",
    "konto_text", "datum", "forvaltning", "fakturanummer", "belopp", "grund", "avtal", "kommun_id",
    "s_kod_nr",
]
_FINNISH_COLUMNS = [
    "Kuntanumero", "Kunnan nimi", "Kunnan y-tunnus", "Tulosyksikön nimi", "Toimittajan nimi",
    "Toimittajan y-tunnus", "Toimittajan maakoodi", "Tili", "Tilin nimi", "Laskun summa ilman ALV",
    "Kirjauspäivämäärä",
]
_SUPPLIERS = [
    ("Byggbolaget i Norrland AB", "556036-0793"), ("Kontorsvaror Sverige AB", "556012-5790"),
    ("Skolmat Nord AB", "556677-8899"), ("Lekplatsexperten AB", "556321-4567"),
    ("Trafikskydd AB", "556224-1223"),
]
_FINNISH_SUPPLIERS = [
    ("Rakennus Oy Pirkanmaa", "0112038-9"), ("Toimistotarvike Oy", "0109862-8"),
    ("Koulukeittiöt Oy", "1572860-0"),
]
_ACCOUNTS = [("4010", "Material och varor"), ("4410", "Konsulttjänster"), ("5010", "Lokalhyra")]
_DEPARTMENTS = ["Barn- och utbildningsförvaltningen", "Stadsbyggnadskontoret", "Socialtjänsten"]


def month_csv(organisation: dict, year: int, month: int, rows: int = 120) -> bytes:
    """The CSV bytes of one month's paid invoices for ``organisation`` (same input, same bytes)."""
    generator = random.Random(f"{organisation['name']}-{year}-{month}")
    buffer = io.StringIO()
    finnish = organisation["country"] == "FI"
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_FINNISH_COLUMNS if finnish else _SWEDISH_COLUMNS)
    for number in range(rows):
        day = dt.date(year, month, 1 + generator.randrange(28))
        amount = round(generator.uniform(-2000, 150000), 2) if number % 25 else -round(generator.uniform(100, 5000), 2)
        account, account_name = generator.choice(_ACCOUNTS)
        if finnish:
            supplier, supplier_id = generator.choice(_FINNISH_SUPPLIERS)
            writer.writerow([
                organisation["municipality_code"], organisation["title"], organisation["organization_number"],
                "Kasvatus- ja opetuspalvelut", supplier, supplier_id, "FI", account, account_name,
                f"{amount:.2f}", day.isoformat(),
            ])
        else:
            supplier, supplier_id = generator.choice(_SUPPLIERS)
            writer.writerow([
                organisation["organization_number"].replace("-", ""), organisation["title"],
                f"{year}{month:02d}{number:05d}", supplier, supplier_id.replace("-", ""), account,
                account_name, day.isoformat(), generator.choice(_DEPARTMENTS),
                f"F{generator.randrange(10**6):06d}", f"{amount:.2f}", "upphandling", "",
                organisation["municipality_code"], "",
            ])
    return buffer.getvalue().encode("utf-8")
