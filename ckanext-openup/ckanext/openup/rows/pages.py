"""The rows' figures as a page shows them: counts and money in the visitor's language.

Template helpers for the resource page (one month) and the dataset page (each month and the year);
both are called only on pages CKAN has already let the visitor see.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as toolkit
from babel.numbers import format_currency, format_decimal

from ckanext.openup.rows import summary
from ckanext.openup.rows.loading import DATASET_TYPE

YEAR_CSV_ROUTE = "openup_invoice_rows.year_csv"


def get_helpers() -> dict[str, Any]:
    return {"openup_month_rows": openup_month_rows, "openup_year_rows": openup_year_rows}


def openup_month_rows(resource: dict[str, Any]) -> dict[str, str] | None:
    """The month's figures as texts for its page, or None when it has no rows."""
    figures = summary.month_summaries([resource["id"]]).get(resource["id"]) if resource.get("id") else None
    return _texts(figures) if figures else None


def openup_year_rows(dataset: dict[str, Any]) -> dict[str, Any] | None:
    """Each loaded month's figures, the year's and the year's CSV address, or None without rows."""
    if dataset.get("type") != DATASET_TYPE:
        return None
    resources = dataset.get("resources", [])
    found = summary.year_summary(resource["id"] for resource in resources)
    if found is None:
        return None
    months = [{"month": resource.get("period") or resource.get("name") or resource["id"],
               **_texts(found.months[resource["id"]])}
              for resource in resources if resource["id"] in found.months]
    return {"months": months, "year": _texts(found.year),
            "csv_url": toolkit.url_for(YEAR_CSV_ROUTE, id=dataset["name"])}


def _texts(figures: summary.RowSummary) -> dict[str, str]:
    locale = _locale()
    credit_total = _money(figures.credit_total, figures.currency, locale)
    period = (f"{figures.first_date.isoformat()} – {figures.last_date.isoformat()}"
              if figures.first_date and figures.last_date else "")
    return {
        "rows": toolkit.ungettext("{count} row", "{count} rows", figures.rows).format(
            count=_count(figures.rows, locale)),
        "row_count": _count(figures.rows, locale),
        "period": period,
        "total": _money(figures.total, figures.currency, locale),
        "suppliers": toolkit.ungettext("{count} supplier", "{count} suppliers", figures.suppliers).format(
            count=_count(figures.suppliers, locale)),
        "supplier_count": _count(figures.suppliers, locale),
        "credit_notes": toolkit.ungettext(
            "{count} credit note ({amount})", "{count} credit notes ({amount})", figures.credit_notes).format(
            count=_count(figures.credit_notes, locale), amount=credit_total),
        "credit_note_count": _count(figures.credit_notes, locale),
        "credit_total": credit_total,
    }


def _money(amount: Decimal, currency: str, locale: str) -> str:
    return format_currency(amount, currency, locale=locale) if currency else format_decimal(amount, locale=locale)


def _count(number: int, locale: str) -> str:
    return format_decimal(number, locale=locale)


def _locale() -> str:
    try:
        return toolkit.h.lang() or "en"
    except RuntimeError:  # outside a request
        return toolkit.config.get("ckan.locale_default") or "en"
