"""The explorer's pages and CSV downloads (thin: read the query string, call openup_spending, render).

Every view is a shareable address: its filters are in the query string, checked by the action.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import ckan.plugins.toolkit as toolkit
from flask import Blueprint, Response

from ckanext.openup.procurement.spreadsheet import spreadsheet_text
from ckanext.openup.spending.answers import SpendingPageError, ask, ask_each_currency, messages
from ckanext.openup.spending.request import FILTERS

spending = Blueprint("openup_spending", __name__)

LARGEST = 20  # groups in each "largest" table on a page (templates/spending/ says 20 in their CSV links too)
LATEST_YEARS = 5  # columns of the catalogue's organisation-by-year table
CSV_COLUMNS = ("key", "label", "amount", "currency", "invoices")


def filters_of(args: Any) -> dict[str, str | None]:
    """The filters in a query string (empty ones left out)."""
    return {name: (args.get(name) or None) for name in FILTERS}


def catalogue_spending():
    """/spending: every organisation's spending per year, the largest suppliers, the supplier search."""
    filters = filters_of(toolkit.request.args)
    try:
        sections = [_catalogue_section(answer["currency"], filters)
                    for answer in ask_each_currency(**dict(filters, organization=None))]
    except SpendingPageError as error:
        return toolkit.abort(error.status, error.message)
    return toolkit.render("spending/index.html", {"sections": sections, "filters": filters})


def _catalogue_section(currency: str, filters: dict[str, str | None]) -> dict[str, Any]:
    base = dict(filters, organization=None, currency=currency)
    years = ask(**dict(base, year=None, month=None), group_by="year")
    year_keys = [group["key"] for group in years["groups"]][:LATEST_YEARS]
    organisations: dict[str, dict[str, Any]] = {}
    for year in year_keys:
        for group in ask(**dict(base, year=year), group_by="organization", limit=1000)["groups"]:
            row = organisations.setdefault(group["key"], {"key": group["key"], "label": group["label"], "years": {}})
            row["years"][year] = group
    return {
        "currency": currency,
        "overall": ask(**base, group_by="organization", limit=1000),
        "years": year_keys,
        "organisations": sorted(organisations.values(), key=lambda row: row["label"] or row["key"]),
        "suppliers": ask(**base, group_by="supplier", limit=LARGEST),
    }


def organisation_spending(id: str):
    """/organization/<name>/spending: one organisation's year, month by month and by whom, what, where."""
    filters = dict(filters_of(toolkit.request.args), organization=id, currency=None)
    try:
        organisation = toolkit.get_action("organization_show")(
            {"user": toolkit.current_user.name}, {"id": id, "include_datasets": False})
        years = ask(organization=id, group_by="year")
        if not filters["year"] and years["groups"]:
            filters["year"] = years["groups"][0]["key"]
        figures = {
            "summary": ask(**filters),
            "months": ask(**dict(filters, month=None), group_by="month"),
            "suppliers": ask(**filters, group_by="supplier", limit=LARGEST),
            "accounts": ask(**filters, group_by="account", limit=LARGEST),
            "units": ask(**filters, group_by="unit", limit=LARGEST),
        }
    except toolkit.ObjectNotFound:
        return toolkit.abort(404, toolkit._("Organisation not found"))
    except SpendingPageError as error:
        return toolkit.abort(error.status, error.message)
    return toolkit.render("spending/organization.html", {
        "group_dict": organisation, "group_type": organisation["type"], "filters": filters,
        "years": years, "figures": figures,
    })


def supplier_spending(key: str):
    """/spending/supplier/<key>: one supplier across every buyer, per buyer and year and per account."""
    filters = dict(filters_of(toolkit.request.args), supplier=key, organization=None)
    try:
        sections = []
        for answer in ask_each_currency(**filters):
            base = dict(filters, currency=answer["currency"])
            years = [group["key"] for group in ask(**dict(base, year=None), group_by="year")["groups"]]
            buyers: dict[str, dict[str, Any]] = {}
            for year in years[:LATEST_YEARS]:
                for group in ask(**dict(base, year=year), group_by="organization", limit=1000)["groups"]:
                    row = buyers.setdefault(group["key"], {"key": group["key"], "label": group["label"], "years": {}})
                    row["years"][year] = group
            sections.append({
                "currency": answer["currency"], "summary": answer, "years": years[:LATEST_YEARS],
                "buyers": sorted(buyers.values(), key=lambda row: row["label"] or row["key"]),
                "per_buyer": ask(**base, group_by="organization", limit=1000),
                "accounts": ask(**base, group_by="account", limit=LARGEST),
                "supplier": (ask(**base, group_by="supplier", limit=1)["groups"] or [None])[0],
            })
    except SpendingPageError as error:
        return toolkit.abort(error.status, error.message)
    return toolkit.render("spending/supplier.html", {
        "key": key, "sections": sections, "filters": filters, "internal": key.startswith("internal:")})


def supplier_search():
    """/spending/suppliers?q=: suppliers found by name, organisation number or Y-tunnus."""
    text = toolkit.request.args.get("q", "")
    matches, error = [], None
    if text.strip():
        try:
            matches = toolkit.get_action("openup_spending_supplier_search")(
                {"user": toolkit.current_user.name}, {"q": text})
        except toolkit.ValidationError as refused:
            error = messages(refused)
    return toolkit.render("spending/suppliers.html", {"q": text, "matches": matches, "error": error})


def spending_csv():
    """/spending.csv?...: the groups (or the total) of an openup_spending question as CSV."""
    params = dict(filters_of(toolkit.request.args), group_by=toolkit.request.args.get("group_by") or None,
                  limit=toolkit.request.args.get("limit") or None)
    try:
        answer = ask(**params)
    except SpendingPageError as error:
        return toolkit.abort(error.status, error.message)
    return Response(spending_csv_text(answer, grouped=params["group_by"] is not None), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="spending.csv"'})


def spending_csv_text(answer: dict[str, Any], grouped: bool) -> str:
    """The rows of an answer as CSV: one per group, or one for the total of an ungrouped question.

    Keys and labels (supplier names, accounts, units, organisation titles) that a spreadsheet would run as a
    formula get a leading ``'``: organisation titles and DataStore rows never went through the invoice checks.
    """
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = answer["groups"] if grouped else [
        {"key": "", "label": "total", "amount": answer["total"], "invoices": answer["invoices"]}]
    for group in rows:
        writer.writerow([spreadsheet_text(group["key"] or ""), spreadsheet_text(group["label"] or ""),
                         group["amount"], answer["currency"] or "", group["invoices"]])
    return output.getvalue()


spending.add_url_rule("/spending", view_func=catalogue_spending)
spending.add_url_rule("/spending.csv", view_func=spending_csv)
spending.add_url_rule("/spending/suppliers", view_func=supplier_search)
spending.add_url_rule("/spending/supplier/<key>", view_func=supplier_spending)
spending.add_url_rule("/organization/<id>/spending", view_func=organisation_spending)


def get_blueprints() -> list[Blueprint]:
    return [spending]
