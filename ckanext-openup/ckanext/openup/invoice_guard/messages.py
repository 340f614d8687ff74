"""The guard's messages to a publisher, in their language: where the problem is and the command that fixes it.

No message quotes a value from the file; identity numbers are located by line and column only.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup.invoice_guard.reading import PLACES_SHOWN, Place, SpecProblem
from ckanext.openup.procurement.checks import mask

_ = toolkit._


def _place(place: Place) -> str:
    units = {"row": _("row {0}"), "record": _("record {0}")}
    where = units.get(place.unit, _("line {0}")).format(place.line)
    if place.sheet:
        where = _("sheet {0}, {1}").format(place.sheet, where)
    return _("{0}, column {1!r}").format(where, place.column) if place.column else where


def identity_numbers(places: list[Place], count: int, file_name: str) -> str:
    """A file holding personal identity numbers: where, how many, and ``openup prepare``."""
    where = "; ".join(_place(place) for place in places[:PLACES_SHOWN])
    return _(
        "The file holds a personal identity number ({0}; {1} in all). It must never be published, so nothing "
        "of the file was kept. Remove them with: openup prepare {2} --out prepared/ and upload the prepared file."
    ).format(where, count, file_name)


def identity_number_in_name() -> str:
    """A file whose name holds a personal identity number (the name would become the resource's URL)."""
    return _("The file name holds a personal identity number. Rename the file and upload it again.")


def unreadable(problem: str, file_name: str) -> str:
    """A file that cannot be read as supplier invoices at all."""
    return _(
        "The file could not be read as supplier invoices ({0}), so it cannot be shown to be free of personal "
        "identity numbers and nothing of it was kept. See what is wrong with: openup inspect {1}"
    ).format(mask(problem), file_name)


def spec_problems(problems: list[SpecProblem], file_name: str) -> str:
    """Spec errors (required columns, dates, amounts...), the first few with where they were seen."""
    described = []
    for problem in problems[:PLACES_SHOWN]:
        where = _place(problem.place) if problem.place else problem.column
        described.append(f"{where}: {mask(problem.message)}" if where else mask(problem.message))
    return _(
        "The file does not follow the specification ({0}). See every problem with: openup inspect {1} and fix "
        "what can be fixed with: openup prepare {1} --out prepared/"
    ).format("; ".join(described), file_name)


def other_buyer(column: str, buyers: list[str], organisation: dict[str, Any]) -> str:
    """A file whose buyer is another organisation than the dataset's."""
    return _(
        "The column {0!r} names {1} as the buyer, but this dataset belongs to {2} ({3}). Publish the file in "
        "the buyer's own dataset, or export the invoices of {2}."
    ).format(
        column,
        ", ".join(buyers[:PLACES_SHOWN]),
        organisation.get("title") or organisation.get("name") or "",
        organisation.get("organization_number") or "",
    )


def outside_months(months: list[str], month: str, year: str, file_name: str) -> str:
    """A file with rows of other months than the resource's (or of another year than the dataset's)."""
    if month:
        text = _("The file holds rows of {0}, but this resource is for {1}.").format(", ".join(months), month)
    else:
        text = _("The file holds rows of {0}, outside the dataset's year {1}.").format(", ".join(months), year)
    return (
        text
        + " "
        + _(
            "Split it by month with: openup prepare {0} --out prepared/ --by-month and upload each month to its "
            "own resource."
        ).format(file_name)
    )


def too_large(max_mb: int, file_name: str) -> str:
    """A file larger than the guard reads."""
    return _(
        "The file is larger than {0} MB, the most this site reads of a supplier-invoice file, so nothing of it "
        "was kept. Split it by month with: openup prepare {1} --out prepared/ --by-month"
    ).format(max_mb, file_name)


def unsafe_link(reason: str) -> str:
    """A link to an address the site does not fetch from (its own network, a metadata address...)."""
    return _(
        "The link points at an address this site does not fetch files from ({0}), so the file could not be "
        "checked and the link was not kept. Link a file on a public address, or upload the file."
    ).format(reason)


def unreachable_link(reason: str) -> str:
    """A link whose file could not be fetched."""
    return _(
        "The linked file could not be fetched ({0}), so it could not be checked and the link was not kept. "
        "Check the address, or upload the file."
    ).format(reason)
