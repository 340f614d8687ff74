"""Check every row of an invoice file against the spec, and collect what is wrong.

Findings are counted per kind and column with the first few lines as examples, so a file with a
million bad rows still gives a short report and bounded memory.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from ckanext.openup.procurement.identity import (
    IdentityNumber,
    contains_identity_number,
    find_identity_numbers,
    organisation_number_problem,
)
from ckanext.openup.procurement.redaction import is_sole_trader_name
from ckanext.openup.procurement.summary import InvoiceSummary
from ckanext.openup.procurement.values import cell_text, parse_amount_text, parse_date, parse_date_text
from ckanext.openup.procurement.variants import SPEC_COLUMNS, ColumnMapping

ERROR = "error"
WARNING = "warning"
EXAMPLES_PER_FINDING = 5
IDENTITY_CACHE_SIZE = 200_000
# Columns whose values differ on nearly every row: not worth caching, and a ten-digit
# personnummer needs a cell of at least ten characters.
UNIQUE_COLUMNS = frozenset({"verifikationsnummer", "fakturanummer"})
SHORTEST_IDENTITY_NUMBER = 10
_DATE = SPEC_COLUMNS.index("datum")
_AMOUNT = SPEC_COLUMNS.index("belopp")
_BUYER_ID = SPEC_COLUMNS.index("kopare_id")
_SUPPLIER = SPEC_COLUMNS.index("leverantor")
_SUPPLIER_ID = SPEC_COLUMNS.index("leverantor_id")


@dataclass
class Finding:
    """One kind of problem in one column, how often it occurs and where first."""

    code: str
    severity: str
    column: str
    message: str
    count: int = 0
    examples: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "column": self.column,
            "message": self.message,
            "count": self.count,
            "examples": self.examples,
        }


@dataclass(slots=True)
class CheckedRow:
    """A row in spec column order, with its parsed date and amount and any identity numbers found."""

    line: int
    cells: list[str]
    date: datetime.date | None
    amount: Decimal | None
    identity_numbers: dict[int, list[IdentityNumber]]


def _nothing(cells: list[str]) -> tuple[str, ...]:
    return ()


def mask(text: str) -> str:
    """Show a value in a report without revealing a personal identity number in it."""
    for number in reversed(find_identity_numbers(text)):
        text = text[: number.start] + number.text[:-4] + "****" + text[number.end :]
    return text[:60] + ("…" if len(text) > 60 else "")


class InvoiceChecker:
    """Checks rows of one file (in spec column order) and keeps findings and a summary."""

    def __init__(self, mapping: ColumnMapping) -> None:
        self.mapping = mapping
        self.country = mapping.variant.country
        self.summary = InvoiceSummary()
        self.findings: dict[tuple[str, str], Finding] = {}
        # Values already seen without an identity number (set membership is the cheapest test).
        self._clean_values: set[str] = set()
        self._clean_parties: set[tuple[str, str, str]] = set()
        present = mapping.positions
        self._source_positions = [present.get(column) for column in SPEC_COLUMNS]
        self._required = [SPEC_COLUMNS.index(column) for column in mapping.variant.required if column in present]
        # itemgetter of one index returns a bare value, so always ask for a tuple.
        self._take_required = operator.itemgetter(*self._required, *self._required[:1]) if self._required else _nothing
        self._mapped_indexes = [i for i, column in enumerate(SPEC_COLUMNS) if column in present]
        self._unique_columns = [i for i in self._mapped_indexes if SPEC_COLUMNS[i] in UNIQUE_COLUMNS]
        self._repeating_columns = [
            i for i in self._mapped_indexes if SPEC_COLUMNS[i] not in UNIQUE_COLUMNS and i not in (_DATE, _AMOUNT)
        ]
        self._take_repeating = (
            operator.itemgetter(*self._repeating_columns, *self._repeating_columns[:1])
            if self._repeating_columns
            else _nothing
        )
        self._unmapped = [i for i in range(len(mapping.header)) if i not in set(present.values())]
        if mapping.missing_required:
            missing = ", ".join(mapping.missing_required)
            self.report(ERROR, "missing-column", "", None, f"required columns are missing from the header: {missing}")

    def column_label(self, index: int) -> str:
        column = SPEC_COLUMNS[index]
        source = self.mapping.source_name(column)
        return column if source == column else f"{source} ({column})"

    def report(self, severity: str, code: str, column: str, line: int | None, message: str, value: str = "") -> None:
        """Count one finding; keep it as an example while there are few of its kind."""
        finding = self.findings.get((code, column))
        if finding is None:
            finding = self.findings[(code, column)] = Finding(code, severity, column, message)
        finding.count += 1
        if line is not None and len(finding.examples) < EXAMPLES_PER_FINDING:
            finding.examples.append({"line": line, "value": mask(value)})

    def check_rows(self, rows: Iterator[tuple[int, list[object]]], all_text: bool = False) -> Iterator[CheckedRow]:
        """Check each source row and yield it in spec column order.

        ``all_text`` says every cell is a str (CSV), which allows a faster conversion.
        """
        width = len(self.mapping.header)
        strip = str.strip
        # Spec columns the file lacks read the extra empty cell appended at index ``width``.
        take = operator.itemgetter(*[width if position is None else position for position in self._source_positions])
        for line, source in rows:
            if len(source) != width:
                self.report(
                    WARNING,
                    "column-count",
                    "",
                    line,
                    f"rows should have {width} fields like the header",
                    f"{len(source)} fields",
                )
                source = (source + [""] * width)[:width]
            source.append("")
            if all_text:
                cells = list(map(strip, take(source)))
            else:
                cells = self._typed_cells(take(source))
            yield self.check(line, cells, source)

    @staticmethod
    def _typed_cells(values: tuple[object, ...]) -> list[str]:
        """XLSX/JSON values as text; a day number in the date column becomes an ISO date."""
        cells = [value.strip() if isinstance(value, str) else cell_text(value) for value in values]
        raw_date = values[_DATE]
        if isinstance(raw_date, int | float) and not isinstance(raw_date, bool):
            date = parse_date(raw_date)
            if date is not None:
                cells[_DATE] = date.isoformat()
        return cells

    def check(self, line: int, cells: list[str], source: list[object]) -> CheckedRow:
        """Check one row: required fields, identifiers, date, amount and identity numbers."""
        if self._required and not all(self._take_required(cells)):
            for index in self._required:
                if not cells[index]:
                    self.report(ERROR, "missing-value", self.column_label(index), line, "required value is empty")
        # Cells are stripped text here, so the text parsers are called directly.
        date = parse_date_text(cells[_DATE]) if cells[_DATE] else None
        if date is None and cells[_DATE]:
            self.report(
                ERROR, "invalid-date", self.column_label(_DATE), line, "not a date (expected YYYY-MM-DD)", cells[_DATE]
            )
        amount = parse_amount_text(cells[_AMOUNT]) if cells[_AMOUNT] else None
        if amount is None and cells[_AMOUNT]:
            self.report(ERROR, "invalid-amount", self.column_label(_AMOUNT), line, "not an amount", cells[_AMOUNT])
        # A cell that parsed as a date or an amount holds no identity number.
        unique_columns = self._unique_columns
        if (date is None and cells[_DATE]) or (amount is None and cells[_AMOUNT]):
            unique_columns = unique_columns + [i for i in (_DATE, _AMOUNT) if i in self._mapped_indexes]
        if (
            self._clean_values.issuperset(self._take_repeating(cells))
            and all(len(cells[index]) < SHORTEST_IDENTITY_NUMBER for index in unique_columns)
            and not self._unmapped
        ):
            identity_numbers = {}  # the common row: every value seen before, nothing long enough
        else:
            identity_numbers = self._find_identity_numbers(line, cells, source, unique_columns)
        # Buyer and supplier repeat row after row: check each combination once while it is clean.
        party = (cells[_BUYER_ID], cells[_SUPPLIER], cells[_SUPPLIER_ID])
        if party not in self._clean_parties and self._check_party(line, cells, identity_numbers):
            if len(self._clean_parties) > IDENTITY_CACHE_SIZE:
                self._clean_parties.clear()
            self._clean_parties.add(party)
        self.summary.add(date, amount, cells[_SUPPLIER_ID] or cells[_SUPPLIER].casefold())
        return CheckedRow(line, cells, date, amount, identity_numbers)

    def _check_party(self, line: int, cells: list[str], identity_numbers: dict[int, list[IdentityNumber]]) -> bool:
        """Check buyer id, supplier id and supplier name; True when nothing was found."""
        clean = _SUPPLIER_ID not in identity_numbers and _SUPPLIER not in identity_numbers
        if cells[_BUYER_ID]:
            problem = organisation_number_problem(cells[_BUYER_ID], self.country)
            if problem:
                clean = False
                self.report(ERROR, "invalid-buyer-id", self.column_label(_BUYER_ID), line, problem, cells[_BUYER_ID])
        if cells[_SUPPLIER_ID] and _SUPPLIER_ID not in identity_numbers:
            problem = organisation_number_problem(cells[_SUPPLIER_ID], self.country)
            if problem:
                clean = False
                severity = ERROR if "check digit" in problem else WARNING
                self.report(
                    severity, "invalid-supplier-id", self.column_label(_SUPPLIER_ID), line, problem, cells[_SUPPLIER_ID]
                )
        supplier = cells[_SUPPLIER]
        if supplier and _SUPPLIER not in identity_numbers and is_sole_trader_name(supplier):
            clean = False
            self.report(
                WARNING,
                "sole-trader-name",
                self.column_label(_SUPPLIER),
                line,
                "looks like a sole trader's name; prepare replaces it",
                supplier,
            )
        return clean

    def _find_identity_numbers(
        self, line: int, cells: list[str], source: list[object], unique_columns: list[int]
    ) -> dict[int, list[IdentityNumber]]:
        if not self._may_hold_identity_number(cells, source, unique_columns):
            return {}
        found: dict[int, list[IdentityNumber]] = {}
        for index in self._repeating_columns + unique_columns:
            numbers = find_identity_numbers(cells[index]) if cells[index] else []
            if numbers:
                found[index] = numbers
                self._report_identity(self.column_label(index), line, numbers, cells[index])
        for position in self._unmapped:
            text = cell_text(source[position]) if position < len(source) else ""
            numbers = find_identity_numbers(text) if text else []
            if numbers:
                self._report_identity(self.mapping.header[position], line, numbers, text)
        return found

    def _may_hold_identity_number(self, cells: list[str], source: list[object], unique_columns: list[int]) -> bool:
        # The fast test run on every row. Most columns repeat (supplier names and ids, buyer,
        # account texts), so their answers are cached per value.
        clean = self._clean_values
        if len(clean) > IDENTITY_CACHE_SIZE:
            clean.clear()
        if clean.issuperset(self._take_repeating(cells)):
            repeating: list[int] = []  # all seen before and clean: one C-level test for the lot
        else:
            repeating = self._repeating_columns
        for index in repeating:
            cell = cells[index]
            if cell in clean:
                continue
            if contains_identity_number(cell):
                return True
            clean.add(cell)
        for index in unique_columns:
            cell = cells[index]
            if len(cell) >= SHORTEST_IDENTITY_NUMBER and contains_identity_number(cell):
                return True
        for position in self._unmapped:
            if position < len(source):
                text = cell_text(source[position])
                if text and contains_identity_number(text):
                    return True
        return False

    def _report_identity(self, column: str, line: int, numbers: list[IdentityNumber], value: str) -> None:
        message = f"contains a {numbers[0].kind}; it must not be published"
        self.report(ERROR, "identity-number", column, line, message, value)

    @property
    def has_errors(self) -> bool:
        return any(finding.severity == ERROR for finding in self.findings.values())
