"""The harvest feed as RDF/XML written one dataset at a time: memory stays that of one dataset's graph.

Each dataset is described by the configured profiles in a small graph of its own and serialised with
rdflib's RDF/XML writer; its top-level elements go into one ``rdf:RDF`` document. What several datasets
share (publisher, contact point, licences, file types, the series) is written once. The catalogue node
comes last, when the datasets and the latest modification date are known (element order carries no
meaning in RDF/XML).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import quoteattr

import rdflib
from rdflib import BNode, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.memory import SimpleMemory

from ckanext.openup.profiles.namespaces import DCAT

_ROOT_START = re.compile(r"<rdf:RDF\b[^>]*>\n?")
_DECLARATION = re.compile(r'xmlns(?::([\w.-]+))?="([^"]*)"')
_TOP_LEVEL = "\n  <rdf:Description "


class _DatasetStore(SimpleMemory):
    """rdflib's store without named graphs (the Memory store tracks a context for every triple).

    Matches are listed before they are returned, as profiles change the graph while looping over them,
    and without the empty context generator SimpleMemory makes for every triple.
    """

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        subject, predicate, value = triple_pattern
        if subject is not None:
            by_predicate = self._SimpleMemory__spo.get(subject, {})
            pairs = ([(predicate, by_predicate.get(predicate, {}))] if predicate is not None
                     else by_predicate.items())
            found = ([(subject, p, value) for p, values in pairs if value in values] if value is not None
                     else [(subject, p, o) for p, values in pairs for o in values])
        elif predicate is not None:
            by_value = self._SimpleMemory__pos.get(predicate, {})
            pairs = [(value, by_value.get(value, {}))] if value is not None else by_value.items()
            found = [(s, predicate, o) for o, subjects in pairs for s in subjects]
        elif value is not None:
            found = [(s, p, value) for s, predicates in self._SimpleMemory__osp.get(value, {}).items()
                     for p in predicates]
        else:
            found = [(s, p, o) for s, by_predicate in self._SimpleMemory__spo.items()
                     for p, values in by_predicate.items() for o in values]
        return iter([(triple, ()) for triple in found])


def graph() -> rdflib.Graph:
    """A graph for one dataset: a plain graph on a store without contexts."""
    return rdflib.Graph(store=_DatasetStore())


def catalogue_rdf_xml(
    serializer: Any, catalogue: dict[str, Any], datasets: Iterable[dict[str, Any]]
) -> Iterator[str]:
    """Chunks of one RDF/XML document: ``datasets`` described by ``serializer``'s profiles, then the
    catalogue described by ``catalogue`` (the dict ``graph_from_catalog`` takes, its ``modified``
    set from the datasets) listing them."""
    described: set[tuple] = set()  # triples about shared nodes already written
    dataset_refs: list[URIRef] = []
    series: set[URIRef] = set()
    modified = None
    prefixes: dict[str, str] | None = None
    for dataset in datasets:
        serializer.g = graph()
        dataset_ref = serializer.graph_from_dataset(dataset)
        dataset_refs.append(dataset_ref)
        series.update(serializer.g.subjects(RDF.type, DCAT.DatasetSeries))
        modified = max(modified or dataset["metadata_modified"], dataset["metadata_modified"])
        if prefixes is None:
            prefixes = dict(serializer.g.namespaces())
            yield _document_start(prefixes)
        yield _fragment(serializer.g, str(dataset_ref), described, prefixes)

    serializer.g = graph()
    if modified:
        catalogue = dict(catalogue, modified=modified)
    catalogue_ref = serializer.graph_from_catalog(catalogue)
    for ref in [*dataset_refs, *sorted(series)]:
        serializer.g.add((catalogue_ref, DCAT.dataset, ref))
    if prefixes is None:
        prefixes = dict(serializer.g.namespaces())
        yield _document_start(prefixes)
    yield _fragment(serializer.g, str(catalogue_ref), described, prefixes)
    yield "</rdf:RDF>\n"


def _document_start(prefixes: dict[str, str]) -> str:
    declarations = "".join(
        f"\n   xmlns{':' + prefix if prefix else ''}={quoteattr(str(namespace))}"
        for prefix, namespace in sorted(prefixes.items()) if prefix != "xml"
    )
    return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{declarations}\n>\n'


def _fragment(graph: rdflib.Graph, own: str, described: set[tuple], prefixes: dict[str, str]) -> str:
    """The top-level elements of ``graph`` in RDF/XML, without what ``described`` says was written.

    Nodes named under ``own`` (the dataset, its distributions) and blank nodes belong to this
    fragment alone and are always written; any other node's triples are written once per document.
    """
    for subject in set(graph.subjects()):
        if isinstance(subject, BNode) or str(subject).startswith(own):
            continue
        triples = set(graph.triples((subject, None, None)))
        for triple in triples & described:
            graph.remove(triple)
        described |= triples
    text = graph.serialize(format="xml")
    start = _ROOT_START.search(text)
    body = text[start.end():text.rindex("</rdf:RDF>")]
    # A prefix rdflib made up for this graph alone is declared on each element that may use it.
    extra = {prefix or "": namespace for prefix, namespace in _DECLARATION.findall(start.group(0))
             if prefixes.get(prefix or "") is None or str(prefixes[prefix or ""]) != namespace}
    if extra:
        declarations = "".join(f" xmlns{':' + p if p else ''}={quoteattr(ns)}" for p, ns in extra.items())
        body = ("\n" + body).replace(_TOP_LEVEL, f"\n  <rdf:Description{declarations} ")[1:]
    return body
