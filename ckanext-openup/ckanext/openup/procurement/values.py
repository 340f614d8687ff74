"""Parse the amounts and dates found in invoice files into Decimal and date.

Amounts come as ``-1302,03``, ``3 270,50``, ``1302.03`` or XLSX numbers; dates as ``YYYY-MM-DD``,
``YYYYMMDD``, ``YYYYMM`` (a month: the first day is used) or ``dd.mm.YYYY``. Amounts are never
floats: a float would change ``0.1 + 0.2`` in a yearly total.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_PLAIN_AMOUNT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_SWEDISH_AMOUNT = re.compile(r"[+-]?[0-9]{1,3}(?: ?[0-9]{3})*,[0-9]+")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:(?:,[0-9]{3})+|(?:\.[0-9]{3})+)")
# Amounts whose canonical text is the text itself (no sign, leading zero or exponent to drop), and the
# common Swedish form whose canonical text is the text without spaces and with a point.
_CANONICAL = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"
_SWEDISH = r"-?(?:0|[1-9][0-9]{0,2}(?: [0-9]{3})+|[1-9][0-9]*),[0-9]+"
# A whole column of them, joined by line ends: one match tells the common column apart.
_COMMON_AMOUNT_COLUMN = re.compile(f"(?:{_CANONICAL}|{_SWEDISH})?(?:\n(?:{_CANONICAL}|{_SWEDISH})?)*")
# Spaces used as thousands separators: space, no-break space, narrow no-break space, apostrophe.
_THOUSANDS = str.maketrans("", "", " \u00a0\u202f'")
EARLIEST_YEAR = 1990
# Excel's day numbers (1900 date system): 32874 is 1990-01-01, 73051 is 2100-01-01.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (32874, 73051)


def parse_amount(value: object) -> Decimal | None:
    """The amount as a Decimal, or None when it is not a number. Empty text is None too."""
    if isinstance(value, str):
        return parse_amount_text(value.strip())
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        # repr is the shortest text that round-trips: 1302.03, not 1302.0299999...
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    return None


def parse_amount_text(text: str) -> Decimal | None:
    """:func:`parse_amount` for text already stripped of surrounding spaces (the per-row fast path)."""
    if _PLAIN_AMOUNT.fullmatch(text):
        return Decimal(text)
    if _SWEDISH_AMOUNT.fullmatch(text):
        # The common Swedish forms "-1302,03" and "12 345,67": one pattern, one conversion.
        return Decimal(text.replace(" ", "").replace(",", "."))
    return _parse_unusual_amount(text)


def _parse_unusual_amount(text: str) -> Decimal | None:
    text = text.translate(_THOUSANDS).replace("\u2212", "-")
    if "," in text and "." in text:
        # Both marks: the last one is the decimal mark (1.234,56 or 1,234.56).
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        # Only as thousands separators: 1,234,567 or 1.234.567, groups of three.
        if not _GROUPED.fullmatch(text):
            return None
        text = text.replace(",", "").replace(".", "")
    if not _PLAIN_AMOUNT.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above only lets numbers through
        return None


def format_amount(amount: Decimal) -> str:
    """Canonical amount text: decimal point, no thousands separator, no exponent."""
    return format(amount, "f")


def amount_column(texts: Sequence[str]) -> tuple[list[str], list[Decimal], list[int]]:
    """Canonical text of each amount in a column (stripped texts), their values, and where texts are not amounts.

    An empty text stays empty and has no value; a text that is not an amount stays as it is.
    Most columns hold only the common forms, which one regular expression over the whole column
    recognises; the per-value parse is left for the rest.
    """
    joined = "\n".join(texts)
    if _COMMON_AMOUNT_COLUMN.fullmatch(joined):
        canonical = joined.replace(" ", "").replace(",", ".").split("\n")
        # A line end inside a value would shift the values: then take the careful way.
        if len(canonical) == len(texts):
            return canonical, list(map(Decimal, filter(None, canonical))), []
    canonical = list(texts)
    values = []
    invalid = []
    for position, text in enumerate(texts):
        if text:
            amount = parse_amount_text(text)
            if amount is None:
                invalid.append(position)
            else:
                canonical[position] = format_amount(amount)
                values.append(amount)
    return canonical, values, invalid


def date_column(texts: Sequence[str]) -> tuple[list[datetime.date | None], list[str], list[int]]:
    """The date of each text in a column (stripped texts), their canonical text, and where texts are not dates.

    An empty text stays empty with no date; a text that is not a date stays as it is. A year's
    file has a few hundred distinct texts, so each is parsed once.
    """
    parsed = {text: parse_date_text(text) if text else None for text in set(texts)}
    canonical_of = {text: date.isoformat() if date else text for text, date in parsed.items()}
    invalid_texts = {text for text, date in parsed.items() if text and date is None}
    invalid = [position for position, text in enumerate(texts) if text in invalid_texts] if invalid_texts else []
    return list(map(parsed.__getitem__, texts)), list(map(canonical_of.__getitem__, texts)), invalid


def count_changed(before: Sequence[str], after: Sequence[str]) -> int:
    """How many values of a column a rewrite changed."""
    return sum(map(operator.ne, before, after))


def parse_date(value: object) -> datetime.date | None:
    """The date of a posting, or None when it is not a plausible date (1990 to next year)."""
    if isinstance(value, str):
        return parse_date_text(value.strip())
    if isinstance(value, datetime.datetime):
        return _plausible(value.date())
    if isinstance(value, datetime.date):
        return _plausible(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
            # An XLSX date cell without a date format arrives as Excel's day number.
            return _plausible(EXCEL_EPOCH + datetime.timedelta(days=int(value)))
        if isinstance(value, int):
            return parse_date_text(str(value))
    return None


@lru_cache(maxsize=8192)
def parse_date_text(text: str) -> datetime.date | None:
    """:func:`parse_date` for text already stripped of surrounding spaces (the per-row fast path)."""
    # A yearly file has a few hundred distinct dates, so the cache makes this nearly free.
    try:
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            # ISO date, possibly followed by a time (2024-01-31 00:00:00 or 2024-01-31T00:00).
            return _plausible(datetime.date(int(text[:4]), int(text[5:7]), int(text[8:10])), text[10:])
        if text.isascii() and text.isdigit() and len(text) == 8:
            return _plausible(datetime.date(int(text[:4]), int(text[4:6]), int(text[6:])))
        if text.isascii() and text.isdigit() and len(text) == 6:
            return _plausible(datetime.date(int(text[:4]), int(text[4:6]), 1))
        if len(text) == 7 and text[4] == "-":
            return _plausible(datetime.date(int(text[:4]), int(text[5:7]), 1))
        parts = text.split(".")
        if len(parts) == 3 and all(part.isascii() and part.isdigit() for part in parts) and len(parts[2]) == 4:
            return _plausible(datetime.date(int(parts[2]), int(parts[1]), int(parts[0])))
    except ValueError:
        return None
    return None


def _plausible(date: datetime.date, rest: str = "") -> datetime.date | None:
    if rest and rest[0] not in " T":
        return None
    if not EARLIEST_YEAR <= date.year <= datetime.date.today().year + 1:
        return None
    return date


def format_date(date: datetime.date) -> str:
    """Canonical date text: ISO 8601 ``YYYY-MM-DD``."""
    return date.isoformat()


def cell_text(value: object) -> str:
    """A cell as text: XLSX numbers without a spurious ``.0``, dates in ISO form, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    return str(value)
