"""The per-organisation harvest URL and the site-wide /catalog.* endpoints."""

import ckan.plugins.toolkit as toolkit
import pytest
import rdflib
from ckan.tests import factories
from lxml import etree
from rdflib import URIRef
from rdflib.namespace import RDF

from tests.reference import DCAT_AP_SHAPES
from tests.shacl import OWN_SHAPES, severities, shacl_results
from tests.supplier_invoices import (
    SUNDSVALL,
    TAMPERE,
    VASTERAS,
    create_organisation,
    create_supplier_invoice,
    sysadmin_context,
)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
FEED = "http://test.ckan.net/organization/sundsvall/catalog"


def dataset_uris(graph):
    return {str(d).rsplit("/", 1)[-1] for d in graph.subjects(RDF.type, DCAT.Dataset)}


def get_feed(app, path="/organization/sundsvall/catalog", **kwargs):
    response = app.get(path, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_feed_is_rdf_xml_with_the_whole_public_catalogue(app):
    sundsvall = create_organisation(SUNDSVALL)
    datasets = [create_supplier_invoice(sundsvall, year=year) for year in range(2019, 2026)]
    create_supplier_invoice(create_organisation(VASTERAS))
    response = get_feed(app)
    assert response.headers["Content-Type"].startswith("application/rdf+xml")
    etree.fromstring(response.data)
    graph = rdflib.Graph().parse(data=response.data, format="xml")
    assert dataset_uris(graph) == {d["id"] for d in datasets}
    catalogue = URIRef(FEED)
    assert (catalogue, RDF.type, DCAT.Catalog) in graph
    assert graph.value(catalogue, DCT.publisher) == URIRef("http://dataportal.se/organisation/SE2120002411")
    assert graph.value(catalogue, DCT.license) == URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
    assert {t.language for t in graph.objects(catalogue, DCT.title)} == {"sv", "en"}
    assert graph.value(catalogue, rdflib.FOAF.homepage) == URIRef("https://sundsvall.se")
    assert set(graph.objects(catalogue, DCT.language)) == {
        URIRef("http://publications.europa.eu/resource/authority/language/SWE"),
        URIRef("http://publications.europa.eu/resource/authority/language/ENG"),
    }
    assert (None, HYDRA.next, None) not in graph and (None, RDF.type, HYDRA.PagedCollection) not in graph


def test_feed_validates_against_official_and_project_shapes(app):
    create_supplier_invoice(create_organisation(TAMPERE))
    graph = rdflib.Graph().parse(data=get_feed(app, "/organization/tampere/catalog").data, format="xml")
    assert severities(shacl_results(graph, DCAT_AP_SHAPES / "shapes.ttl"))["Violation"] == 0
    assert shacl_results(graph, DCAT_AP_SHAPES / "shapes_recommended.ttl") == []
    assert shacl_results(graph, OWN_SHAPES) == []


@pytest.mark.parametrize(
    ("path", "headers", "content_type", "rdf_format"),
    [
        ("/organization/sundsvall/catalog.ttl", {}, "text/turtle", "turtle"),
        ("/organization/sundsvall/catalog.jsonld", {}, "application/ld+json", "json-ld"),
        ("/organization/sundsvall/catalog.rdf", {}, "application/rdf+xml", "xml"),
        ("/organization/sundsvall/catalog", {"Accept": "text/turtle"}, "text/turtle", "turtle"),
        ("/organization/sundsvall/catalog", {"Accept": "text/html,*/*"}, "application/rdf+xml", "xml"),
    ],
)
def test_turtle_and_json_ld_on_request(app, path, headers, content_type, rdf_format):
    create_supplier_invoice(create_organisation(SUNDSVALL))
    response = get_feed(app, path, headers=headers)
    assert response.headers["Content-Type"].startswith(content_type)
    graph = rdflib.Graph().parse(data=response.data, format=rdf_format)
    assert (URIRef(FEED), RDF.type, DCAT.Catalog) in graph


def test_private_draft_and_deleted_datasets_never_in_org_feed(app):
    sundsvall = create_organisation(SUNDSVALL)
    public = create_supplier_invoice(sundsvall, year=2025)
    private = create_supplier_invoice(sundsvall, year=2024, private=True)
    draft = create_supplier_invoice(sundsvall, year=2023, state="draft")
    deleted = create_supplier_invoice(sundsvall, year=2022)
    toolkit.get_action("package_delete")(sysadmin_context(), {"id": deleted["id"]})
    assert toolkit.get_action("package_show")({"ignore_auth": True}, {"id": draft["id"]})["state"] == "draft"

    text = get_feed(app).get_data(as_text=True)
    for hidden in (private, draft, deleted):
        assert hidden["id"] not in text
    assert dataset_uris(rdflib.Graph().parse(data=text, format="xml")) == {public["id"]}


def test_private_dataset_never_in_org_feed_even_for_its_editors(app):
    sundsvall = create_organisation(SUNDSVALL)
    private = create_supplier_invoice(sundsvall, private=True)
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    assert private["id"] not in get_feed(app, headers={"Authorization": token}).get_data(as_text=True)


def test_unknown_organisation_or_format_is_refused(app):
    assert app.get("/organization/nowhere/catalog").status_code == 404
    create_organisation(SUNDSVALL)
    assert app.get("/organization/sundsvall/catalog.csv").status_code == 400


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2)
def test_site_wide_catalogue_keeps_working_with_hydra_paging(app):
    sundsvall = create_organisation(SUNDSVALL)
    datasets = [create_supplier_invoice(sundsvall, year=year) for year in (2023, 2024, 2025)]
    private = create_supplier_invoice(sundsvall, year=2022, private=True)
    factories.Dataset(title="Badplatser")

    first = rdflib.Graph().parse(data=app.get("/catalog.ttl").data, format="turtle")
    assert len(dataset_uris(first)) == 2
    assert next(first.objects(None, HYDRA.totalItems)).toPython() == 4
    second_page = str(next(first.objects(None, HYDRA.next)))
    second = rdflib.Graph().parse(data=app.get(second_page.replace("http://test.ckan.net", "")).data,
                                  format="turtle")
    seen = dataset_uris(first) | dataset_uris(second)
    assert {d["id"] for d in datasets} <= seen
    assert private["id"] not in seen
    assert app.get("/catalog.rdf").status_code == 200


@pytest.mark.ckan_config("ckanext.openup.site_publisher", "sundsvall")
def test_site_wide_catalogue_names_the_configured_publisher(app):
    create_supplier_invoice(create_organisation(SUNDSVALL))
    graph = rdflib.Graph().parse(data=app.get("/catalog.ttl").data, format="turtle")
    catalogue = URIRef("http://test.ckan.net")
    assert graph.value(catalogue, DCT.publisher) == URIRef("http://dataportal.se/organisation/SE2120002411")
    assert graph.value(catalogue, DCT.license) == URIRef("http://creativecommons.org/publicdomain/zero/1.0/")


def test_single_dataset_endpoint_uses_the_dcat_ap_se_profile(app):
    dataset = create_supplier_invoice(create_organisation(SUNDSVALL))
    response = app.get(f"/dataset/{dataset['id']}.rdf")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.data, format="xml")
    dataset_ref = URIRef(f"http://test.ckan.net/dataset/{dataset['id']}")
    assert graph.value(dataset_ref, DCT.publisher) == URIRef("http://dataportal.se/organisation/SE2120002411")


def test_uploaded_monthly_files_are_downloadable_in_the_feed(app):
    import io

    from werkzeug.datastructures import FileStorage

    from ckanext.openup.demo.invoices import month_csv

    tampere = create_organisation(TAMPERE)
    dataset = create_supplier_invoice(tampere, resources=[])
    for month in (1, 2):
        toolkit.get_action("resource_create")(
            sysadmin_context(),
            {
                "package_id": dataset["id"],
                "format": "CSV",
                "period": f"2025-{month:02d}",
                "upload": FileStorage(
                    io.BytesIO(month_csv(TAMPERE, 2025, month, rows=3)), filename=f"2025-{month:02d}.csv"
                ),
            },
        )
    graph = rdflib.Graph().parse(data=get_feed(app, "/organization/tampere/catalog").data, format="xml")
    downloads = sorted(str(url) for url in graph.objects(None, DCAT.downloadURL))
    assert len(downloads) == 2
    assert all(url.startswith("http://test.ckan.net/supplier-invoices/") and url.endswith(".csv") for url in downloads)
    assert shacl_results(graph, OWN_SHAPES) == []


def test_organisation_without_datasets_still_has_a_readable_catalogue(app):
    create_organisation(VASTERAS)
    graph = rdflib.Graph().parse(data=get_feed(app, "/organization/vasteras/catalog").data, format="xml")
    catalogue = URIRef("http://test.ckan.net/organization/vasteras/catalog")
    assert (catalogue, RDF.type, DCAT.Catalog) in graph
    assert graph.value(catalogue, DCT.publisher) == URIRef("http://dataportal.se/organisation/SE2120002080")


def test_hostile_organisation_title_gives_well_formed_rdf_xml(app):
    hostile = "Sundsvalls\x07 kommun <script>alert(1)</script> \u202e💸"
    organisation = create_organisation(SUNDSVALL, title=hostile, description="Öppna\x01 data & mer ]]>")
    create_supplier_invoice(organisation)
    response = get_feed(app)
    etree.fromstring(response.data)
    graph = rdflib.Graph().parse(data=response.data, format="xml")
    names = {str(name) for name in graph.objects(None, rdflib.FOAF.name)}
    assert names == {"Sundsvalls kommun <script>alert(1)</script> \u202e💸"}


@pytest.mark.parametrize("query", ["Badplatser%07", "Badplatser%0B%01"])
def test_site_wide_catalogue_stays_well_formed_whatever_the_query(app, query):
    factories.Dataset(title="Badplatser")
    response = app.get(f"/catalog.rdf?q={query}")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.data, format="xml")
    assert len(dataset_uris(graph)) == 1


def test_site_wide_catalogue_with_markup_in_the_query_lists_what_search_finds(app):
    # Whether the word `b` of `<b>` must match is the backend's dismax `mm` (Solr requires it, openup_search
    # does not; docs/search-backend.md); the feed is well formed and agrees with search either way.
    factories.Dataset(title="Badplatser")
    response = app.get("/catalog.rdf?q=Badplatser <b>")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.data, format="xml")
    found = toolkit.get_action("package_search")({"ignore_auth": True}, {"q": "Badplatser <b>"})["count"]
    assert len(dataset_uris(graph)) == found <= 1


def test_streamed_feed_holds_every_search_page_and_the_same_graph_as_one_serialisation(app, monkeypatch):
    from rdflib.compare import isomorphic

    from ckanext.openup import harvest_feed

    monkeypatch.setattr(harvest_feed, "SEARCH_PAGE", 2)
    sundsvall = create_organisation(SUNDSVALL)
    for year in range(2021, 2026):
        create_supplier_invoice(sundsvall, year=year)
    text = get_feed(app).get_data(as_text=True)
    etree.fromstring(text.encode())
    streamed = rdflib.Graph().parse(data=text, format="xml")
    assert len(dataset_uris(streamed)) == 5
    # Shared nodes (publisher, series) are written once, not once per dataset.
    assert text.count('rdf:about="http://dataportal.se/organisation/SE2120002411"') == 1
    assert text.count(f'rdf:about="{FEED}#supplier-invoices"') == 1

    with app.flask_app.test_request_context():
        datasets = harvest_feed.public_datasets(sundsvall["id"])
        serializer = harvest_feed.OrganisationCatalogueSerializer()
        whole = serializer.serialize_catalog(
            harvest_feed.catalogue_description(sundsvall, datasets), datasets, _format="xml")
    assert isomorphic(streamed, rdflib.Graph().parse(data=whole, format="xml"))
