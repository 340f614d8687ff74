"""Serialise realistic organisations' datasets with the configured profiles, as the feeds do."""

from __future__ import annotations

import ckan.plugins.toolkit as toolkit
import rdflib
from ckanext.dcat.processors import RDFSerializer

from tests.supplier_invoices import SUNDSVALL, TAMPERE, VASTERAS, create_organisation, create_supplier_invoice


def catalogue_graph(organisation: dict, datasets: list[dict], _format: str = "xml") -> tuple[str, rdflib.Graph]:
    """The serialised catalogue of ``organisation`` and the graph parsed back from it."""
    shown = [toolkit.get_action("package_show")({"ignore_auth": True}, {"id": d["id"]}) for d in datasets]
    catalogue = {
        "organization": organisation,
        "title": {"sv": f"Öppna data från {organisation['title']}", "en": f"Open data from {organisation['title']}"},
        "description": {"sv": "Leverantörsfakturor.", "en": "Supplier invoices."},
        "languages": ["sv", "en"],
        "homepage": organisation.get("homepage"),
        "issued": "2020-01-01",
        "spatial_uri": "https://sws.geonames.org/2670781/",
    }
    text = RDFSerializer().serialize_catalog(catalogue, shown, _format=_format)
    rdf_format = {"xml": "xml", "ttl": "turtle", "jsonld": "json-ld"}[_format]
    return text, rdflib.Graph().parse(data=text, format=rdf_format)


def three_organisations_feed() -> tuple[str, rdflib.Graph]:
    """Two Swedish and one Finnish municipality, two yearly supplier-invoice datasets each."""
    organisations = [create_organisation(fields) for fields in (SUNDSVALL, VASTERAS, TAMPERE)]
    datasets = [create_supplier_invoice(org, year=year) for org in organisations for year in (2024, 2025)]
    return catalogue_graph(organisations[0], datasets)
