"""The totals row finance systems add at the bottom of an export: recognised and left out.

Counted as an invoice, it doubles the month's total and, having no date, blocks publishing. It is
recognised only as the file's last row, with an amount, no date and no invoice, buyer or supplier
ids, and nothing but totals words (``Summa``, ``Totalt``, ``Yhteensä``...) or numbers in its other cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ckanext.openup.procurement.tables import Cell, InvoiceTable
from ckanext.openup.procurement.values import cell_text, format_amount, parse_amount
from ckanext.openup.procurement.variants import ColumnMapping

TOTALS_WORDS = frozenset(
    {
        "summa",
        "summa totalt",
        "totalsumma",
        "totalt",
        "total",
        "totals",
        "grand total",
        "sum",
        "yhteensä",
        "yhteensa",
        "kaikki yhteensä",
        "loppusumma",
    }
)
# Columns a totals row leaves empty: an invoice always has them.
_EMPTY_IN_TOTALS = ("datum", "verifikationsnummer", "fakturanummer", "kopare_id", "leverantor_id")
Row = tuple[int, list[Cell]]


@dataclass(frozen=True)
class TotalsRow:
    """Where the left-out totals row was and the amount it held."""

    line: int
    amount: Decimal
    label: str


class TotalsRowFilter:
    """Passes a file's rows on, holding the last one back until it is known not to be a totals row."""

    def __init__(self, mapping: ColumnMapping) -> None:
        positions = mapping.positions
        self._amount = positions.get("belopp")
        self._empty = [positions[column] for column in _EMPTY_IN_TOTALS if column in positions]
        self.found: TotalsRow | None = None

    def rows(self, rows: Iterator[Row]) -> Iterator[Row]:
        """``rows`` without a trailing totals row (kept in :attr:`found`)."""
        last = next(rows, None)
        if last is None:
            return
        for row in rows:
            yield last
            last = row
        self.found = self._totals(last)
        if self.found is None:
            yield last

    def _totals(self, row: Row) -> TotalsRow | None:
        line, cells = row
        if self._amount is None or self._amount >= len(cells):
            return None
        amount = parse_amount(cells[self._amount])
        if amount is None:
            return None
        texts = [_word(cell) for position, cell in enumerate(cells) if position != self._amount]
        if any(_word(cells[position]) not in ("", *TOTALS_WORDS) for position in self._empty if position < len(cells)):
            return None
        if not all(text in TOTALS_WORDS or text == "" or parse_amount(text) is not None for text in texts):
            return None
        label = next((cell_text(cell).strip() for cell in cells if _word(cell) in TOTALS_WORDS), "")
        return TotalsRow(line, amount, label)

    def left_out(self, table: InvoiceTable) -> list[dict[str, object]]:
        """The left-out totals row for a JSON report: ``[{"line": n, "reason": ..., "amount": ...}]``."""
        if self.found is None:
            return []
        amount = format_amount(self.found.amount)
        return [{**table.locate(self.found.line), "reason": "totals row", "amount": amount}]

    def note(self, table: InvoiceTable, counted: Decimal) -> str | None:
        """The report's note on a left-out totals row, saying whether it matches the rows' sum."""
        if self.found is None:
            return None
        where = table.locate(self.found.line)
        place = (
            f"sheet {where['sheet']!r} row {where['line']}" if "sheet" in where else f"{table.row_unit} {where['line']}"
        )
        what = (
            f"{self.found.label}, {format_amount(self.found.amount)}"
            if self.found.label
            else format_amount(self.found.amount)
        )
        if self.found.amount == counted:
            check = "it matches the sum of the other rows"
        else:
            check = f"it does not match the sum of the other rows ({format_amount(counted)}); check no rows are missing"
        return f"{place} is a totals row ({what}) and was left out: {check}"


def _word(cell: Cell) -> str:
    """A cell as compared with the totals words: case-folded, without a trailing colon or stars."""
    return cell_text(cell).strip().strip(":*.").strip().casefold()
