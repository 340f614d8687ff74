"""Free-text literals in a graph: a language tag on each, nothing XML cannot carry, no empty strings."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal
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


def tag_free_text(graph: Graph, roots: Iterable[Node | None], language: str) -> None:
    """Give untagged free text under ``roots`` the ``language`` tag; drop empty and clean unsafe literals."""
    for node in _described_nodes(graph, roots):
        for _, predicate, value in list(graph.triples((node, None, None))):
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
