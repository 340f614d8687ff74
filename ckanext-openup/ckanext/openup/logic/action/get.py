"""Read actions."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup import harvest_feed, organisations
from ckanext.openup.readiness import links, service
from ckanext.openup.text import xml_safe


@toolkit.side_effect_free
def openup_organization_catalog_show(context: dict, data_dict: dict[str, Any]) -> str:
    """An organisation's whole public catalogue as DCAT-AP-SE, for dataportal.se to harvest.

    :param id: the organisation's id or name
    :param format: ``rdf`` (RDF/XML, the default), ``xml``, ``ttl`` or ``jsonld``
    :param stream: RDF/XML only: return an iterator of text chunks, written one dataset at a time,
        instead of one string (optional, default false; for the harvest URL's view)
    :returns: the serialised catalogue
    """
    toolkit.check_access("openup_organization_catalog_show", context, data_dict)
    _format = data_dict.get("format") or "rdf"
    if _format not in harvest_feed.FORMATS:
        raise toolkit.ValidationError({"format": [f"Use one of {', '.join(harvest_feed.FORMATS)}"]})
    organisation = organisations.organisation(toolkit.get_or_bust(data_dict, "id"))
    if not organisation or organisation.get("state") != "active" or not organisation.get("is_organization"):
        raise toolkit.ObjectNotFound("Organisation not found")
    if _format in harvest_feed.STREAMED_FORMATS:
        chunks = harvest_feed.rdf_xml(organisation, harvest_feed.iter_public_datasets(organisation["id"]))
        return chunks if toolkit.asbool(data_dict.get("stream", False)) else "".join(chunks)
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
    try:
        result = service.harvest_readiness(toolkit.get_or_bust(data_dict, "id"),
                                           refresh=toolkit.asbool(data_dict.get("refresh", False)))
    except service.ReadinessNotFound as error:
        raise toolkit.ObjectNotFound("Organisation not found") from error
    return links.with_links(result)


@toolkit.chained_action
@toolkit.side_effect_free
def dcat_catalog_show(original_action, context: dict, data_dict: dict[str, Any]) -> str:
    """ckanext-dcat's site-wide catalogue, without characters XML cannot carry.

    Its Hydra paging echoes the request's ``q`` and ``fq`` into the document, so ``?q=%07`` would
    otherwise make the RDF/XML unparseable.
    """
    return xml_safe(original_action(context, data_dict))


def get_actions() -> dict[str, Any]:
    return {
        "openup_organization_catalog_show": openup_organization_catalog_show,
        "dcat_catalog_show": dcat_catalog_show,
        "openup_harvest_readiness": openup_harvest_readiness,
    }
