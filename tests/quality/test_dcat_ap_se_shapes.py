"""The project's DCAT-AP-SE shapes catch what dataportal.se rejects or warns about."""

from pathlib import Path

import rdflib

from ckanext.openup.quality import DCAT_AP_SE_SHAPES
from tests.reference import OBLIGATORISKT
from tests.shacl import OWN_SHAPES, shacl_results

BROKEN = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .

<https://example.se/catalog> a dcat:Catalog ;
    dct:title "Katalog" ;
    dct:description "Beskrivning"@sv ;
    dct:license <http://creativecommons.org/licenses/by/4.0/> ;
    dct:publisher [ a foaf:Agent ; foaf:name "Kommunen" ] ;
    dcat:dataset <https://example.se/dataset/1> ;
    dcat:record [ a dcat:CatalogRecord ] .

<https://example.se/dataset/1> a dcat:Dataset ;
    dct:title "Fakturor"@sv ;
    dct:description "Betalda fakturor"@sv ;
    dct:publisher <https://example.se/contact> ;
    dcat:contactPoint <https://example.se/contact> ;
    dcat:distribution [ a dcat:Distribution ; dcat:accessURL <https://example.se/a.csv> ] .

<https://example.se/contact> a vcard:Kind, foaf:Agent ;
    foaf:name "Kommunen"@sv ;
    vcard:fn "Kontakt"@sv ;
    vcard:hasEmail "kontakt@example.se" .
"""


def messages(results, severity="Violation"):
    return {r["message"] for r in results if r["severity"] == severity}


def test_shapes_ship_inside_the_package():
    assert Path(str(DCAT_AP_SE_SHAPES)) == OWN_SHAPES
    assert rdflib.Graph().parse(str(DCAT_AP_SE_SHAPES), format="turtle")


def test_harvest_breaking_catalogue_is_reported_rule_by_rule():
    found = messages(shacl_results(rdflib.Graph().parse(data=BROKEN, format="turtle"), OWN_SHAPES))
    assert "Catalogue title: at least one, each with a language tag" in found
    assert "Catalogue licence: exactly one, CC0 (http://creativecommons.org/publicdomain/zero/1.0/)" in found
    assert "Catalogue: exactly one publisher, a foaf:Agent named by an IRI" in found
    assert "dcat:CatalogRecord is not allowed by dataportal.se" in found
    assert "A distribution must be named by an IRI, not a blank node" in found
    assert "Distribution: exactly one format (EU file-type IRI or IANA media type)" in found
    assert "Contact point: an e-mail address as a mailto: IRI" in found
    assert "Publisher: exactly one dct:type from the ADMS publisher types" in found
    assert "The same URI must not name both a contact point and a publisher" in found


def test_digg_version_2_example_misses_only_publisher_type_and_format():
    # obligatoriskt.rdf predates DCAT-AP-SE 3.0.1, which made both mandatory.
    results = shacl_results(rdflib.Graph().parse(OBLIGATORISKT, format="xml"), OWN_SHAPES)
    assert messages(results) == {
        "Publisher: exactly one dct:type from the ADMS publisher types",
        "Distribution: exactly one format (EU file-type IRI or IANA media type)",
    }
    assert "An English title is expected beside the Swedish one" in messages(results, "Warning")
