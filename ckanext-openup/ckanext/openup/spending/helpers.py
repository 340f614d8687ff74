"""Template helpers of the explorer's pages: amounts in the page's language, addresses with filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as toolkit

from ckanext.openup.procurement.layouts import LAYOUTS
from ckanext.openup.spending import formatting
from ckanext.openup.spending.answers import SpendingPageError, ask, ask_each_currency
from ckanext.openup.spending.request import FILTERS

DATASET_TYPE = "supplier-invoices"
# Which spec 1.1 column of the rows a filter of the explorer is, for the DataTables preview's filters.
ADDRESS_PARAMETERS = frozenset(FILTERS) | {"group_by", "limit", "q", "id", "key"}
ROW_COLUMNS = {"supplier": "leverantor_id", "account": "konto_text", "unit": "forvaltning"}


def spending_money(amount: Decimal | str | None, currency: str | None) -> str:
    """An amount in the page's language: ``1 234 567,89 kr``."""
    return formatting.money(amount, currency, toolkit.h.lang())


def spending_count(number: int | None) -> str:
    return formatting.count(number, toolkit.h.lang())


def spending_share(part: Decimal | str, whole: Decimal | str) -> str:
    return formatting.share(part, whole, toolkit.h.lang())


def spending_bar_width(amount: Decimal | str, groups: list[dict[str, Any]]) -> str:
    """A bar's width in percent of the largest amount among ``groups`` (credit notes draw no bar)."""
    largest = max((Decimal(group["amount"]) for group in groups), default=Decimal(0))
    if largest <= 0 or Decimal(amount) <= 0:
        return "0"
    return str((Decimal(amount) * 100 / largest).quantize(Decimal("0.1")))


def spending_url(endpoint: str, filters: dict[str, Any], **changes: Any) -> str:
    """The address of ``endpoint`` with the page's ``filters`` and ``changes`` (None drops a filter)."""
    params = {name: value for name, value in dict(filters, **changes).items()
              if value is not None and value != "" and name in ADDRESS_PARAMETERS}
    return toolkit.h.url_for(endpoint, **params)


def spending_rows_url(organisation: dict[str, Any], resource: dict[str, str], filters: dict[str, Any],
                      supplier_number: str | None = None) -> str:
    """The month's file page, its DataTables preview filtered as the explorer is (account, unit, supplier)."""
    layout = LAYOUTS.get((organisation.get("country") or "se").lower(), LAYOUTS["se"])
    written = {spec: header for header, spec in layout.columns}
    values = {"account": filters.get("account"), "unit": filters.get("unit"), "supplier": supplier_number}
    preview_filters = "|".join(f"{quote(written[ROW_COLUMNS[name]], safe='')}:{quote(value, safe='')}"
                               for name, value in values.items() if value)
    extra = {"filters": preview_filters} if preview_filters else {}
    return toolkit.h.url_for(f"{DATASET_TYPE}_resource.read", id=resource["dataset_id"],
                             resource_id=resource["resource_id"], **extra)


def spending_headlines() -> list[dict[str, Any]]:
    """The catalogue's latest year in figures, one entry per currency: for the home page."""
    headlines = []
    try:
        for answer in ask_each_currency():
            years = ask(currency=answer["currency"], group_by="year", limit=1)["groups"]
            year = years[0]["key"] if years else None
            latest = ask(currency=answer["currency"], year=year, group_by="organization", limit=1)
            headlines.append({"currency": answer["currency"], "year": year, "total": latest["total"],
                              "invoices": latest["invoices"], "organisations": latest["group_count"]})
    except SpendingPageError:
        return []
    return headlines


def get_helpers() -> dict[str, Any]:
    return {
        "spending_money": spending_money,
        "spending_count": spending_count,
        "spending_share": spending_share,
        "spending_bar_width": spending_bar_width,
        "spending_url": spending_url,
        "spending_rows_url": spending_rows_url,
        "spending_headlines": spending_headlines,
    }
