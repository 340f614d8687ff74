"""The buyer in every file must be the organisation the files are published under.

A month of another organisation (a wrong folder, a wrong ``--org``) would otherwise replace this
organisation's own month without a word. Each prepared file names its buyer on every row: the
organisationsnummer in ``kopare_id`` (Swedish spec) or the ``Kunnan y-tunnus`` (Finnish layout).
Rows without a buyer id are not taken for another buyer; the column is optional in some exports.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

# Messages in the publisher's language: publishing/ serves the `openup` command only.
from ckanext.openup.cli.language import _
from ckanext.openup.procurement.identity import normalise_organisation_number
from ckanext.openup.procurement.layouts import SWEDISH, layout_for_header
from ckanext.openup.procurement.prepared import OUTPUT_ENCODING
from ckanext.openup.publishing.errors import WrongBuyerError
from ckanext.openup.publishing.local_files import MonthlyFile

MAX_FINDINGS = 5


@dataclass(frozen=True)
class ForeignBuyer:
    """The first line of a file whose buyer is not the organisation."""

    path: str
    line: int
    column: str
    buyer_id: str
    buyer_name: str

    def describe(self, organisation: dict[str, Any], number: str) -> str:
        named = f" ({self.buyer_name})" if self.buyer_name else ""
        title = organisation.get("title") or organisation["name"]
        return _("{path}, line {line}, column {column}: {buyer} is not {title} ({number})").format(
            path=self.path, line=self.line, column=repr(self.column), buyer=f"{self.buyer_id}{named}", title=title,
            number=number)


def check_buyer(files: list[MonthlyFile], organisation: dict[str, Any]) -> None:
    """Raise WrongBuyerError naming file, line and buyer when a row was bought by another organisation.

    Nothing is checked when the organisation has no valid number on the site: CKAN refuses to
    create its datasets then, with its own message.
    """
    country = organisation.get("country")
    try:
        number = normalise_organisation_number(country, (organisation.get("organization_number") or "").strip())
    except ValueError:
        return
    found: list[ForeignBuyer] = []
    for monthly in files:
        found += _foreign_buyers(monthly.path, country, number, MAX_FINDINGS - len(found))
        if len(found) >= MAX_FINDINGS:
            break
    if found:
        title = organisation.get("title") or organisation["name"]
        raise WrongBuyerError(
            _("refused: the files hold invoices of another buyer than {title} (--org {name}); nothing was uploaded.")
            .format(title=title, name=organisation["name"]),
            [finding.describe(organisation, number) for finding in found]
            + [_("Check --org, or publish these files under the organisation that bought (its own --org).")],
        )


def _foreign_buyers(path: str, country: str | None, number: str, limit: int) -> list[ForeignBuyer]:
    """Each other buyer in the file once, at its first line (``limit`` at most)."""
    found: list[ForeignBuyer] = []
    checked: set[str] = set()  # a file has one buyer, or very few: each id is normalised once
    with open(path, encoding=OUTPUT_ENCODING, newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader, None) or []
        layout = layout_for_header(",".join(header)) or SWEDISH
        id_at, name_at = layout.position("kopare_id"), layout.position("kopare")
        for row in reader:
            buyer_id = row[id_at].strip() if len(row) > id_at else ""
            if not buyer_id or buyer_id in checked:
                continue
            checked.add(buyer_id)
            if _same_organisation(country, buyer_id, number):
                continue
            name = row[name_at].strip() if len(row) > name_at else ""
            found.append(ForeignBuyer(path, reader.line_num, header[id_at], buyer_id, name))
            if len(found) >= limit:
                break
    return found


def _same_organisation(country: str | None, buyer_id: str, number: str) -> bool:
    try:
        return normalise_organisation_number(country, buyer_id) == number
    except ValueError:
        return False  # not even a valid number: certainly not this organisation's
