"""Judging one invoice file for a month's resource: what it holds, and what stops it being published.

Pure over the file and what the resource expects (no CKAN calls): the procurement reader the CLI uses
finds identity numbers and spec errors; on top of that the guard knows the organisation and the month.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from ckanext.openup.procurement.checks import ERROR, Finding, InvoiceChecker
from ckanext.openup.procurement.errors import InvoiceFileError
from ckanext.openup.procurement.inspection import InspectionReport, finish_inspection
from ckanext.openup.procurement.tables import open_invoice_table
from ckanext.openup.procurement.values import format_amount
from ckanext.openup.procurement.variants import SPEC_COLUMNS, recognise_header

IDENTITY_NUMBER = "identity-number"
PLACES_SHOWN = 3
_BUYER_ID = SPEC_COLUMNS.index("kopare_id")


@dataclass(frozen=True)
class Place:
    """Where something was found: a line (row, record) and a column, never the value."""

    unit: str  # "line", "row" or "record", as the reader counts
    line: int
    column: str
    sheet: str = ""


@dataclass(frozen=True)
class SpecProblem:
    """One kind of spec error: the reader's message and where it was first seen."""

    message: str
    column: str
    count: int
    place: Place | None


@dataclass(frozen=True)
class Expectations:
    """What the resource's dataset says the file must be."""

    month: str  # the resource's ``period`` (YYYY-MM), or "" when not given
    year: str  # the dataset's year
    buyer_number: str  # the organisation's organisationsnummer or Y-tunnus, normalised
    # Turns a buyer id from the file into the same normal form; raises ValueError when it is not one.
    normalise_buyer: Callable[[str], str]


@dataclass
class Verdict:
    """What the guard learned about the file and what keeps it out."""

    identity_places: list[Place] = field(default_factory=list)
    identity_count: int = 0
    unreadable: str = ""  # the reader's message when the file cannot be read as invoices
    spec_problems: list[SpecProblem] = field(default_factory=list)
    other_buyers: list[str] = field(default_factory=list)  # as written in the file
    buyer_column: str = ""
    months: dict[str, int] = field(default_factory=dict)  # rows per month
    outside_months: list[str] = field(default_factory=list)
    learned: dict[str, object] = field(default_factory=dict)  # resource fields to fill
    dates: tuple[str, str] | None = None  # first and last booking date, ISO

    @property
    def holds_identity_numbers(self) -> bool:
        return self.identity_count > 0


def _places(finding: Finding, unit: str) -> list[Place]:
    return [
        Place(unit, int(str(example["line"])), finding.column, str(example.get("sheet") or ""))
        for example in finding.examples
    ]


def read_invoice_file(path: str, expectations: Expectations) -> Verdict:
    """Read every row of ``path`` and judge it against ``expectations``."""
    verdict = Verdict()
    buyer_ids: set[str] = set()
    try:
        with open_invoice_table(path) as table:
            mapping = recognise_header(table.path, table.header)
            checker = InvoiceChecker(mapping)
            take_buyer = operator.itemgetter(_BUYER_ID)
            for batch in checker.check_batches(table.rows, all_text=table.format == "csv"):
                buyer_ids.update(map(take_buyer, batch.rows))
            report = finish_inspection(table, mapping, checker)
    except InvoiceFileError as error:
        verdict.unreadable = error.message
        if error.line is not None:
            verdict.unreadable = f"line {error.line}: {error.message}"
        return verdict
    _judge_findings(verdict, report)
    if verdict.holds_identity_numbers:
        return verdict  # nothing else matters, and nothing else may be shown
    if "kopare_id" in report.mapping.positions:
        verdict.buyer_column = report.mapping.source_name("kopare_id")
        verdict.other_buyers = _other_buyers(buyer_ids, expectations)
    _judge_months(verdict, report, expectations)
    _learn(verdict, report)
    return verdict


def _judge_findings(verdict: Verdict, report: InspectionReport) -> None:
    unit = str(report.layout.get("row_unit") or "line")
    for finding in report.findings:
        if finding.code == IDENTITY_NUMBER:
            verdict.identity_count += finding.count
            verdict.identity_places.extend(_places(finding, unit))
        elif finding.severity == ERROR:
            places = _places(finding, unit)
            verdict.spec_problems.append(
                SpecProblem(finding.message, finding.column, finding.count, places[0] if places else None)
            )
    verdict.identity_places = sorted(verdict.identity_places, key=lambda place: (place.sheet, place.line))


def _other_buyers(buyer_ids: set[str], expectations: Expectations) -> list[str]:
    others = []
    for buyer_id in sorted(filter(None, (value.strip() for value in buyer_ids))):
        try:
            if expectations.normalise_buyer(buyer_id) != expectations.buyer_number:
                others.append(buyer_id)
        except ValueError:
            continue  # an invalid id is already a spec error of its own
    return others


def _judge_months(verdict: Verdict, report: InspectionReport, expectations: Expectations) -> None:
    verdict.months = report.summary.rows_per_month
    if expectations.month:
        verdict.outside_months = [month for month in verdict.months if month != expectations.month]
    elif expectations.year:
        verdict.outside_months = [month for month in verdict.months if not month.startswith(f"{expectations.year}-")]


def _learn(verdict: Verdict, report: InspectionReport) -> None:
    summary = report.summary
    verdict.learned = {
        "rows": summary.rows,
        "total_amount": format_amount(summary.total_amount),
        "layout": report.layout_text,
        "format": str(report.layout["format"]).upper(),
    }
    if len(verdict.months) == 1:
        verdict.learned["period"] = next(iter(verdict.months))
    if summary.first_date and summary.last_date:
        verdict.dates = (summary.first_date.isoformat(), summary.last_date.isoformat())
