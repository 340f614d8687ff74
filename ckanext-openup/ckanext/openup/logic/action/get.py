"""Read actions."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup import harvest_feed, organisations
from ckanext.openup.text import xml_safe


@toolkit.side_effect_free
def openup_organization_catalog_show(context: dict, data_dict: dict[str, Any]) -> str:
    """An organisation's whole public catalogue as DCAT-AP-SE, for dataportal.se to harvest.

    :param id: the organisation's id or name
    :param format: ``rdf`` (RDF/XML, the default), ``xml``, ``ttl`` or ``jsonld``
    :returns: the serialised catalogue
    """
    toolkit.check_access("openup_organization_catalog_show", context, data_dict)
    _format = data_dict.get("format") or "rdf"
    if _format not in harvest_feed.FORMATS:
        raise toolkit.ValidationError({"format": [f"Use one of {', '.join(harvest_feed.FORMATS)}"]})
    organisation = organisations.organisation(toolkit.get_or_bust(data_dict, "id"))
    if not organisation or organisation.get("state") != "active" or not organisation.get("is_organization"):
        raise toolkit.ObjectNotFound("Organisation not found")
    datasets = harvest_feed.public_datasets(organisation["id"])
    return harvest_feed.serialise(organisation, datasets, _format)


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
    }
