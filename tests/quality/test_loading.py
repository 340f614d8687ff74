"""Catalogues are read as the harvester reads them: over HTTP, with Hydra pages and dct:hasPart sub-catalogues."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import RDF, BNode, Literal, URIRef

from ckanext.openup.profiles.namespaces import DCAT, DCT
from ckanext.openup.quality.findings import BLOCKING
from ckanext.openup.quality.loading import HYDRA, CatalogueLoadError, LoadLimits, load_catalogue
from ckanext.openup.quality.rules import datasets_of
from tests.quality.conftest import CATALOGUE, complete_catalogue, dataset_uri

# The test server is on loopback, which is refused unless allowed (tests/quality/test_hostile_catalogues.py).
LOOPBACK = LoadLimits(allow_private_addresses=True)


def rdf_xml(graph: rdflib.Graph) -> bytes:
    return graph.serialize(format="xml").encode("utf-8")


def split_catalogue(graph: rdflib.Graph, part: int) -> rdflib.Graph:
    """Only dataset ``part`` of a complete catalogue (one page of it), with the catalogue description."""
    page = rdflib.Graph()
    for subject, predicate, value in graph:
        if predicate == DCAT.dataset and value != dataset_uri(part):
            continue
        if str(subject).startswith(str(dataset_uri(1 - part))):
            continue
        page.add((subject, predicate, value))
    return page


def test_hydra_pages_are_followed_over_http(loopback):
    whole = complete_catalogue()
    first, second = split_catalogue(whole, 0), split_catalogue(whole, 1)
    # As ckanext-dcat writes them: a PagedCollection with hydra:next as a literal.
    paging = URIRef(loopback.url + "/catalog.rdf?page=1")
    first.add((paging, RDF.type, HYDRA.PagedCollection))
    first.add((paging, HYDRA.next, Literal(loopback.url + "/catalog.rdf?page=2")))
    first.add((paging, HYDRA.nextPage, Literal(loopback.url + "/catalog.rdf?page=2")))
    loopback.serve("/catalog.rdf", body=rdf_xml(first))
    loopback.serve("/catalog.rdf?page=2", body=rdf_xml(second))
    loaded = load_catalogue(loopback.url + "/catalog.rdf", LOOPBACK)
    assert datasets_of(loaded.graph) == [dataset_uri(0), dataset_uri(1)]
    assert loaded.documents == [loopback.url + "/catalog.rdf", loopback.url + "/catalog.rdf?page=2"]
    assert loaded.findings == []


def test_older_hydra_next_page_alone_is_followed(loopback):
    whole = complete_catalogue()
    first, second = split_catalogue(whole, 0), split_catalogue(whole, 1)
    first.add((BNode(), HYDRA.nextPage, Literal(loopback.url + "/catalog.rdf?page=2")))
    loopback.serve("/catalog.rdf", body=rdf_xml(first))
    loopback.serve("/catalog.rdf?page=2", body=rdf_xml(second))
    assert len(datasets_of(load_catalogue(loopback.url + "/catalog.rdf", LOOPBACK).graph)) == 2


def test_has_part_sub_catalogues_are_read_one_level(loopback):
    whole = complete_catalogue()
    top = rdflib.Graph()
    sub_catalogue = URIRef(loopback.url + "/sub.rdf")
    for triple in whole.triples((CATALOGUE, None, None)):
        if triple[1] != DCAT.dataset:
            top.add(triple)
    top.add((CATALOGUE, RDF.type, DCAT.Catalog))
    top.add((CATALOGUE, DCT.hasPart, sub_catalogue))
    sub = rdflib.Graph()
    for subject, predicate, value in whole:
        sub.add((sub_catalogue if subject == CATALOGUE else subject, predicate, value))
    loopback.serve("/top.rdf", body=rdf_xml(top))
    loopback.serve("/sub.rdf", body=rdf_xml(sub))
    loaded = load_catalogue(loopback.url + "/top.rdf", LOOPBACK)
    assert loaded.documents == [loopback.url + "/top.rdf", loopback.url + "/sub.rdf"]
    assert len(datasets_of(loaded.graph)) == 2
    assert not loaded.blocked


def test_failing_sub_catalogue_blocks_the_whole_harvest(loopback):
    top = complete_catalogue()
    top.add((CATALOGUE, DCT.hasPart, URIRef(loopback.url + "/missing.rdf")))
    loopback.serve("/top.rdf", body=rdf_xml(top))
    loaded = load_catalogue(loopback.url + "/top.rdf", LOOPBACK)
    (finding,) = loaded.findings
    assert finding.severity == BLOCKING and finding.property == "dct:hasPart"
    assert "404" in finding.message and finding.subject == loopback.url + "/missing.rdf"


def test_rdf_xml_is_asked_for(loopback):
    loopback.serve("/catalog", body=rdf_xml(complete_catalogue()))
    load_catalogue(loopback.url + "/catalog", LOOPBACK)
    assert loopback.requests == [("GET", "/catalog")]


def test_turtle_answer_to_an_rdf_xml_request_blocks(loopback):
    loopback.serve("/catalog", body=complete_catalogue().serialize(format="turtle").encode(),
                   content_type="text/turtle")
    loaded = load_catalogue(loopback.url + "/catalog", LOOPBACK)
    assert [finding.severity for finding in loaded.findings] == [BLOCKING]
    assert len(datasets_of(loaded.graph)) == 2  # still read, so the rest can be checked


def test_rdf_xml_with_a_vague_content_type_is_read_with_a_warning(loopback):
    loopback.serve("/catalog", body=rdf_xml(complete_catalogue()), content_type="application/octet-stream")
    loaded = load_catalogue(loopback.url + "/catalog", LOOPBACK)
    assert [(f.severity, f.message) for f in loaded.findings] == [
        ("warning", "served as application/octet-stream: application/rdf+xml is expected")]
    assert len(datasets_of(loaded.graph)) == 2


def test_redirect_the_harvester_may_not_follow_is_a_warning(loopback):
    loopback.serve("/old", status=302, location=loopback.url + "/catalog", content_type="text/plain")
    loopback.serve("/catalog", body=rdf_xml(complete_catalogue()))
    loaded = load_catalogue(loopback.url + "/old", LOOPBACK)
    assert [(finding.severity, finding.subject) for finding in loaded.findings] == [
        ("warning", loopback.url + "/old")]


@pytest.mark.parametrize(("answer", "reason"), [
    ({"status": 404, "body": b"gone", "content_type": "text/plain"}, "answered 404"),
    ({"body": b"<!DOCTYPE html><html><body>Log in</body></html>", "content_type": "text/html"}, "text/html"),
    ({"body": b"", "content_type": "application/rdf+xml"}, "empty document"),
    ({"body": b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<broken",
      "content_type": "application/rdf+xml"}, "not well-formed RDF/XML"),
])
def test_unreadable_catalogue_url(loopback, answer, reason):
    loopback.serve("/catalog", **answer)
    with pytest.raises(CatalogueLoadError) as raised:
        load_catalogue(loopback.url + "/catalog", LOOPBACK)
    assert reason in raised.value.describe().replace("the server answered", "answered")


def test_unreachable_server():
    with pytest.raises(CatalogueLoadError, match="unreachable"):
        load_catalogue("http://127.0.0.1:9/catalog", LOOPBACK)


def test_parse_error_gives_the_line(tmp_path):
    feed = tmp_path / "feed.rdf"
    feed.write_text(rdf_xml(complete_catalogue()).decode().replace("</rdf:Description>", "</rdf:Descriptio>", 1))
    with pytest.raises(CatalogueLoadError) as raised:
        load_catalogue(str(feed))
    assert raised.value.line and raised.value.line > 1
    assert f"{feed}, line {raised.value.line}: not well-formed RDF/XML" in raised.value.describe()


def test_rdf_that_is_not_a_catalogue(tmp_path):
    feed = tmp_path / "feed.ttl"
    feed.write_text("<https://example.se/a> <https://example.se/b> <https://example.se/c> .")
    with pytest.raises(CatalogueLoadError, match="no dcat:Catalog"):
        load_catalogue(str(feed))
