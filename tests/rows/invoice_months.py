"""Monthly supplier-invoice files with a spread of suppliers, amounts and credit notes, as uploads."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as toolkit
from stdnum import luhn
from werkzeug.datastructures import FileStorage

from ckanext.openup.procurement.layouts import FINNISH
from tests.publishing.invoices import HEADER
from tests.supplier_invoices import sysadmin_context

YEAR = 2025


def organisation_number(serial: int) -> str:
    """A valid Swedish organisation number (third digit 6: never a personnummer)."""
    body = f"556{serial:06d}"
    return body + luhn.calc_check_digit(body)


SUPPLIERS = [(f"Leverantör {index} AB", organisation_number(100 + index)) for index in range(12)]


def month_text(month: int, rows: int, seed: int = 0, year: int = YEAR) -> str:
    """Spec 1.1 rows bought by Sundsvall in ``month``: twelve suppliers, every seventh row a credit note."""
    lines = [HEADER]
    for number in range(rows):
        supplier, supplier_id = SUPPLIERS[(number * 5 + seed) % len(SUPPLIERS)]
        amount = Decimal(1000 + (number * 37 + seed) % 9000) + Decimal((number * 13) % 100) / 100
        if number % 7 == 6:
            amount = -amount
        lines.append(
            f"2120002411,Sundsvalls kommun,{month}{number:05d},{supplier},{supplier_id},4010,Förbrukningsmaterial,"
            f"{year}-{month:02d}-{1 + number % 28:02d},Kulturförvaltningen,F-{month}-{number},{amount},"
            "upphandling,,2281,"
        )
    return "\n".join(lines) + "\n"


def upload(text: str, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(text.encode("utf-8")), filename=name, content_type="text/csv")


def upload_month(dataset: dict[str, Any], month: int, text: str, year: int = YEAR) -> dict[str, Any]:
    """Create the month's resource on ``dataset`` with ``text`` uploaded as its file."""
    name = f"leverantorsfakturor-{year}-{month:02d}.csv"
    return toolkit.get_action("resource_create")(sysadmin_context(), {
        "package_id": dataset["id"], "name": f"{year}-{month:02d}", "format": "CSV",
        "period": f"{year}-{month:02d}", "upload": upload(text, name), "url": name})


def replace_month(resource: dict[str, Any], text: str, **fields: Any) -> dict[str, Any]:
    name = f"leverantorsfakturor-{YEAR}-{resource['period'][-2:]}.csv"
    return toolkit.get_action("resource_patch")(sysadmin_context(), {
        "id": resource["id"], "upload": upload(text, name), "url": name, **fields})


def finnish_text(rows: list[tuple[str, str, str, Decimal | str, str]]) -> str:
    """A prepared Finnish (Kuntaliitto) month of Tampere: one line per (supplier, Y-tunnus, invoice, amount, date)."""
    lines = [FINNISH.header_line]
    for name, supplier_id, invoice, amount, day in rows:
        lines.append(f"837,Tampere,0211675-2,Kasvatus,{name},{supplier_id},4300,Palvelut,{invoice},{amount},{day}")
    return "\n".join(lines) + "\n"
