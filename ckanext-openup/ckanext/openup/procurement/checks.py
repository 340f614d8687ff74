"""Check every row of an invoice file against the spec, and collect what is wrong.

Rows are checked a batch at a time, column by column: most values repeat (suppliers, accounts,
dates) or share one form (amounts), so a few set and pattern operations clear the ordinary rows
of a batch at once. Rows that may hold a problem are then checked one by one, and only there are
findings made, so they come out in line order. Findings are counted per kind and column with the
first few lines as examples: a file with a million bad rows still gives a short report.
"""

from __future__ import annotations

import datetime
import itertools
import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ckanext.openup.procurement.identity import (
    HENKILOTUNNUS,
    PERSONNUMMER,
    SAMORDNINGSNUMMER,
    IdentityNumber,
    contains_identity_number,
    find_identity_numbers,
    organisation_number_problem,
)
from ckanext.openup.procurement.messages import N_
from ckanext.openup.procurement.redaction import SOLE_TRADER_NAME, is_sole_trader_name
from ckanext.openup.procurement.summary import InvoiceSummary
from ckanext.openup.procurement.tables import Cell
from ckanext.openup.procurement.values import (
    amount_column,
    cell_text,
    count_changed,
    date_column,
    parse_amount_text,
    parse_date,
    parse_date_text,
)
from ckanext.openup.procurement.variants import CURRENCY, SPEC_COLUMNS, ColumnMapping

ERROR = "error"
# Supplier names that stand for a redacted sole trader, whose supplier id is empty on purpose.
_REDACTED_SUPPLIER_NAMES = frozenset(SOLE_TRADER_NAME.values())
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
# Small enough for a batch's values to stay in the CPU caches: 256 rows read faster than 2,000.
BATCH_ROWS = 256
# What a spreadsheet takes for the start of a formula (OWASP, "CSV injection"): such text cells are
# written with a leading ' so spreadsheets show them as text. Numbers such as -120.50 are left alone.
FORMULA_STARTS = frozenset("=+-@\t\r")
FORMULA_GUARD = "'"
_FORMULA_AT_LINE_START = re.compile(r"\n[=+\-@\t\r]")
_FORMULA_MESSAGE = N_(
    "starts like a spreadsheet formula (=, +, -, @); prepare writes it with a leading ' so spreadsheets show it as text"
)
_IDENTITY_MESSAGES = {
    PERSONNUMMER: N_("contains a personnummer; it must not be published"),
    SAMORDNINGSNUMMER: N_("contains a samordningsnummer; it must not be published"),
    HENKILOTUNNUS: N_("contains a henkilötunnus; it must not be published"),
}
# Identity numbers found in one row, by spec column index.
RowIdentityNumbers = dict[int, list[IdentityNumber]]
# A problem with a buyer or supplier: severity, code, spec column index, message, value.
PartyProblem = tuple[str, str, int, str, str]


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
class CheckedBatch:
    """Checked rows in spec column order, with dates ISO and amounts decimal-point where they could be read."""

    rows: list[Sequence[str]]
    dates: list[datetime.date | None]
    identity_numbers: dict[int, RowIdentityNumbers]  # by the row's position in the batch
    dates_rewritten: int
    amounts_rewritten: int


def _nothing(cells: Sequence[Cell]) -> tuple[str, ...]:
    return ()


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet would run ``value`` as a formula: it starts with = + - @ TAB or CR and is no number."""
    return value[:1] in FORMULA_STARTS and parse_amount_text(value.strip()) is None


def mask(text: str) -> str:
    """Show a value in a report without revealing a personal identity number in it."""
    for number in reversed(find_identity_numbers(text)):
        text = text[: number.start] + _masked(number.text) + text[number.end :]
    return text[:60] + ("…" if len(text) > 60 else "")


def _masked(number: str) -> str:
    """The date part of an identity number and ``*`` for every later digit or letter (``811218-****``)."""
    kept, shown = 0, []
    for char in number:
        if char.isalnum() and kept >= 6:
            char = "*"
        elif char.isnumeric():
            kept += 1
        shown.append(char)
    return "".join(shown)


class InvoiceChecker:
    """Checks rows of one file (in spec column order) and keeps findings and a summary."""

    def __init__(self, mapping: ColumnMapping) -> None:
        self.mapping = mapping
        self.country = mapping.variant.country
        self.summary = InvoiceSummary()
        self.findings: dict[tuple[str, str], Finding] = {}
        # Values already seen without an identity number or formula (set membership is the cheapest test).
        self._clean_values: set[str] = set()
        self._clean_parties: set[tuple[str, str, str]] = set()
        # Parties whose only problems are warnings (an internal supplier number, as Västerås exports): their
        # rows are otherwise clean, so the warnings are counted without checking each row again.
        self._warned_parties: dict[tuple[str, str, str], list[PartyProblem]] = {}
        present = mapping.positions
        self._required = [SPEC_COLUMNS.index(column) for column in mapping.variant.required if column in present]
        # itemgetter of one index returns a bare value, so always ask for a tuple.
        self._take_required = operator.itemgetter(*self._required, *self._required[:1]) if self._required else _nothing
        self._mapped_indexes = [i for i, column in enumerate(SPEC_COLUMNS) if column in present]
        self._unique_columns = [i for i in self._mapped_indexes if SPEC_COLUMNS[i] in UNIQUE_COLUMNS]
        self._repeating_columns = [
            i for i in self._mapped_indexes if SPEC_COLUMNS[i] not in UNIQUE_COLUMNS and i not in (_DATE, _AMOUNT)
        ]
        # The source cells of the mapped columns, in spec order (plus one repeated, for a tuple).
        positions = [present[SPEC_COLUMNS[index]] for index in self._mapped_indexes]
        self._take_present = operator.itemgetter(*positions, *positions[:1]) if positions else _nothing
        self._present_date = self._mapped_indexes.index(_DATE) if _DATE in self._mapped_indexes else None
        self._unmapped = [i for i in range(len(mapping.header)) if i not in set(present.values())]
        self._currency = CURRENCY[self.country]
        self._currency_position = mapping.currency_position
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

    def check_batches(self, rows: Iterator[tuple[int, list[Cell]]], all_text: bool = False) -> Iterator[CheckedBatch]:
        """Check the source rows ``(line, cells)`` a batch at a time.

        ``all_text`` says every cell is a str (CSV), which allows a faster conversion.
        """
        while batch := list(itertools.islice(rows, BATCH_ROWS)):
            yield self.check_batch(batch, all_text)

    def check_batch(self, batch: list[tuple[int, list[Cell]]], all_text: bool = False) -> CheckedBatch:
        """Check a batch of source rows: column by column first, then the rows that may hold a problem."""
        lines = [line for line, _source in batch]
        sources = self._full_width([source for _line, source in batch], lines)
        columns = self._spec_columns(sources, all_text)
        dates, date_texts, invalid_dates = date_column(columns[_DATE])
        amount_texts, amounts, invalid_amounts = amount_column(columns[_AMOUNT])
        suspects = {*invalid_dates, *invalid_amounts}
        for index in self._required:
            if not all(columns[index]):
                suspects.update(position for position, value in enumerate(columns[index]) if not value)
        new_formulas: dict[int, set[str]] = {}
        suspects |= self._identity_suspects(columns, sources, new_formulas)
        party_suspects, warned = self._party_suspects(columns)
        suspects |= party_suspects
        suspects |= self._currency_suspects(sources)
        suppliers = columns[_SUPPLIER_ID]
        if not all(suppliers):
            names = columns[_SUPPLIER]
            suppliers = [supplier_id or name.casefold() for supplier_id, name in zip(suppliers, names, strict=True)]
        self.summary.add_rows(dates, amounts, suppliers)
        checked = CheckedBatch(
            rows=[],
            dates=dates,
            identity_numbers={},
            dates_rewritten=count_changed(columns[_DATE], date_texts),
            amounts_rewritten=count_changed(columns[_AMOUNT], amount_texts),
        )
        columns[_DATE] = date_texts
        columns[_AMOUNT] = amount_texts
        formulas = self._formula_cells(columns, new_formulas, {_DATE: invalid_dates, _AMOUNT: invalid_amounts})
        if formulas:
            self._neutralise_formulas(columns, lines, formulas)
        checked.rows = list(zip(*columns, strict=True))
        # In line order, so a finding's first examples are its first lines.
        for position in sorted(suspects.union(warned)):
            if position not in suspects:
                self._report_party_warnings(lines[position], warned[position])
                continue
            cells = list(checked.rows[position])
            checked.rows[position] = cells
            found = self.check_row(lines[position], cells, sources[position])
            if found:
                checked.identity_numbers[position] = found
        return checked

    def _full_width(self, sources: list[list[Cell]], lines: list[int]) -> list[list[Cell]]:
        """Rows cut or padded to the header's width, with a warning for each that was not."""
        width = len(self.mapping.header)
        if all(len(source) == width for source in sources):
            return sources
        for position, source in enumerate(sources):
            if len(source) != width:
                self.report(
                    WARNING,
                    "column-count",
                    "",
                    lines[position],
                    f"rows should have {width} fields like the header",
                    f"{len(source)} fields",
                )
                sources[position] = (source + [""] * width)[:width]
        return sources

    def _spec_columns(self, sources: list[list[Cell]], all_text: bool) -> list[Sequence[str]]:
        """The batch's columns in spec order, as stripped text; a column the file lacks is all empty."""
        taken = map(self._take_present, sources)
        if all_text:
            present = [tuple(map(str.strip, column)) for column in zip(*taken, strict=True)]
        else:
            present = list(zip(*map(self._typed_cells, taken), strict=True))
        empty = ("",) * len(sources)
        columns: list[Sequence[str]] = [empty] * len(SPEC_COLUMNS)
        # ``present`` may hold one extra column (see _take_present); zip stops before it.
        for index, column in zip(self._mapped_indexes, present, strict=False):
            columns[index] = column
        return columns

    def _typed_cells(self, values: tuple[Cell, ...]) -> list[str]:
        """XLSX/JSON values as text; a day number in the date column becomes an ISO date."""
        cells = [value.strip() if isinstance(value, str) else cell_text(value) for value in values]
        if self._present_date is not None:
            raw_date = values[self._present_date]
            if isinstance(raw_date, int | float) and not isinstance(raw_date, bool):
                date = parse_date(raw_date)
                if date is not None:
                    cells[self._present_date] = date.isoformat()
        return cells

    def _identity_suspects(
        self, columns: list[Sequence[str]], sources: list[list[Cell]], formulas: dict[int, set[str]]
    ) -> set[int]:
        """Rows with a value that holds a personal identity number (or may: long unique values).

        The repeating columns' new values are also the ones to test for formulas: those found go
        into ``formulas``, by spec column index.
        """
        clean = self._clean_values
        if len(clean) > IDENTITY_CACHE_SIZE:
            clean.clear()
        suspects: set[int] = set()
        unmapped = [[cell_text(source[position]) for source in sources] for position in self._unmapped]
        # The unmapped columns (index None) are left out of prepared files: their formulas do not matter.
        indexed: list[tuple[int | None, Sequence[str]]] = [(index, columns[index]) for index in self._repeating_columns]
        indexed += [(None, column) for column in unmapped]
        for index, column in indexed:
            # Supplier names, ids and account texts repeat: each value is looked at once, and a
            # value counts as clean when it holds neither an identity number nor a formula.
            unseen = set(column).difference(clean)
            holding = {value for value in unseen if contains_identity_number(value)}
            formula_like = {value for value in unseen if is_formula_like(value)}
            if formula_like and index is not None:
                formulas[index] = formula_like
            clean.update(unseen - holding - formula_like)
            if holding:
                suspects.update(position for position, value in enumerate(column) if value in holding)
        for index in self._unique_columns:
            column = columns[index]
            if max(map(len, column)) >= SHORTEST_IDENTITY_NUMBER:
                suspects.update(
                    position
                    for position, value in enumerate(column)
                    if len(value) >= SHORTEST_IDENTITY_NUMBER and contains_identity_number(value)
                )
        return suspects

    def _formula_cells(
        self, columns: list[Sequence[str]], formulas: dict[int, set[str]], unparsed: dict[int, list[int]]
    ) -> dict[int, list[int]]:
        """Where the batch's formula-like text cells are: row positions by spec column index.

        ``formulas`` holds the repeating columns' formula-like values (found with their new values
        in the identity pass); unique columns are scanned here, and of the date and amount
        columns only the ``unparsed`` values (the rest are canonical dates and numbers).
        """
        cells: dict[int, list[int]] = {}
        for index, found in formulas.items():
            cells[index] = [position for position, value in enumerate(columns[index]) if value in found]
        for index in self._unique_columns:
            if _FORMULA_AT_LINE_START.search("\n" + "\n".join(columns[index])):
                cells[index] = [position for position, value in enumerate(columns[index]) if is_formula_like(value)]
        for index, positions in unparsed.items():
            if positions and index in self._mapped_indexes:
                cells[index] = [position for position in positions if is_formula_like(columns[index][position])]
        return {index: positions for index, positions in cells.items() if positions}

    def _neutralise_formulas(self, columns: list[Sequence[str]], lines: list[int], cells: dict[int, list[int]]) -> None:
        """Put a ' before each formula-like text cell, in the batch's ``columns``, and report each one."""
        for index, positions in cells.items():
            column = columns[index] = list(columns[index])
            for position in positions:
                value = column[position]
                column[position] = FORMULA_GUARD + value
                self.report(WARNING, "formula", self.column_label(index), lines[position], _FORMULA_MESSAGE, value)

    def _party_suspects(self, columns: list[Sequence[str]]) -> tuple[set[int], dict[int, list[PartyProblem]]]:
        """Rows whose buyer and supplier have not been seen clean before and are not clean now.

        And, apart, the rows whose party is known to have warnings only, with those warnings.
        """
        parties = list(zip(columns[_BUYER_ID], columns[_SUPPLIER], columns[_SUPPLIER_ID], strict=True))
        unseen = set(parties).difference(self._clean_parties)
        if not unseen:
            return set(), {}
        troubled = set()
        for party in unseen.difference(self._warned_parties):
            problems = self._party_state(*party)
            if problems is None:
                troubled.add(party)
            elif problems:
                if len(self._warned_parties) > IDENTITY_CACHE_SIZE:
                    self._warned_parties.clear()
                self._warned_parties[party] = problems
        if len(self._clean_parties) > IDENTITY_CACHE_SIZE:
            self._clean_parties.clear()
        self._clean_parties.update(unseen - troubled - self._warned_parties.keys())
        suspects, warned = set(), {}
        for position, party in enumerate(parties):
            if party in troubled:
                suspects.add(position)
            elif party in self._warned_parties:
                warned[position] = self._warned_parties[party]
        return suspects, warned

    def _party_state(self, buyer_id: str, supplier: str, supplier_id: str) -> list[PartyProblem] | None:
        """A party's problems when they are warnings only (empty: clean); None when its rows need a full check."""
        if contains_identity_number(supplier) or contains_identity_number(supplier_id):
            return None
        problems = self._party_problems(buyer_id, supplier, supplier_id, {})
        return problems if all(severity == WARNING for severity, *_rest in problems) else None

    def _report_party_warnings(self, line: int, problems: list[PartyProblem]) -> None:
        """Count a known party's warnings for a row that is otherwise clean (not checked one by one)."""
        for severity, code, index, message, value in problems:
            self.report(severity, code, self.column_label(index), line, message, value)

    def _currency_suspects(self, sources: list[list[Cell]]) -> set[int]:
        """Rows whose amount is in another currency than the spec's (an empty ``valuta`` is the spec's)."""
        if self._currency_position is None:
            return set()
        column = [cell_text(source[self._currency_position]) for source in sources]
        foreign = {code for code in set(column) if code.strip().upper() not in ("", self._currency)}
        return {position for position, code in enumerate(column) if code in foreign} if foreign else set()

    def check_row(self, line: int, cells: list[str], source: list[Cell]) -> RowIdentityNumbers:
        """Check one row and report what is wrong: required fields, identifiers, date, amount, identity numbers.

        Returns the identity numbers found, by spec column index.
        """
        if self._required and not all(self._take_required(cells)):
            for index in self._required:
                if not cells[index] and not self._redacted_supplier_id(index, cells):
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
        if self._currency_position is not None:
            self._check_currency(line, cell_text(source[self._currency_position]).strip())
        # A cell that parsed as a date or an amount holds no identity number.
        unique_columns = self._unique_columns
        if (date is None and cells[_DATE]) or (amount is None and cells[_AMOUNT]):
            unique_columns = unique_columns + [i for i in (_DATE, _AMOUNT) if i in self._mapped_indexes]
        identity_numbers = self._find_identity_numbers(line, cells, source, unique_columns)
        # Buyer and supplier repeat row after row: check each combination once while it is clean.
        party = (cells[_BUYER_ID], cells[_SUPPLIER], cells[_SUPPLIER_ID])
        if party not in self._clean_parties and self._check_party(line, cells, identity_numbers):
            self._clean_parties.add(party)
        return identity_numbers

    @staticmethod
    def _redacted_supplier_id(index: int, cells: list[str]) -> bool:
        """A sole trader's row as ``prepare`` writes it: the neutral name, and no supplier id on purpose."""
        return index == _SUPPLIER_ID and cells[_SUPPLIER] in _REDACTED_SUPPLIER_NAMES

    def _check_currency(self, line: int, code: str) -> None:
        if code.upper() in ("", self._currency):
            return
        column = self.mapping.header[self._currency_position] if self._currency_position is not None else ""
        message = (
            f"the amount is in another currency than {self._currency}, which the spec's belopp is in; "
            f"export it converted to {self._currency}, or leave the row out"
        )
        self.report(ERROR, "foreign-currency", column, line, message, code)

    def _check_party(self, line: int, cells: list[str], identity_numbers: RowIdentityNumbers) -> bool:
        """Report problems with buyer id, supplier id and supplier name; True when there were none."""
        problems = self._party_problems(cells[_BUYER_ID], cells[_SUPPLIER], cells[_SUPPLIER_ID], identity_numbers)
        for severity, code, index, message, value in problems:
            self.report(severity, code, self.column_label(index), line, message, value)
        return not problems and _SUPPLIER_ID not in identity_numbers and _SUPPLIER not in identity_numbers

    def _party_problems(
        self, buyer_id: str, supplier: str, supplier_id: str, identity_numbers: RowIdentityNumbers
    ) -> list[PartyProblem]:
        problems: list[PartyProblem] = []
        if buyer_id:
            problem = organisation_number_problem(buyer_id, self.country)
            if problem:
                problems.append((ERROR, "invalid-buyer-id", _BUYER_ID, problem, buyer_id))
        if supplier_id and _SUPPLIER_ID not in identity_numbers:
            problem = organisation_number_problem(supplier_id, self.country)
            if problem:
                severity = ERROR if "check digit" in problem else WARNING
                problems.append((severity, "invalid-supplier-id", _SUPPLIER_ID, problem, supplier_id))
        if supplier and _SUPPLIER not in identity_numbers and is_sole_trader_name(supplier):
            message = N_("looks like a sole trader's name; prepare replaces it")
            problems.append((WARNING, "sole-trader-name", _SUPPLIER, message, supplier))
        return problems

    def _find_identity_numbers(
        self, line: int, cells: list[str], source: list[Cell], unique_columns: list[int]
    ) -> RowIdentityNumbers:
        found: RowIdentityNumbers = {}
        for index in self._repeating_columns + unique_columns:
            numbers = find_identity_numbers(cells[index]) if cells[index] else []
            if numbers:
                found[index] = numbers
                self._report_identity(self.column_label(index), line, numbers, cells[index])
        for position in self._unmapped:
            text = cell_text(source[position])
            numbers = find_identity_numbers(text) if text else []
            if numbers:
                self._report_identity(self.mapping.header[position], line, numbers, text)
        return found

    def _report_identity(self, column: str, line: int, numbers: list[IdentityNumber], value: str) -> None:
        kind = numbers[0].kind
        message = _IDENTITY_MESSAGES.get(kind) or f"contains a {kind}; it must not be published"
        self.report(ERROR, "identity-number", column, line, message, value)

    @property
    def has_errors(self) -> bool:
        return any(finding.severity == ERROR for finding in self.findings.values())
