"""The explorer's question as asked in an action's data dict or a page's query string, checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup import organisations
from ckanext.openup.spending.queries import CURRENCIES, GROUP_BY, SpendingFilters, supplier_key_from_number
from ckanext.openup.text import malformed_reference

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_TEXT = 300
FIRST_YEAR, LAST_YEAR = 1990, 2100
SUPPLIER_KEY_PREFIXES = ("SE", "FI", "internal:")
# The parameters that choose rows (the pages keep them in their query strings).
FILTERS = ("organization", "year", "month", "supplier", "account", "unit", "currency")


@dataclass(frozen=True)
class SpendingRequest:
    """A checked question: which rows, grouped how, how many groups."""

    filters: SpendingFilters
    group_by: str | None
    limit: int
    organization: dict[str, Any] | None


def spending_request(data_dict: dict[str, Any]) -> SpendingRequest:
    """Check every parameter; raises ``ValidationError`` naming each bad one, ``ObjectNotFound`` for an
    organisation that does not exist."""
    errors: dict[str, list[str]] = {}
    year = _number(data_dict, "year", FIRST_YEAR, LAST_YEAR, errors,
                   toolkit._("Use a year with four digits, such as 2025."))
    month = _number(data_dict, "month", 1, 12, errors, toolkit._("Use a month from 1 to 12."))
    limit = _number(data_dict, "limit", 1, MAX_LIMIT, errors,
                    toolkit._("Use a number of groups from 1 to {most}.").format(most=MAX_LIMIT))
    account, unit = (_text(data_dict, name, errors) for name in ("account", "unit"))
    supplier = _supplier_key(_text(data_dict, "supplier", errors), errors)
    group_by = _text(data_dict, "group_by", errors)
    if group_by is not None and group_by not in GROUP_BY:
        errors["group_by"] = [toolkit._("Group by one of: {choices}.").format(choices=", ".join(GROUP_BY))]
    currency = _text(data_dict, "currency", errors)
    if currency is not None and currency.upper() not in CURRENCIES:
        errors["currency"] = [toolkit._("Use SEK or EUR as the currency.")]
    reference = _text(data_dict, "organization", errors)
    if errors:
        raise toolkit.ValidationError(errors)
    organization = None
    if reference is not None:
        organization = organisations.organisation(reference)
        if not organization or organization.get("state") != "active" or not organization.get("is_organization"):
            raise toolkit.ObjectNotFound(toolkit._("Organisation not found"))
    filters = SpendingFilters(organization_id=organization["id"] if organization else None, year=year,
                              month=month, supplier_key=supplier, account=account, unit=unit,
                              currency=currency.upper() if currency else None)
    return SpendingRequest(filters, group_by, limit or DEFAULT_LIMIT, organization)


def _present(data_dict: dict[str, Any], name: str) -> Any:
    value = data_dict.get(name)
    return None if value is None or value == "" else value


def _number(data_dict: dict[str, Any], name: str, least: int, most: int, errors: dict[str, list[str]],
            message: str) -> int | None:
    value = _present(data_dict, name)
    if value is None:
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not least <= number <= most:
        errors[name] = [message]
        return None
    return number


def _text(data_dict: dict[str, Any], name: str, errors: dict[str, list[str]]) -> str | None:
    value = _present(data_dict, name)
    if value is None:
        return None
    if malformed_reference(value) or len(value) > MAX_TEXT:
        errors[name] = [toolkit._("Use plain text of at most {most} characters, without control characters.")
                        .format(most=MAX_TEXT)]
        return None
    return value.strip() or None


def _supplier_key(value: str | None, errors: dict[str, list[str]]) -> str | None:
    """A supplier's key as the store writes it; an organisation number or Y-tunnus is accepted as written."""
    if value is None:
        return None
    key = supplier_key_from_number(value)
    if key is None and value.startswith(SUPPLIER_KEY_PREFIXES):
        key = value
    if key is None:
        errors["supplier"] = [toolkit._(
            "Name the supplier by its organisation number or Y-tunnus, or by the key the supplier groups give.")]
    return key


def supplier_search_request(data_dict: dict[str, Any]) -> tuple[str, int]:
    """The checked text and limit of a supplier search."""
    errors: dict[str, list[str]] = {}
    text = _text(data_dict, "q", errors)
    limit = _number(data_dict, "limit", 1, 100, errors, toolkit._("Use a number of suppliers from 1 to 100."))
    if text is None and "q" not in errors:
        errors["q"] = [toolkit._("Write a supplier's name, organisation number or Y-tunnus.")]
    if errors:
        raise toolkit.ValidationError(errors)
    return text, limit or 20
