"""The per-organisation harvest feed: one organisation's whole public catalogue in one RDF document.

dataportal.se harvests one URL per organisation and does not page, so the feed holds every public,
active dataset of the organisation. The catalogue node is named by the feed's own URL (without format).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as toolkit
import rdflib
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import catalog_uri
from rdflib import URIRef

from ckanext.openup import organisations, rdf_stream

FORMATS = ("rdf", "xml", "ttl", "jsonld")
STREAMED_FORMATS = ("rdf", "xml")
SEARCH_PAGE = 100

_TITLES = {
    "sv": "Öppna data från {title}",
    "en": "Open data from {title}",
    "fi": "Avoin data: {title}",
}
_DESCRIPTIONS = {
    "sv": "Datamängder som {title} publicerar som öppna data.",
    "en": "Datasets {title} publishes as open data.",
    "fi": "Avoimet tietoaineistot, jotka {title} julkaisee.",
}


class OrganisationCatalogueSerializer(RDFSerializer):
    """ckanext-dcat's serializer, with the catalogue named by ``catalog_dict['uri']``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One plain graph: ckanext-dcat's ConjunctiveGraph looks every triple up across contexts.
        self.g = rdflib.Graph()

    def graph_from_catalog(self, catalog_dict: dict | None = None) -> URIRef:
        catalog_dict = catalog_dict or {}
        catalog_ref = URIRef(catalog_dict.get("uri") or catalog_uri())
        for profile_class in self._profiles:
            profile = profile_class(self.g, compatibility_mode=self.compatibility_mode)
            profile.graph_from_catalog(catalog_dict, catalog_ref)
        return catalog_ref


def feed_uri(organisation: dict[str, Any]) -> str:
    """The harvest URL of an organisation (RDF/XML), also the URI of its catalogue."""
    return f"{catalog_uri().rstrip('/')}/organization/{quote(organisation['name'])}/catalog"


def public_datasets(organisation_id: str) -> list[dict[str, Any]]:
    """Every public, active dataset the organisation owns (drafts, private and deleted never)."""
    return list(iter_public_datasets(organisation_id))


def iter_public_datasets(organisation_id: str) -> Iterator[dict[str, Any]]:
    """:func:`public_datasets` one search page at a time: the validated dicts the index keeps."""
    start = 0
    while True:
        page = toolkit.get_action("package_search")(
            {"ignore_auth": True},
            {
                "fq": f'owner_org:"{organisation_id}"',
                # As ckanext-dcat's catalogue: harvest sources and showcases are not datasets.
                "fq_list": ["-dataset_type:harvest", "-dataset_type:showcase"],
                "include_private": False,
                "include_drafts": False,
                "sort": "name asc",
                "rows": SEARCH_PAGE,
                "start": start,
            },
        )
        start += len(page["results"])
        yield from (d for d in page["results"] if not d.get("private") and d.get("state") == "active")
        if not page["results"] or start >= page["count"]:
            return


def catalogue_description(organisation: dict[str, Any], datasets: list[dict[str, Any]]) -> dict[str, Any]:
    """The catalogue dict the DCAT-AP-SE profile writes for an organisation's feed."""
    rules = organisations.country_rules(organisation.get("country"))
    languages = rules["languages"]
    title = organisation.get("title") or organisation["name"]
    description = {lang: _DESCRIPTIONS[lang].format(title=title) for lang in languages}
    if organisation.get("description"):
        description[rules["required_languages"][0]] = organisation["description"]
    modified = max((d["metadata_modified"] for d in datasets), default=organisation.get("created"))
    return {
        "uri": feed_uri(organisation),
        "organization": organisation,
        "title": {lang: _TITLES[lang].format(title=title) for lang in languages},
        "description": description,
        "languages": languages,
        "homepage": organisation.get("homepage")
        or toolkit.url_for("organization.read", id=organisation["name"], _external=True),
        "issued": organisation.get("created"),
        "modified": modified,
        "spatial_uri": organisation.get("spatial_uri") or rules["country_uri"],
    }


def serialise(organisation: dict[str, Any], datasets: list[dict[str, Any]], _format: str = "rdf") -> str:
    """The organisation's catalogue with ``datasets`` in ``_format`` (rdf, xml, ttl or jsonld)."""
    if _format in STREAMED_FORMATS:
        return "".join(rdf_xml(organisation, datasets))
    serializer = OrganisationCatalogueSerializer()
    with organisations.known(organisation):
        return serializer.serialize_catalog(
            catalogue_description(organisation, datasets), datasets, _format=_format
        )


def rdf_xml(organisation: dict[str, Any], datasets: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The organisation's catalogue as RDF/XML chunks, one dataset of ``datasets`` at a time.

    Memory stays that of one dataset however large the organisation (see :mod:`rdf_stream`).
    """
    serializer = OrganisationCatalogueSerializer()
    with organisations.known(organisation):
        yield from rdf_stream.catalogue_rdf_xml(serializer, catalogue_description(organisation, []), datasets)
