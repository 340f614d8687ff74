"""Is each dataset on time? Missing months and lateness against the frequency the dataset promises.

Harvesters and readers judge a monthly series by its newest month; publishers forget a month. A month's
invoices are due by the end of the following month (the ledger closes, the file is exported); a yearly
file by the end of April after the year, once the accounts are closed (Finnish municipalities close them
by the end of March). Quarterly works like monthly, one quarter at a time. Irregular datasets have no
calendar. The facts are kept with the cached readiness (``facts``); the verdict is drawn against today's
date when the page is shown (``with_calendar``), so a cached result never misses a deadline.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as toolkit
from babel.dates import format_date

from ckanext.openup import vocabularies

# Months after a period's end that its file may take: the export of a month, the accounts of a year.
GRACE_MONTHS = {
    vocabularies.FREQUENCY + "MONTHLY": 1,
    vocabularies.FREQUENCY + "QUARTERLY": 1,
    vocabularies.FREQUENCY + "ANNUAL": 4,
}
PERIOD_MONTHS = {
    vocabularies.FREQUENCY + "MONTHLY": 1,
    vocabularies.FREQUENCY + "QUARTERLY": 3,
    vocabularies.FREQUENCY + "ANNUAL": 12,
}


@dataclass
class CalendarCheck:
    """What is missing from one year's dataset on a given day, in ``YYYY-MM`` months."""

    gaps: list[str] = field(default_factory=list)  # missing before the newest published month
    overdue: list[str] = field(default_factory=list)  # due after the newest published month, not there
    overdue_since: datetime.date | None = None  # the deadline of the first overdue period
    next_month: str = ""  # the next month to publish, when nothing is overdue
    next_due: datetime.date | None = None

    @property
    def late(self) -> bool:
        return bool(self.overdue)


def _month_end(year: int, month: int) -> datetime.date:
    """The last day of ``month`` (which may run past 12 into the next years)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def check_calendar(year: int, frequency: str, months: list[str], today: datetime.date) -> CalendarCheck | None:
    """The dataset of ``year`` with files for ``months`` (``YYYY-MM``; ``""`` for a file of no one month)
    judged on ``today`` against ``frequency`` (an EU frequency IRI); None when it promises no calendar."""
    if frequency not in PERIOD_MONTHS:
        return None
    length, grace = PERIOD_MONTHS[frequency], GRACE_MONTHS[frequency]
    check = CalendarCheck()
    if length == 12:
        deadline = _month_end(year, 12 + grace)
        if not months and today > deadline:
            check.overdue, check.overdue_since = [f"{year}-12"], deadline
        return check
    published = {month for month in months if month.startswith(f"{year}-")}
    newest = max(published, default="")
    for first in range(1, 13, length):
        period = [f"{year}-{m:02d}" for m in range(first, first + length)]
        if published.intersection(period):
            continue
        deadline = _month_end(year, first + length - 1 + grace)
        if today > deadline:
            if period[-1] < newest:
                check.gaps.extend(period)
            else:
                check.overdue.extend(period)
                check.overdue_since = check.overdue_since or deadline
        elif not check.next_month and period[0] > newest:
            check.next_month, check.next_due = period[0], deadline
    return check


def facts(dataset: dict[str, Any]) -> dict[str, Any]:
    """What the calendar needs of a dataset (kept with the cached readiness)."""
    months = sorted({str(r.get("period") or "") for r in dataset.get("resources", []) if isinstance(r, dict)})
    return {"year": str(dataset.get("year") or ""), "frequency": dataset.get("frequency") or "", "months": months}


def with_calendar(result: dict[str, Any], today: datetime.date | None = None) -> dict[str, Any]:
    """``result`` with a ``calendar`` on each dataset: ``late``, ``gaps``, ``overdue`` and ``advice``
    (what to do, in the page's language). Lateness is told apart from the harvest ``status``."""
    today = today or datetime.date.today()
    for dataset in result.get("datasets", []):
        known = dataset.get("calendar_facts") or {}
        year = str(known.get("year") or "")
        check = check_calendar(int(year), known.get("frequency") or "", known.get("months") or [], today) \
            if year.isdigit() else None
        if check is not None:
            dataset["calendar"] = {"late": check.late, "gaps": check.gaps, "overdue": check.overdue,
                                   "next_month": check.next_month, "advice": advice(check, known["frequency"]),
                                   "next": _next(check)}
    return result


def advice(check: CalendarCheck, frequency: str) -> list[str]:
    """What the publisher should do about ``check``, as sentences in the page's language."""
    told = []
    if check.overdue and PERIOD_MONTHS[frequency] == 12:
        told.append(toolkit._(
            "Late: the file for {year} was due by {deadline}, after the accounts were closed. Publish it with "
            "openup publish, or add it on the dataset's page.").format(
                year=check.overdue[0][:4], deadline=_day(check.overdue_since)))
    elif check.overdue:
        told.append(toolkit._(
            "Late: {months} not published; the first was due by {deadline}. Export the months from the finance "
            "system and publish them with openup publish, or add them on the dataset's page.").format(
                months=_months(check.overdue), deadline=_day(check.overdue_since)))
    if check.gaps:
        told.append(toolkit._(
            "Missing months: {months}. Publish them so that the year is complete.").format(
                months=_months(check.gaps)))
    return told


def _next(check: CalendarCheck) -> str:
    """When the next month is due, for a dataset that is on time (empty when none is coming)."""
    if check.late or not check.next_month:
        return ""
    return toolkit._("On time. Next: {month}, due by {deadline}.").format(
        month=_month_name(check.next_month), deadline=_day(check.next_due))


def _locale() -> str:
    try:
        return (toolkit.h.lang() or "en").replace("-", "_")
    except (RuntimeError, TypeError, AttributeError):  # outside a request
        return "en"


def _month_name(month: str) -> str:
    return format_date(datetime.date(int(month[:4]), int(month[5:7]), 1), "LLLL y", locale=_locale())


def _months(months: list[str]) -> str:
    return ", ".join(_month_name(month) for month in months)


def _day(day: datetime.date | None) -> str:
    return format_date(day, "long", locale=_locale()) if day else ""
