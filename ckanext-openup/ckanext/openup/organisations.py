"""Publishing organisations: identifiers, country rules and the stable URIs that name them.

The pure functions here are shared by the validators (on save) and the DCAT-AP-SE profile (in feeds).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup import vocabularies

# CKAN-free (the `openup` command checks buyers without CKAN installed); imported here for the validators.
from ckanext.openup.procurement.identity import normalise_organisation_number  # noqa: F401
from ckanext.openup.text import malformed_reference

# dataportal.se de-duplicates publishers by this URI (docs.dataportal.se, "Organisationsidentifierare").
SWEDISH_PUBLISHER_URI = "http://dataportal.se/organisation/SE{number}"
# The Finnish business register page of a Y-tunnus: stable, public and resolvable.
FINNISH_PUBLISHER_URI = "https://tietopalvelu.ytj.fi/yritys/{number}"

# Organisations a feed already holds, by id and name: its profiles ask for the owner of every dataset.
_known: ContextVar[dict[str, dict[str, Any]] | None] = ContextVar("openup_known_organisations", default=None)
_MUNICIPALITY_CODE = {"SE": re.compile(r"^\d{4}$"), "FI": re.compile(r"^\d{3}$")}


def country_rules(country: str | None) -> dict[str, Any]:
    """Languages, specification and frequency for an organisation in ``country`` (SE when unknown)."""
    return vocabularies.COUNTRIES.get(country or "", vocabularies.COUNTRIES[vocabularies.DEFAULT_COUNTRY])


def valid_municipality_code(country: str | None, value: str) -> bool:
    """A kommunkod has 4 digits, a kuntanumero 3."""
    pattern = _MUNICIPALITY_CODE.get(country or vocabularies.DEFAULT_COUNTRY)
    return bool(pattern and pattern.match(value))


def publisher_uri(organisation: dict[str, Any]) -> str | None:
    """The stable publisher URI of an organisation, or None without a valid organisation number."""
    country = organisation.get("country") or vocabularies.DEFAULT_COUNTRY
    try:
        number = normalise_organisation_number(country, organisation.get("organization_number") or "")
    except ValueError:
        return None
    template = FINNISH_PUBLISHER_URI if country == "FI" else SWEDISH_PUBLISHER_URI
    return template.format(number=number)


def organisation(id_or_name: str) -> dict[str, Any] | None:
    """The organisation's dict with its schema fields, or None when there is no such organisation."""
    if not id_or_name or malformed_reference(id_or_name):
        return None
    known = _known.get()
    if known and id_or_name in known:
        return known[id_or_name]
    try:
        return toolkit.get_action("organization_show")(
            {"ignore_auth": True},
            {
                "id": id_or_name,
                "include_datasets": False,
                "include_dataset_count": False,
                "include_users": False,
                "include_groups": False,
                "include_tags": False,
                "include_followers": False,
            },
        )
    except toolkit.ObjectNotFound:
        return None


@contextmanager
def known(organisation: dict[str, Any]) -> Iterator[None]:
    """Within the block, :func:`organisation` answers for ``organisation`` without asking the database.

    For code that has just read the organisation and then describes many of its datasets (a feed).
    """
    token = _known.set({organisation["id"]: organisation, organisation["name"]: organisation})
    try:
        yield
    finally:
        _known.reset(token)
