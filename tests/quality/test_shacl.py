"""DCAT-AP 3.0.1 SHACL, one validation per dataset structure, equals plain pyshacl on the whole graph."""

from __future__ import annotations

from importlib.resources import files

import rdflib
from rdflib import RDF, XSD, BNode, Literal, URIRef

from ckanext.openup.profiles.namespaces import DCAT, DCT
from ckanext.openup.quality import shacl
from tests.quality.conftest import BASE, add_distribution, complete_catalogue, dataset_uri, distribution_uri
from tests.reference import DCAT_AP_SHAPES as REFERENCE


def as_set(results):
    return sorted((r.severity, str(r.focus), r.path, str(r.value), r.constraint, r.message) for r in results)


def varied_catalogue() -> rdflib.Graph:
    """Twelve datasets in a few structures, with blank nodes, ill-typed dates and wrong value kinds."""
    graph = complete_catalogue(12)
    for number in (1, 5, 9):  # one structure: no keyword, two distributions
        graph.remove((dataset_uri(number), DCAT.keyword, None))
        add_distribution(graph, dataset_uri(number), URIRef(f"{BASE}/dataset/invoices-{number}/resource/9"),
                         f"{BASE}/files/{number}-9.json", "JSON", "application/json")
    for number in (2, 6):  # ill-typed date and a literal media type
        graph.set((dataset_uri(number), DCT.issued, Literal("2024-13-45", datatype=XSD.date)))
        graph.set((distribution_uri(number), DCAT.mediaType, Literal("text/csv")))
    for number in (3, 7, 11):  # a blank-node period of time with a wrong start date
        period = BNode()
        graph.set((dataset_uri(number), DCT.temporal, period))
        graph.add((period, RDF.type, DCT.PeriodOfTime))
        graph.add((period, DCAT.startDate, Literal("soon")))
    graph.set((distribution_uri(4), DCAT.byteSize, Literal("12.5", datatype=XSD.decimal)))
    for number in (8, 10):  # untyped distributions: no focus nodes for DCAT-AP (range.ttl is not shipped)
        graph.remove((distribution_uri(number), RDF.type, None))
    return graph


def test_grouped_validation_gives_the_same_results_as_the_whole_graph():
    graph = varied_catalogue()
    grouped = shacl.validate(graph)
    assert as_set(grouped) == as_set(shacl.validate_whole_graph(graph))
    assert any(r.severity == "Violation" for r in grouped)


def test_conforming_datasets_are_those_without_violations_on_them_or_their_distributions():
    graph = varied_catalogue()
    conforming = shacl.conforming_datasets(graph, shacl.validate(graph))
    # The blank-node periods (3, 7, 11) pass: DCAT-AP 3.0.1 checks their dates with sh:shape, which is
    # not a SHACL term, so no validator applies it.
    assert {str(d).rsplit("-", 1)[1] for d in set(map(dataset_uri, range(12))) - conforming} == {"2", "4", "6"}


def test_shipped_shapes_are_the_official_files_unchanged():
    folder = files("ckanext.openup.quality") / "shapes" / "dcat-ap-3.0.1"
    for name in shacl.OFFICIAL_SHAPES:
        assert (folder / name).read_bytes() == (REFERENCE / name).read_bytes()
