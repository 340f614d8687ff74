"""Which CKAN dataset type a DCAT dataset read from RDF becomes.

A harvester's parser reads every dataset as the plain ``dataset`` type. A dataset that conforms to one of
the supplier-invoice specifications (lankadedata.se's in Sweden, Kuntaliitto's guide in Finland) becomes a
``supplier-invoices`` dataset instead, so scheming validates it into the schema's fields (per-language
titles and descriptions, year, themes...) rather than leaving everything in ``extras``.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit
from rdflib import Graph
from rdflib.term import Node

from ckanext.openup import vocabularies
from ckanext.openup.profiles.namespaces import DCT

SUPPLIER_INVOICES = "supplier-invoices"


def _comparable(uri: str) -> str:
    # The same specification is cited with or without TLS or a trailing slash.
    return str(uri).strip().rstrip("/").removeprefix("https://").removeprefix("http://").lower()


_SUPPLIER_INVOICE_SPECIFICATIONS = {_comparable(rules["conforms_to"]) for rules in vocabularies.COUNTRIES.values()}


def incoming_dataset_type(graph: Graph, dataset_ref: Node) -> str | None:
    """``supplier-invoices`` when the dataset conforms to a supplier-invoice specification, else None."""
    cited = {_comparable(uri) for uri in graph.objects(dataset_ref, DCT.conformsTo)}
    return SUPPLIER_INVOICES if cited & _SUPPLIER_INVOICE_SPECIFICATIONS else None


def scheming_schema(dataset_type: str) -> dict[str, Any] | None:
    """The scheming schema of ``dataset_type``, or None without ckanext-scheming or such a schema."""
    try:
        return toolkit.get_action("scheming_dataset_schema_show")({}, {"type": dataset_type})
    except (KeyError, toolkit.ObjectNotFound):
        return None
