"""Read actions."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit
from ckanext.dcat.exceptions import RDFProfileException
from ckanext.dcat.utils import CONTENT_TYPES

from ckanext.openup import harvest_feed, organisations
from ckanext.openup.readiness import calendar, links, service
from ckanext.openup.text import malformed_reference, xml_safe


@toolkit.side_effect_free
def openup_organization_catalog_show(context: dict, data_dict: dict[str, Any]) -> str:
    """An organisation's whole public catalogue as DCAT-AP-SE, for dataportal.se to harvest.

    The harvest URL's view sets ``context["stream"]`` to get RDF/XML as an iterator of text chunks,
    written one dataset at a time; an iterator cannot travel as JSON, so the API never streams.

    :param id: the organisation's id or name
    :param format: ``rdf`` (RDF/XML, the default), ``xml``, ``ttl`` or ``jsonld``
    :returns: the serialised catalogue
    """
    toolkit.check_access("openup_organization_catalog_show", context, data_dict)
    if "stream" in data_dict:
        raise toolkit.ValidationError({"stream": [toolkit._(
            "Streaming is only for the harvest URL, /organization/<id>/catalog; leave stream out.")]})
    _format = data_dict.get("format") or "rdf"
    if _format not in harvest_feed.FORMATS:
        raise toolkit.ValidationError({"format": [_unknown_format(harvest_feed.FORMATS)]})
    organisation = organisations.organisation(_organisation_reference(data_dict))
    if not organisation or organisation.get("state") != "active" or not organisation.get("is_organization"):
        raise toolkit.ObjectNotFound(toolkit._("Organisation not found"))
    if _format in harvest_feed.STREAMED_FORMATS:
        chunks = harvest_feed.rdf_xml(organisation, harvest_feed.iter_public_datasets(organisation["id"]))
        return chunks if context.get("stream") else "".join(chunks)
    datasets = harvest_feed.public_datasets(organisation["id"])
    return harvest_feed.serialise(organisation, datasets, _format)


@toolkit.side_effect_free
def openup_harvest_readiness(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Would dataportal.se harvest this organisation, and what should its publishers fix?

    The organisation's harvest feed checked as ``openup check`` does (dataportal.se's rules, DCAT-AP
    SHACL, MQA score), with every problem placed on the dataset, file or organisation field that fixes it.
    Cached until the organisation or one of its datasets changes; with Redis, a stale result is shown
    (``pending``: true) while a background job re-checks.

    :param id: the organisation's id or name
    :param refresh: check now, ignoring the cache (optional, default false)
    :returns: ``harvest_url``, ``status`` (ready, improvable, not_ready), ``harvestable``, ``mqa``
        (points, rating, dimensions, indicators), ``organization_problems``, ``datasets`` (each with
        ``status`` and ``problems``, each problem with ``severity``, ``messages``, ``field`` and
        ``edit_url``), ``fresh``, ``pending``, ``checked_at``
    """
    toolkit.check_access("openup_harvest_readiness", context, data_dict)
    organisation_id = _organisation_reference(data_dict)
    try:
        refresh = toolkit.asbool(data_dict.get("refresh", False))
    except ValueError as error:
        raise toolkit.ValidationError({"refresh": [toolkit._("Use true or false.")]}) from error
    try:
        result = service.harvest_readiness(organisation_id, refresh=refresh)
    except service.ReadinessNotFound as error:
        raise toolkit.ObjectNotFound(toolkit._("Organisation not found")) from error
    return calendar.with_calendar(links.with_links(result))


@toolkit.chained_action
@toolkit.side_effect_free
def dcat_catalog_show(original_action, context: dict, data_dict: dict[str, Any]) -> str:
    """ckanext-dcat's site-wide catalogue, without characters XML cannot carry.

    Its Hydra paging echoes the request's ``q`` and ``fq`` into the document, so ``?q=%07`` would
    otherwise make the RDF/XML unparseable. An unknown format or profile is a validation error.
    """
    return xml_safe(_dcat_serialised(original_action, context, data_dict))


@toolkit.chained_action
@toolkit.side_effect_free
def dcat_dataset_show(original_action, context: dict, data_dict: dict[str, Any]) -> str:
    """ckanext-dcat's one-dataset RDF (``/dataset/<id>.<format>``): a malformed id, an unknown format
    or profile is a validation error, not a server error."""
    if malformed_reference(data_dict.get("id", "")):
        raise toolkit.ValidationError({"id": [toolkit._(
            "A dataset id or name is plain text without control characters; check the address.")]})
    return _dcat_serialised(original_action, context, data_dict)


def _dcat_serialised(original_action, context: dict, data_dict: dict[str, Any]) -> str:
    """ckanext-dcat's action, with what rdflib and ckanext-dcat would raise as a 500 refused first."""
    _format = data_dict.get("format")
    if _format is not None and _format not in CONTENT_TYPES:
        raise toolkit.ValidationError({"format": [_unknown_format(tuple(CONTENT_TYPES))]})
    try:
        return original_action(context, data_dict)
    except RDFProfileException as error:
        if not data_dict.get("profiles"):
            raise  # the site's own configuration, not the request
        raise toolkit.ValidationError({"profiles": [toolkit._(
            "Unknown RDF profile. Leave profiles out to get the site's own.")]}) from error


def _organisation_reference(data_dict: dict[str, Any]) -> str:
    """The ``id`` parameter, refused when it cannot name an organisation (before any database lookup)."""
    reference = toolkit.get_or_bust(data_dict, "id")
    if malformed_reference(reference):
        raise toolkit.ValidationError({"id": [toolkit._(
            "An organisation id or name is plain text without control characters; check the address.")]})
    return reference


def _unknown_format(formats: tuple[str, ...]) -> str:
    return toolkit._("Unknown format. Use one of: {formats}.").format(formats=", ".join(formats))


def get_actions() -> dict[str, Any]:
    return {
        "openup_organization_catalog_show": openup_organization_catalog_show,
        "dcat_catalog_show": dcat_catalog_show,
        "dcat_dataset_show": dcat_dataset_show,
        "openup_harvest_readiness": openup_harvest_readiness,
    }
