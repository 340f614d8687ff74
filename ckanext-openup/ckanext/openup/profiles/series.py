"""The dataset series of an organisation's yearly supplier-invoice datasets (DCAT-AP-SE recommends one
dataset per period, grouped in a ``dcat:DatasetSeries`` with the same ``dct:conformsTo``)."""

from __future__ import annotations

from urllib.parse import quote

from ckanext.dcat.utils import catalog_uri
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from ckanext.openup import organisations
from ckanext.openup.profiles import graph_text
from ckanext.openup.profiles.namespaces import DCAT, DCT

SUPPLIER_INVOICES = "supplier-invoices"
_TITLES = {"sv": "Leverantörsfakturor, {title}", "en": "Supplier invoices, {title}", "fi": "Ostolaskut, {title}"}
_DESCRIPTIONS = {
    "sv": "Betalda leverantörsfakturor från {title}, en datamängd per kalenderår.",
    "en": "Supplier invoices paid by {title}, one dataset per calendar year.",
    "fi": "{title}: maksetut ostolaskut, yksi tietoaineisto kalenterivuotta kohden.",
}


def series_uri(organisation: dict) -> str:
    """The series of an organisation's supplier invoices, named within its harvest feed."""
    return f"{catalog_uri().rstrip('/')}/organization/{quote(organisation['name'])}/catalog#{SUPPLIER_INVOICES}"


def add_to_series(
    graph: Graph, dataset_ref: URIRef, dataset_dict: dict, organisation: dict, publisher, contact
) -> URIRef | None:
    """Put a supplier-invoice dataset in its organisation's series and describe the series once."""
    if dataset_dict.get("type") != SUPPLIER_INVOICES or not organisation.get("name"):
        return None
    series = URIRef(series_uri(organisation))
    graph.add((dataset_ref, DCAT.inSeries, series))
    if (series, RDF.type, DCAT.DatasetSeries) in graph:
        return series
    rules = organisations.country_rules(organisation.get("country"))
    title = graph_text.clean(organisation.get("title") or organisation["name"])
    graph.add((series, RDF.type, DCAT.DatasetSeries))
    for lang in rules["languages"]:
        graph.add((series, DCT.title, Literal(_TITLES[lang].format(title=title), lang=lang)))
        graph.add((series, DCT.description, Literal(_DESCRIPTIONS[lang].format(title=title), lang=lang)))
    graph.add((series, DCT.conformsTo, URIRef(rules["conforms_to"])))
    graph.add((series, DCT.accrualPeriodicity, URIRef(rules["frequency"].replace("MONTHLY", "ANNUAL"))))
    for predicate, node in ((DCT.publisher, publisher), (DCAT.contactPoint, contact)):
        if node is not None:
            graph.add((series, predicate, node))
    # Catalogues list the series beside the datasets (dcat:dataset also takes series in DCAT 3).
    for catalogue in graph.subjects(RDF.type, DCAT.Catalog):
        graph.add((catalogue, DCAT.dataset, series))
    return series
