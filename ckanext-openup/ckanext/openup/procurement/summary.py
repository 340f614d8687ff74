"""What a file of supplier invoices covers: rows, period, total, suppliers, credit notes."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ckanext.openup.procurement.values import format_amount


@dataclass
class InvoiceSummary:
    """Running totals over the rows of one file, counted batch by batch."""

    rows: int = 0
    total_amount: Decimal = Decimal(0)
    credit_notes: int = 0
    credit_amount: Decimal = Decimal(0)
    _rows_per_date: Counter[datetime.date] = field(default_factory=Counter)
    _suppliers: set[str] = field(default_factory=set)

    def add_rows(
        self, dates: Sequence[datetime.date | None], amounts: Iterable[Decimal], suppliers: Iterable[str]
    ) -> None:
        """Count a batch of rows: each row's date (None when it has none), the amounts that were read,
        and each row's supplier (its id, or its name when the id is empty)."""
        self.rows += len(dates)
        # Counting per date (a few hundred keys) is cheaper than comparing and formatting per row.
        self._rows_per_date.update(filter(None, dates))
        amounts = list(amounts)
        self.total_amount = sum(amounts, self.total_amount)
        credits = [amount for amount in amounts if amount < 0]
        self.credit_notes += len(credits)
        self.credit_amount += sum(credits, Decimal(0))
        self._suppliers.update(filter(None, suppliers))

    def dates(self, month: str | None = None) -> list[datetime.date]:
        """The distinct posting dates, all or those of one month (``YYYY-MM``)."""
        return [date for date in self._rows_per_date if month is None or date.strftime("%Y-%m") == month]

    @property
    def first_date(self) -> datetime.date | None:
        return min(self._rows_per_date) if self._rows_per_date else None

    @property
    def last_date(self) -> datetime.date | None:
        return max(self._rows_per_date) if self._rows_per_date else None

    @property
    def rows_per_month(self) -> dict[str, int]:
        months: Counter[str] = Counter()
        for date, rows in self._rows_per_date.items():
            months[date.strftime("%Y-%m")] += rows
        return dict(sorted(months.items()))

    @property
    def suppliers(self) -> int:
        return len(self._suppliers)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form: dates ISO, amounts as decimal strings (never floats)."""
        return {
            "rows": self.rows,
            "period": {
                "start": self.first_date.isoformat() if self.first_date else None,
                "end": self.last_date.isoformat() if self.last_date else None,
            },
            "total_amount": format_amount(self.total_amount),
            "suppliers": self.suppliers,
            "credit_notes": {"rows": self.credit_notes, "amount": format_amount(self.credit_amount)},
            "rows_per_month": self.rows_per_month,
        }
