"""Each of dataportal.se's rules is found on a graph built to break it, naming the thing and the property."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import RDF, BNode, Literal, URIRef

from ckanext.openup.profiles.namespaces import DCAT, DCT, FOAF, VCARD
from ckanext.openup.quality.findings import BLOCKING, VIOLATION, WARNING
from ckanext.openup.quality.loading import load_catalogue, parse_rdf
from ckanext.openup.quality.rules import harvest_rule_findings
from tests.quality.conftest import (
    CATALOGUE,
    CONTACT,
    PUBLISHER,
    complete_catalogue,
    dataset_uri,
    distribution_uri,
)
from tests.reference import OBLIGATORISKT

DATASET = dataset_uri(0)
DISTRIBUTION = distribution_uri(0)


def found(graph: rdflib.Graph) -> set[tuple[str, str, str, str]]:
    return {(f.severity, f.kind, f.subject, f.property) for f in harvest_rule_findings(graph)}


def rename(graph: rdflib.Graph, old: URIRef, new: rdflib.term.Node) -> None:
    for subject, predicate, value in list(graph):
        if old in (subject, value):
            graph.remove((subject, predicate, value))
            graph.add((new if subject == old else subject, predicate, new if value == old else value))


def test_complete_catalogue_breaks_no_rule():
    assert harvest_rule_findings(complete_catalogue()) == []


def test_digg_example_breaks_only_what_dcat_ap_se_3_0_1_added():
    """DIGG's obligatoriskt.rdf was written for DCAT-AP-SE 2: no publisher type, no format, untagged names."""
    findings = found(load_catalogue(str(OBLIGATORISKT)).graph)
    assert {(severity, kind, prop) for severity, kind, _, prop in findings} == {
        (VIOLATION, "publisher", "dct:type"),  # mandatory since 3.0.1
        (VIOLATION, "distribution", "dct:format"),  # mandatory since 3.0
        (WARNING, "publisher", "foaf:name"),  # no language tag
        (WARNING, "contact point", "vcard:fn"),  # no language tag
        (WARNING, "publisher", ""),  # not a dataportal.se organisation URI
        (WARNING, "distribution", "dcat:downloadURL"),
        (WARNING, "distribution", "dct:license"),
    }


def breach(change) -> set[tuple[str, str, str, str]]:
    graph = complete_catalogue()
    change(graph)
    return found(graph)


def test_blank_node_dataset_distribution_publisher_contact_and_catalogue():
    for node, kind in ((DATASET, "dataset"), (DISTRIBUTION, "distribution"), (PUBLISHER, "publisher"),
                       (CONTACT, "contact point"), (CATALOGUE, "catalogue")):
        blank = BNode()
        findings = breach(lambda graph, node=node, blank=blank: rename(graph, node, blank))
        assert (VIOLATION, kind, str(blank), "") in findings, kind


def test_relative_iri_blocks_the_harvest():
    text = (OBLIGATORISKT.read_bytes()
            .replace(b'rdf:resource="http://example.com/api"', b'rdf:resource="files/api"'))
    findings = harvest_rule_findings(parse_rdf(text, "xml", "feed.rdf"))
    assert any(f.severity == BLOCKING and f.property == "dcat:accessURL" and f.value == "files/api"
               for f in findings)


def test_iri_with_a_space_blocks_the_harvest():
    findings = breach(lambda graph: graph.set((DISTRIBUTION, DCAT.accessURL, URIRef("https://example.se/a b.csv"))))
    assert (BLOCKING, "", str(DISTRIBUTION), "dcat:accessURL") in findings


def test_catalog_record_is_not_allowed():
    record = URIRef("https://data.example.se/record/1")
    findings = breach(lambda graph: graph.add((record, RDF.type, DCAT.CatalogRecord)))
    assert (VIOLATION, "catalogue record", str(record), "") in findings


@pytest.mark.parametrize("licence", [
    None, "http://creativecommons.org/licenses/by/4.0/", "https://creativecommons.org/publicdomain/zero/1.0/",
    "http://creativecommons.org/publicdomain/zero/1.0",
])
def test_catalogue_licence_must_be_exactly_cc0(licence):
    def change(graph):
        graph.remove((CATALOGUE, DCT.license, None))
        if licence:
            graph.add((CATALOGUE, DCT.license, URIRef(licence)))
    assert (VIOLATION, "catalogue", str(CATALOGUE), "dct:license") in breach(change)


def test_missing_publisher_on_catalogue_and_dataset():
    findings = breach(lambda graph: graph.remove((None, DCT.publisher, None)))
    assert (VIOLATION, "catalogue", str(CATALOGUE), "dct:publisher") in findings
    assert (VIOLATION, "dataset", str(DATASET), "dct:publisher") in findings


def test_publisher_without_type_or_name():
    findings = breach(lambda graph: graph.remove((PUBLISHER, DCT.type, None)))
    assert (VIOLATION, "publisher", str(PUBLISHER), "dct:type") in findings
    findings = breach(lambda graph: graph.remove((PUBLISHER, FOAF.name, None)))
    assert (VIOLATION, "publisher", str(PUBLISHER), "foaf:name") in findings


def test_publisher_type_outside_adms_list():
    findings = breach(lambda graph: graph.set((PUBLISHER, DCT.type, URIRef("https://example.se/kommun"))))
    assert (VIOLATION, "publisher", str(PUBLISHER), "dct:type") in findings


def test_publisher_uri_convention_is_asked_of_swedish_publishers_only():
    finnish = URIRef("https://tietopalvelu.ytj.fi/yritys/0211675-2")

    def to_finnish(graph):
        rename(graph, PUBLISHER, finnish)
        graph.set((finnish, DCT.identifier, Literal("0211675-2")))

    assert all(subject != str(finnish) for _, _, subject, _ in breach(to_finnish))
    swedish_elsewhere = URIRef("https://sundsvall.se/#kommunen")
    findings = breach(lambda graph: rename(graph, PUBLISHER, swedish_elsewhere))
    assert any(kind == WARNING and subject == str(swedish_elsewhere) for kind, _, subject, _ in findings)


@pytest.mark.parametrize(("predicate", "replacement", "prop"), [
    (RDF.type, VCARD.Kind, "rdf:type"),
    (VCARD.fn, None, "vcard:fn"),
    (VCARD.hasEmail, None, "vcard:hasEmail"),
    (VCARD.hasEmail, Literal("oppnadata@sundsvall.se"), "vcard:hasEmail"),
])
def test_contact_point_needs_vcard_type_name_and_mailto(predicate, replacement, prop):
    def change(graph):
        graph.remove((CONTACT, predicate, None))
        if replacement is not None:
            graph.add((CONTACT, predicate, replacement))
    assert (VIOLATION, "contact point", str(CONTACT), prop) in breach(change)


def test_distribution_needs_exactly_one_access_url():
    findings = breach(lambda graph: graph.remove((DISTRIBUTION, DCAT.accessURL, None)))
    assert (VIOLATION, "distribution", str(DISTRIBUTION), "dcat:accessURL") in findings
    findings = breach(lambda graph: graph.add((DISTRIBUTION, DCAT.accessURL, URIRef("https://example.se/2"))))
    assert (VIOLATION, "distribution", str(DISTRIBUTION), "dcat:accessURL") in findings


def test_distribution_format_missing_or_not_a_media_type():
    findings = breach(lambda graph: graph.remove((DISTRIBUTION, DCT["format"], None)))
    assert (VIOLATION, "distribution", str(DISTRIBUTION), "dct:format") in findings
    findings = breach(lambda graph: graph.set((DISTRIBUTION, DCT["format"], Literal("CSV"))))
    assert (VIOLATION, "distribution", str(DISTRIBUTION), "dct:format") in findings


def test_iana_media_type_literal_is_an_accepted_format():
    assert breach(lambda graph: graph.set((DISTRIBUTION, DCT["format"], Literal("text/csv")))) == set()


def test_file_type_format_needs_a_media_type_beside_it():
    findings = breach(lambda graph: graph.remove((DISTRIBUTION, DCAT.mediaType, None)))
    assert (VIOLATION, "distribution", str(DISTRIBUTION), "dcat:mediaType") in findings


def test_text_without_language_tag():
    findings = breach(lambda graph: graph.set((DATASET, DCT.title, Literal("Fakturor"))))
    assert (VIOLATION, "dataset", str(DATASET), "dct:title") in findings
    findings = breach(lambda graph: graph.set((CATALOGUE, DCT.description, Literal("Katalog"))))
    assert (VIOLATION, "catalogue", str(CATALOGUE), "dct:description") in findings
    findings = breach(lambda graph: graph.set((DATASET, DCAT.keyword, Literal("fakturor"))))
    assert (WARNING, "dataset", str(DATASET), "dcat:keyword") in findings


def test_missing_title_and_description():
    findings = breach(lambda graph: graph.remove((DATASET, DCT.description, None)))
    assert (VIOLATION, "dataset", str(DATASET), "dct:description") in findings


def test_same_uri_for_contact_point_and_publisher():
    findings = breach(lambda graph: graph.set((DATASET, DCAT.contactPoint, PUBLISHER)))
    assert (VIOLATION, "publisher", str(PUBLISHER), "") in findings


def test_distribution_findings_name_their_dataset():
    graph = complete_catalogue()
    graph.remove((DISTRIBUTION, DCT["format"], None))
    (finding,) = [f for f in harvest_rule_findings(graph) if f.property == "dct:format"]
    assert finding.dataset == str(DATASET)
