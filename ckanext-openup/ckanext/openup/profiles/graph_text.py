"""What a harvester must be able to read: tagged free text, XML-safe literals, only absolute IRIs."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from ckanext.openup.profiles.namespaces import ADMS, DCAT, DCT, FOAF, VCARD
from ckanext.openup.text import is_xml_safe, xml_safe

FREE_TEXT = {
    DCT.title,
    DCT.description,
    DCAT.keyword,
    FOAF.name,
    VCARD.fn,
    SKOS.prefLabel,
    RDFS.label,
    ADMS.versionNotes,
}


# dataportal.se rejects the whole harvest on a relative IRI (a CKAN "url" field may hold any text).
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def clean(text: str) -> str:
    """``text`` without characters XML 1.0 cannot carry."""
    return xml_safe(str(text))


def remove_node(graph: Graph, node: Node) -> None:
    """Remove everything said about ``node`` and, recursively, about the blank nodes it points to."""
    for _, _, child in list(graph.triples((node, None, None))):
        if isinstance(child, BNode):
            remove_node(graph, child)
    graph.remove((node, None, None))


def _described_nodes(graph: Graph, roots: Iterable[Node | None], depth: int = 2) -> set[Node]:
    seen: set[Node] = set()
    frontier = [root for root in roots if root is not None]
    for _ in range(depth + 1):
        next_frontier = []
        for node in frontier:
            if node in seen:
                continue
            seen.add(node)
            next_frontier.extend(o for o in graph.objects(node, None) if not isinstance(o, Literal))
        frontier = next_frontier
    return seen


def make_harvestable(graph: Graph, roots: Iterable[Node | None], language: str) -> None:
    """Under ``roots``: tag untagged free text with ``language``, drop empty text and relative IRIs,
    remove from literals what XML cannot carry."""
    for node in _described_nodes(graph, roots):
        for _, predicate, value in list(graph.triples((node, None, None))):
            if isinstance(value, URIRef) and not _ABSOLUTE_IRI.match(str(value)):
                graph.remove((node, predicate, value))
                graph.remove((value, None, None))
                continue
            if not isinstance(value, Literal):
                continue
            text = str(value)
            free_text = predicate in FREE_TEXT
            if free_text and not text.strip():
                graph.remove((node, predicate, value))
            elif free_text and value.language is None and value.datatype is None:
                graph.remove((node, predicate, value))
                graph.add((node, predicate, Literal(clean(text), lang=language)))
            elif not is_xml_safe(text):
                graph.remove((node, predicate, value))
                graph.add((node, predicate, Literal(clean(text), lang=value.language, datatype=value.datatype)))
