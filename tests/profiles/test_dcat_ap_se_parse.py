"""DCAT-AP-SE profile, RDF -> CKAN: DIGG's example and our own feeds parse back to the same statements."""


import pytest
import rdflib
from ckanext.dcat.processors import RDFParser, RDFSerializer
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from tests.profiles.feeds import catalogue_graph
from tests.reference import OBLIGATORISKT
from tests.supplier_invoices import SUNDSVALL, create_organisation, create_supplier_invoice

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")


def parse(text: str, _format: str = "xml", dataset_type: str = "dataset") -> list[dict]:
    parser = RDFParser(dataset_type=dataset_type)
    parser.parse(text, _format=_format)
    return list(parser.datasets())


def without_catalogue(graph: rdflib.Graph) -> rdflib.Graph:
    catalogues = set(graph.subjects(RDF.type, DCAT.Catalog))
    out = rdflib.Graph()
    for triple in graph:
        if triple[0] not in catalogues:
            out.add(triple)
    return out


def normalised(graph: rdflib.Graph) -> set:
    """The statements minus the documented normalisation of the serialiser (docs/harvesting.md):
    untagged free text gets the primary language (sv), dct:language is stated, contact points are also
    typed vcard:Kind and URLs rdfs:Resource."""
    out = set()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language is None and o.datatype is None:
            o = Literal(str(o), lang="sv")
        out.add((s, p, o))
    return {
        (s, p, o)
        for s, p, o in out
        if p != DCT.language and o not in (VCARD.Kind, RDFS.Resource, DCT.LinguisticSystem)
    }


@pytest.mark.usefixtures("with_plugins")
def test_obligatoriskt_example_round_trips_with_the_same_statements():
    original = rdflib.Graph().parse(OBLIGATORISKT, format="xml")
    [dataset] = parse(OBLIGATORISKT.read_text(encoding="utf-8"))
    assert dataset["title"] == "Matvaruaffärer i Sverige"

    serializer = RDFSerializer()
    serializer.graph_from_dataset(dataset)
    written = rdflib.Graph()
    for triple in serializer.g:
        written.add(triple)

    assert normalised(written) == normalised(without_catalogue(original))
    # The documented additions, and nothing else.
    extra = set(written) - set(original)
    assert {p for _, p, _ in extra} <= {DCT.language, RDF.type, rdflib.FOAF.name, VCARD.fn}


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_supplier_invoice_feed_parses_back_to_the_schema_fields():
    organisation = create_organisation(SUNDSVALL)
    created = create_supplier_invoice(organisation)
    text, _ = catalogue_graph(organisation, [created])
    [dataset] = parse(text, dataset_type="supplier-invoices")

    assert dataset["title_translated"]["sv"] == "Leverantörsfakturor 2025"
    assert dataset["title_translated"]["en"] == "Supplier invoices 2025"
    assert set(dataset["tags_translated"]["sv"]) == {"leverantörsfakturor", "inköp"}
    assert dataset["license_id"] == "cc-by"
    assert dataset["year"] == "2025"
    assert dataset["contact_email"] == "oppnadata@sundsvall.se"
    resource = dataset["resources"][0]
    assert (resource["format"], resource["mimetype"], resource["hash_algorithm"]) == ("CSV", "text/csv", "sha256")
    assert resource["url"].startswith("https://example.org/sundsvall/")


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_feed_serialises_identically_after_a_parse_and_serialise_cycle():
    organisation = create_organisation(SUNDSVALL)
    created = create_supplier_invoice(organisation)
    text, first = catalogue_graph(organisation, [created])
    [dataset] = parse(text, dataset_type="supplier-invoices")
    dataset["id"] = created["id"]
    dataset["type"] = "supplier-invoices"
    dataset["organization"] = {"id": organisation["id"]}
    serializer = RDFSerializer()
    serializer.graph_from_dataset(dataset)
    dataset_ref = URIRef(f"http://test.ckan.net/dataset/{created['id']}")
    def named(graph):
        return {(p, o) for p, o in graph.predicate_objects(dataset_ref) if not isinstance(o, rdflib.BNode)}

    assert named(serializer.g) == named(first)
