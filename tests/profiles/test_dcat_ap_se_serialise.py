"""DCAT-AP-SE profile, CKAN -> RDF: what dataportal.se and the DCAT-AP 3.0.1 shapes require."""

import re

import ckan.plugins.toolkit as toolkit
import pytest
import rdflib
from ckan.tests import factories
from ckanext.dcat.processors import RDFSerializer
from lxml import etree
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from tests.profiles.feeds import catalogue_graph, three_organisations_feed
from tests.reference import DCAT_AP_SHAPES
from tests.shacl import OWN_SHAPES, severities, shacl_results
from tests.supplier_invoices import SUNDSVALL, TAMPERE, create_organisation, create_supplier_invoice

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


_BUILT: dict = {}


@pytest.fixture
def feed():
    """One feed of three organisations, built once: the tests only read it (building takes seconds)."""
    if "graph" not in _BUILT:
        _BUILT["graph"] = three_organisations_feed()[1]
    return _BUILT["graph"]


def test_feed_of_three_organisations_has_no_dcat_ap_violations(feed):
    results = shacl_results(feed, DCAT_AP_SHAPES / "shapes.ttl")
    assert severities(results)["Violation"] == 0, results


def test_fully_described_supplier_invoice_has_no_recommended_warnings(feed):
    results = shacl_results(feed, DCAT_AP_SHAPES / "shapes_recommended.ttl")
    assert results == []


def test_range_shapes_only_miss_what_needs_inference_or_geometry(feed):
    # Typing a Geonames or country IRI dct:Location would ask for its geometry (shapes_recommended), and
    # a dcat:DatasetSeries listed with dcat:dataset is a dcat:Dataset only by DCAT's subclass axiom.
    results = shacl_results(feed, DCAT_AP_SHAPES / "range.ttl")
    assert {result["path"] for result in results} == {str(DCT.spatial), str(DCAT.dataset)}


def test_feed_conforms_to_the_project_dcat_ap_se_shapes(feed):
    results = shacl_results(feed, OWN_SHAPES)
    assert results == []


def test_publisher_is_named_by_organisation_number(feed):
    publisher = URIRef("http://dataportal.se/organisation/SE2120002411")
    assert (publisher, RDF.type, FOAF.Agent) in feed
    assert feed.value(publisher, DCT.type) == URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    assert feed.value(publisher, DCT.identifier) == Literal("2120002411")
    assert feed.value(publisher, FOAF.name) == Literal("Sundsvalls kommun", lang="sv")


def test_finnish_publisher_uri_comes_from_the_y_tunnus(feed):
    publisher = URIRef("https://tietopalvelu.ytj.fi/yritys/0211675-2")
    assert feed.value(publisher, DCT.identifier) == Literal("0211675-2")
    assert feed.value(publisher, FOAF.name) == Literal("Tampereen kaupunki", lang="fi")


def test_each_dataset_has_exactly_one_publisher_and_a_uri_contact_point(feed):
    for dataset in feed.subjects(RDF.type, DCAT.Dataset):
        assert len(list(feed.objects(dataset, DCT.publisher))) == 1
        contact = feed.value(dataset, DCAT.contactPoint)
        assert isinstance(contact, URIRef)
        assert (contact, RDF.type, VCARD.Organization) in feed
        assert str(feed.value(contact, VCARD.hasEmail)).startswith("mailto:")
        assert feed.value(contact, VCARD.fn).language in ("sv", "fi")
        assert contact not in set(feed.objects(None, DCT.publisher))


def test_every_free_text_literal_has_a_language_tag(feed):
    free_text = {DCT.title, DCT.description, DCAT.keyword, FOAF.name, VCARD.fn, rdflib.RDFS.label}
    untagged = [(s, p, o) for s, p, o in feed if p in free_text and isinstance(o, Literal) and not o.language]
    assert untagged == []


def test_formats_are_eu_file_type_and_iana_media_type_iris(feed):
    for distribution in feed.subjects(RDF.type, DCAT.Distribution):
        assert list(feed.objects(distribution, DCT["format"])) == [
            URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")
        ]
        assert feed.value(distribution, DCAT.mediaType) == URIRef(
            "http://www.iana.org/assignments/media-types/text/csv"
        )


def test_every_distribution_has_one_access_and_one_download_url(feed):
    distributions = list(feed.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 12
    for distribution in distributions:
        assert len(list(feed.objects(distribution, DCAT.accessURL))) == 1
        assert len(list(feed.objects(distribution, DCAT.downloadURL))) == 1
        assert feed.value(distribution, DCT.license) == URIRef("http://creativecommons.org/licenses/by/4.0/")


def test_dataset_identifier_is_the_ckan_uuid(feed):
    for dataset in feed.subjects(RDF.type, DCAT.Dataset):
        identifier = feed.value(dataset, DCT.identifier)
        assert UUID.match(str(identifier)) and str(dataset).endswith(str(identifier))


def test_no_blank_nodes_for_catalogue_dataset_distribution_publisher_or_contact(feed):
    for cls in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, FOAF.Agent, VCARD.Organization):
        assert not any(isinstance(node, BNode) for node in feed.subjects(RDF.type, cls)), cls
    for predicate in (DCT.publisher, DCAT.contactPoint, DCAT.distribution, DCAT.dataset):
        assert not any(isinstance(node, BNode) for node in feed.objects(None, predicate)), predicate
    assert (None, RDF.type, DCAT.CatalogRecord) not in feed
    assert (None, DCAT.record, None) not in feed


def test_catalogue_is_cc0_with_publisher_and_tagged_title(feed):
    catalogue = feed.value(predicate=RDF.type, object=DCAT.Catalog, any=False)
    assert feed.value(catalogue, DCT.license) == URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
    assert feed.value(catalogue, DCT.publisher) == URIRef("http://dataportal.se/organisation/SE2120002411")
    assert {t.language for t in feed.objects(catalogue, DCT.title)} == {"sv", "en"}
    listed = set(feed.objects(catalogue, DCAT.dataset))
    assert len(listed & set(feed.subjects(RDF.type, DCAT.Dataset))) == 6
    assert len(listed & set(feed.subjects(RDF.type, DCAT.DatasetSeries))) == 3


def test_yearly_datasets_form_one_series_per_organisation(feed):
    series = URIRef("http://test.ckan.net/organization/tampere/catalog#supplier-invoices")
    assert (series, RDF.type, DCAT.DatasetSeries) in feed
    assert len(list(feed.subjects(DCAT.inSeries, series))) == 2
    assert {t.language for t in feed.objects(series, DCT.title)} == {"fi", "sv", "en"}
    assert feed.value(series, DCT.publisher) == URIRef("https://tietopalvelu.ytj.fi/yritys/0211675-2")
    members_conform = {feed.value(d, DCT.conformsTo) for d in feed.subjects(DCAT.inSeries, series)}
    assert members_conform == {feed.value(series, DCT.conformsTo)}


def test_temporal_coverage_is_the_calendar_year(feed):
    for dataset in feed.subjects(RDF.type, DCAT.Dataset):
        period = feed.value(dataset, DCT.temporal)
        start = feed.value(period, DCAT.startDate)
        assert start.datatype == XSD.date and str(start).endswith("-01-01")


def test_hostile_text_gives_well_formed_rdf_xml():
    organisation = create_organisation(SUNDSVALL)
    hostile = "Fakturor \x00\x01\x0b <script>alert('x')</script> \u202eRTL\u200f 💸 & ]]> " + "å" * 100_000
    dataset = factories.Dataset(
        owner_org=organisation["id"],
        title="Fakturor <b>\x07",
        notes=hostile.replace("\x00", ""),
        tags=[{"name": "ekonomi"}],
        resources=[{"url": "https://example.org/a file.csv", "name": "Jan\x08uari", "format": "CSV"}],
    )
    invoices = create_supplier_invoice(organisation, notes_translated={"sv": hostile, "en": "Invoices 🧾"})
    text, graph = catalogue_graph(organisation, [dataset, invoices])
    etree.fromstring(text.encode("utf-8"))  # raises on malformed XML
    descriptions = [str(o) for o in graph.objects(None, DCT.description)]
    assert any("<script>alert('x')</script>" in d and "💸" in d and "\u202e" in d for d in descriptions)
    assert not any(c in "".join(descriptions) for c in "\x00\x01\x07\x08\x0b")
    assert URIRef("https://example.org/a%20file.csv") in set(graph.objects(None, DCAT.accessURL))


def test_plain_dataset_without_organisation_still_serialises():
    dataset = factories.Dataset(title="Badplatser", maintainer_email="info@example.se")
    shown = toolkit.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})
    graph = rdflib.Graph().parse(data=RDFSerializer().serialize_dataset(shown, _format="xml"), format="xml")
    dataset_ref = URIRef(f"http://test.ckan.net/dataset/{dataset['id']}")
    assert graph.value(dataset_ref, DCT.title) == Literal("Badplatser", lang="sv")
    assert isinstance(graph.value(dataset_ref, DCAT.contactPoint), URIRef)


def test_finnish_dataset_literals_are_tagged_finnish_first():
    organisation = create_organisation(TAMPERE)
    dataset = create_supplier_invoice(organisation)
    _, graph = catalogue_graph(organisation, [dataset])
    distribution = next(graph.subjects(RDF.type, DCAT.Distribution))
    assert graph.value(distribution, DCT.title).language == "fi"
    assert {t.language for t in graph.objects(None, DCT.title) if t.startswith("Ostolaskut")} == {"fi"}


def test_relative_or_broken_urls_never_reach_the_feed():
    organisation = create_organisation(SUNDSVALL)
    dataset = factories.Dataset(
        owner_org=organisation["id"],
        url="www.sundsvall.se/data",
        resources=[{"url": "files/januari 2025.csv", "format": "CSV"}],
    )
    _, graph = catalogue_graph(organisation, [dataset])
    iris = {str(node) for triple in graph for node in triple if isinstance(node, URIRef)}
    assert not [iri for iri in iris if not re.match(r"^[a-z][a-z0-9+.-]*:", iri)]


def test_catalogue_with_plain_string_title_and_description_serialises_and_parses():
    # ckanext-dcat accepts a catalogue dict whose title and description are plain strings (its
    # test_parse_subcatalog); they are then in the site's default language.
    catalogue = {"title": "Sundsvalls öppna data", "description": "Leverantörsfakturor & avtal"}
    text = RDFSerializer().serialize_catalog(catalogue, _format="xml")
    graph = rdflib.Graph().parse(data=text, format="xml")
    catalogue_ref = graph.value(predicate=RDF.type, object=DCAT.Catalog, any=False)
    default_language = (toolkit.config.get("ckan.locale_default") or "en").split("_")[0]
    assert graph.value(catalogue_ref, DCT.title) == Literal("Sundsvalls öppna data", lang=default_language)
    assert graph.value(catalogue_ref, DCT.description) == Literal("Leverantörsfakturor & avtal", lang=default_language)
