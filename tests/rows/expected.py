"""What a month's summary should say, worked out from the file's text (independently of the DataStore)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ExpectedSummary:
    rows: int
    first_date: str
    last_date: str
    total: Decimal
    suppliers: int
    credit_notes: int
    credit_total: Decimal


def expected_summary(*texts: str) -> ExpectedSummary:
    """The summary of one or more spec 1.1 files taken together."""
    rows = [row for text in texts for row in csv.DictReader(io.StringIO(text))]
    amounts = [Decimal(row["belopp"]) for row in rows]
    dates = sorted(row["datum"] for row in rows)
    credits = [amount for amount in amounts if amount < 0]
    return ExpectedSummary(len(rows), dates[0], dates[-1], sum(amounts, Decimal(0)),
                           len({row["leverantor_id"] or row["leverantor"] for row in rows}),
                           len(credits), sum(credits, Decimal(0)))
