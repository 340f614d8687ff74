"""Vocabulary values typed as DCAT-AP's range shapes expect: skos:Concept with its label, foaf:Document."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from ckanext.openup import vocabularies
from ckanext.openup.profiles.namespaces import DCAT, DCATAP, DCT, FOAF

_CONCEPT_PREDICATES = {DCAT.theme, DCATAP.availability, DCT.type}


def describe_concepts(graph: Graph, subjects: Iterable[Node | None]) -> None:
    """Type the known vocabulary values and homepages that ``subjects`` (and their licences) point to."""
    for subject in subjects:
        if subject is None:
            continue
        for licence in graph.objects(subject, DCT.license):
            describe_concepts(graph, [licence])
        for predicate, value in graph.predicate_objects(subject):
            if not isinstance(value, URIRef):
                continue
            if predicate in _CONCEPT_PREDICATES and str(value) in vocabularies.CONCEPT_LABELS:
                graph.add((value, RDF.type, SKOS.Concept))
                graph.set((value, SKOS.prefLabel, Literal(vocabularies.CONCEPT_LABELS[str(value)], lang="en")))
            elif predicate == DCAT.themeTaxonomy and str(value) in vocabularies.CONCEPT_SCHEME_TITLES:
                graph.add((value, RDF.type, SKOS.ConceptScheme))
                graph.set((value, DCT.title, Literal(vocabularies.CONCEPT_SCHEME_TITLES[str(value)], lang="en")))
            elif predicate == FOAF.homepage:
                graph.add((value, RDF.type, FOAF.Document))
