"""Invoice months of Swedish and Finnish buyers for the explorer's tests, uploaded through the real path."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as toolkit

from tests.rows.invoice_months import month_text, upload
from tests.supplier_invoices import sysadmin_context

FINNISH_HEADER = ("Kuntanumero;Kunnan nimi;Kunnan y-tunnus;Vastuualue;Toimittajan nimi;Toimittajan y-tunnus;"
                  "Tili;Tilin nimi;Laskun summa ilman ALV;Kirjauspäivämäärä")
YTUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def ytunnus(serial: int) -> str:
    """A valid Y-tunnus (business ID) whose seven digits come from ``serial``."""
    while True:
        digits = f"{serial:07d}"
        remainder = sum(int(digit) * weight for digit, weight in zip(digits, YTUNNUS_WEIGHTS, strict=True)) % 11
        if remainder != 1:
            return f"{digits}-{0 if remainder == 0 else 11 - remainder}"
        serial += 1


FINNISH_SUPPLIERS = [(f"Toimittaja {index} Oy", ytunnus(2000000 + index * 17)) for index in range(6)]


def swedish_month(month: int, rows: int, seed: int = 0, year: int = 2025,
                  buyer: tuple[str, str] = ("2120002411", "Sundsvalls kommun")) -> str:
    """Spec 1.1 rows of ``buyer`` (Sundsvall unless told), twelve suppliers, every seventh a credit note."""
    return month_text(month, rows, seed=seed, year=year).replace("2120002411,Sundsvalls kommun", ",".join(buyer))


def finnish_month(month: int, rows: int, year: int = 2025) -> str:
    """Kuntaliitto 2021 rows bought by Tampere in ``month``, six suppliers."""
    lines = [FINNISH_HEADER]
    for number in range(rows):
        name, business_id = FINNISH_SUPPLIERS[number % len(FINNISH_SUPPLIERS)]
        amount = f"{100 + number * 7},{number % 100:02d}"
        lines.append(f"837;Tampere;0211675-2;Kasvatus;{name};{business_id};4300;Palvelut;{amount};"
                     f"{1 + number % 28}.{month}.{year}")
    return "\n".join(lines) + "\n"


def upload_file(dataset: dict[str, Any], month: int, text: str, year: int = 2025) -> dict[str, Any]:
    """Create the month's resource on ``dataset`` with ``text`` as its uploaded file (rows load at once)."""
    name = f"invoices-{year}-{month:02d}.csv"
    return toolkit.get_action("resource_create")(sysadmin_context(), {
        "package_id": dataset["id"], "name": f"{year}-{month:02d}", "format": "CSV",
        "period": f"{year}-{month:02d}", "upload": upload(text, name), "url": name})


def datastore_total(resource_ids: list[str], amount_column: str = "belopp", where: str = "true") -> Decimal:
    """The sum of the amount column over the DataStore tables of ``resource_ids`` (rows ``where`` holds),
    as datastore_search_sql gives it."""
    union = " UNION ALL ".join(f'SELECT "{amount_column}" AS amount FROM "{rid}" WHERE {where}' for rid in resource_ids)
    [row] = toolkit.get_action("datastore_search_sql")(
        sysadmin_context(), {"sql": f"SELECT sum(amount) AS total FROM ({union}) AS rows"})["records"]
    return Decimal(str(row["total"]))
