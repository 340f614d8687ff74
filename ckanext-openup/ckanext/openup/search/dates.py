"""Solr date values and date math (``NOW-1DAY/DAY``) as sortable UTC strings.

Every date in the index is stored as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` so that comparing and sorting
the strings compares the instants.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_UNITS = {
    "YEAR": "years", "YEARS": "years", "MONTH": "months", "MONTHS": "months",
    "DAY": "days", "DAYS": "days", "DATE": "days", "HOUR": "hours", "HOURS": "hours",
    "MINUTE": "minutes", "MINUTES": "minutes", "SECOND": "seconds", "SECONDS": "seconds",
    "MILLI": "microseconds", "MILLIS": "microseconds", "MILLISECOND": "microseconds",
    "MILLISECONDS": "microseconds",
}
_ROUNDING = ("years", "months", "days", "hours", "minutes", "seconds")
_MATH = re.compile(r"([+-]\d+|/)([A-Z]+)")


class DateSyntaxError(ValueError):
    """A value that is neither an ISO date nor Solr date math."""


def normalise(value: str) -> str | None:
    """An indexed date value in canonical form, or None when it is not a date."""
    try:
        return _format(_parse_base(value.strip()))
    except (ValueError, OverflowError):
        return None


def solr_format(value: str) -> str | None:
    """A stored date as Solr returns it: UTC, milliseconds only when there are any (``...12.782Z``)."""
    try:
        moment = _parse_base(value.strip())
    except (ValueError, OverflowError):
        return None
    millis = moment.microsecond // 1000
    fraction = f".{millis:03d}" if millis else ""
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + fraction + "Z"


def evaluate(expression: str, now: dt.datetime | None = None) -> str:
    """A query-side date (``2024-01-01T00:00:00Z``, ``NOW``, ``NOW-7DAYS/DAY``...) in canonical form."""
    expression = expression.strip().upper()
    if expression.startswith("NOW"):
        base, math = now or dt.datetime.now(dt.timezone.utc), expression[3:]
    else:
        cut = _math_start(expression)
        try:
            base = _parse_base(expression[:cut])
        except (ValueError, OverflowError) as error:
            raise DateSyntaxError(f"not a date: {expression!r}") from error
        math = expression[cut:]
    consumed = 0
    for match in _MATH.finditer(math):
        if match.start() != consumed:
            break
        consumed = match.end()
        operator, unit = match.groups()
        if unit not in _UNITS:
            raise DateSyntaxError(f"unknown date unit {unit!r} in {expression!r}")
        name = _UNITS[unit]
        if operator == "/":
            base = _round_down(base, name)
        else:
            amount = int(operator)
            if name == "microseconds":
                amount *= 1000
            try:
                base = base + relativedelta(**{name: amount})
            except (ValueError, OverflowError) as error:  # past year 9999 or beyond a C int
                raise DateSyntaxError(f"date out of range: {expression!r}") from error
    if consumed != len(math):
        raise DateSyntaxError(f"cannot read date math {math!r} in {expression!r}")
    try:
        return _format(base)
    except (ValueError, OverflowError) as error:
        raise DateSyntaxError(f"date out of range: {expression!r}") from error


def _math_start(expression: str) -> int:
    # Date math after an ISO date starts at the first + or / after the time part ("...Z+1DAY").
    for index, char in enumerate(expression):
        if char in "+/" or (char == "-" and index > 10 and expression[index - 1] == "Z"):
            return index
    return len(expression)


def _parse_base(value: str) -> dt.datetime:
    parsed = isoparse(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def _round_down(moment: dt.datetime, unit: str) -> dt.datetime:
    keep = _ROUNDING.index(unit) if unit in _ROUNDING else len(_ROUNDING)
    reset = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0}
    names = ["month", "day", "hour", "minute", "second", "microsecond"]
    return moment.replace(**{name: reset[name] for name in names[keep:]})


def _format(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime(_FORMAT)
