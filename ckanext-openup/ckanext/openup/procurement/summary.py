"""What a file of supplier invoices covers: rows, period, total, suppliers, credit notes."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ckanext.openup.procurement.values import format_amount


@dataclass
class InvoiceSummary:
    """Running totals over the rows of one file; ``add`` is called once per readable row."""

    rows: int = 0
    total_amount: Decimal = Decimal(0)
    credit_notes: int = 0
    credit_amount: Decimal = Decimal(0)
    _rows_per_date: Counter[datetime.date] = field(default_factory=Counter)
    _suppliers: set[str] = field(default_factory=set)

    def add(self, date: datetime.date | None, amount: Decimal | None, supplier: str) -> None:
        """Count one row; ``supplier`` is the supplier's id, or its name when the id is empty."""
        self.rows += 1
        if date is not None:
            # Counting per date (a few hundred keys) is cheaper than comparing and formatting per row.
            self._rows_per_date[date] += 1
        if amount is not None:
            self.total_amount += amount
            if amount < 0:
                self.credit_notes += 1
                self.credit_amount += amount
        if supplier:
            self._suppliers.add(supplier)

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
