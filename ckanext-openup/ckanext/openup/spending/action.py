"""The ``openup_spending`` action: the explorer's figures as JSON (the pages and CSV files call it too)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup.spending import queries
from ckanext.openup.spending.request import spending_request, supplier_search_request


@toolkit.side_effect_free
def openup_spending(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """What public supplier invoices add up to, in total and grouped.

    Only rows of public, active datasets count, for every user. Amounts are exact decimals written as
    strings. One currency per answer: a question whose rows are in SEK and EUR is refused (add
    ``currency``).

    :param organization: an organisation's name or id (optional)
    :param year: the year the invoices were posted (optional)
    :param month: the month, 1-12 (optional)
    :param supplier: the supplier's organisation number, Y-tunnus or key (optional)
    :param account: the account's name (``konto_text``, ``Tilin nimi``) (optional)
    :param unit: the unit (``forvaltning``, ``Vastuualue``) (optional)
    :param currency: ``SEK`` or ``EUR`` (optional)
    :param group_by: ``organization``, ``year``, ``month``, ``supplier``, ``account`` or ``unit`` (optional)
    :param limit: how many groups, largest first (months in order), 1-1000, default 100
    :returns: ``currency``, ``total``, ``invoices``, ``credit_notes`` and ``redacted`` (each ``amount`` and
        ``invoices``), ``group_count`` (all groups, also those past ``limit``) and ``groups``, each with
        ``key``, ``label``, ``amount`` and ``invoices`` (a supplier group also its ``kind`` and ``number``
        as written in the files, a month group the ``resources`` its rows are in)
    """
    toolkit.check_access("openup_spending", context, data_dict)
    request = spending_request(data_dict)
    try:
        answer = queries.ask(lambda connection: queries.spending(connection, request.filters, request.group_by,
                                                                 request.limit))
    except queries.MixedCurrenciesError as error:
        raise toolkit.ValidationError({"currency": [toolkit._(
            "These invoices are in {currencies}, which are never added together. "
            "Ask for one currency: add currency=SEK or currency=EUR.").format(
                currencies=" and ".join(error.currencies))]}) from error
    titles = _organisation_titles() if request.group_by == "organization" else {}
    return {
        "currency": answer.currency,
        "total": decimal_text(answer.total),
        "invoices": answer.invoices,
        "credit_notes": {"amount": decimal_text(answer.credit_total), "invoices": answer.credit_invoices},
        "redacted": {"amount": decimal_text(answer.redacted_total), "invoices": answer.redacted_invoices},
        "group_count": answer.group_count,
        "groups": [_group(group, request.group_by, titles) for group in answer.groups],
    }


@toolkit.side_effect_free
def openup_spending_supplier_search(context: dict, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Suppliers of public invoice rows found by organisation number, Y-tunnus or name.

    Names match without case, punctuation or company forms ("AB", "Oy"); every word must be in the name.

    :param q: a name or number
    :param limit: how many suppliers, 1-100, default 20
    :returns: suppliers, largest first, each with ``key``, ``name``, ``kind``, ``currency``, ``amount``,
        ``invoices`` and ``buyers`` (how many organisations paid it)
    """
    toolkit.check_access("openup_spending_supplier_search", context, data_dict)
    text, limit = supplier_search_request(data_dict)
    found = queries.ask(lambda connection: queries.search_suppliers(connection, text, limit))
    return [{"key": match.key, "name": match.name, "kind": match.kind, "currency": match.currency,
             "amount": decimal_text(match.amount), "invoices": match.invoices, "buyers": match.buyers}
            for match in found]


def decimal_text(amount: Decimal) -> str:
    """An exact amount as text, never in exponent form (``1E+3`` is ``1000``)."""
    return f"{amount:f}"


def _group(group: queries.SpendingGroup, group_by: str | None, titles: dict[str, str]) -> dict[str, Any]:
    answer = {"key": group.key, "label": group.label, "amount": decimal_text(group.amount),
              "invoices": group.invoices}
    if group_by == "organization":
        answer["key"] = group.label  # the organisation's name: what addresses and other filters use
        answer["label"] = titles.get(group.label or "", group.label)
    if group_by == "supplier":
        answer["kind"] = group.kind
        answer["number"] = group.number
    if group_by == "month":
        answer["resources"] = [{"dataset_id": dataset_id, "resource_id": resource_id}
                               for dataset_id, resource_id in group.resources]
    return answer


def _organisation_titles() -> dict[str, str]:
    """Names to titles of the organisations with public datasets (one search, not one lookup each)."""
    found = toolkit.get_action("package_search")({}, {
        "rows": 0, "facet.field": ["organization"], "facet.limit": -1, "include_private": False})
    items = found.get("search_facets", {}).get("organization", {}).get("items", [])
    return {item["name"]: item["display_name"] for item in items}


def get_actions() -> dict[str, Any]:
    return {"openup_spending": openup_spending,
            "openup_spending_supplier_search": openup_spending_supplier_search}

