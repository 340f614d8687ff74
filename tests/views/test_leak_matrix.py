"""Private, draft and deleted supplier-invoice datasets never leak, whoever asks and wherever they look.

Every surface that lists or shows datasets (feeds, catalogue, API, pages) is asked by an anonymous visitor
and by an administrator of another organisation, for a dataset in each hidden state; the response bodies
must not hold its unique marker, name or id. Two controls prove the test can tell: the same surfaces show
a public dataset, and a plain member of the owning organisation sees the private one where CKAN shows it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import ckan.plugins.toolkit as toolkit
import pytest
import rdflib
from ckan.tests import factories

from tests.fresh_catalogue import fresh_catalogue
from tests.rows.invoice_months import month_text, upload_month
from tests.supplier_invoices import SUNDSVALL, VASTERAS, create_organisation, create_supplier_invoice, sysadmin_context

pytestmark = [
    pytest.mark.usefixtures("with_plugins"),
    # One dataset a page, so the site-wide catalogue's Hydra paging is walked.
    pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 1),
]

HYDRA_NEXT = rdflib.URIRef("http://www.w3.org/ns/hydra/core#next")
SITE_URL = "http://test.ckan.net"
HIDDEN_STATES = ("private", "draft", "deleted")
# ASCII markers: JSON, Turtle and HTML may escape "ö", never these.
MARKERS = {"public": "publikmarker", "private": "privatmarker", "draft": "utkastmarker", "deleted": "raderadmarker"}
YEARS = {"public": 2025, "private": 2024, "draft": 2023, "deleted": 2022}


@pytest.fixture(scope="module")
def catalogue():
    """Sundsvall with one dataset per state, Västerås with its own; built once (the tests only read)."""
    with fresh_catalogue():
        sundsvall = create_organisation(SUNDSVALL)
        vasteras = create_organisation(VASTERAS)
        datasets = {}
        for state, marker in MARKERS.items():
            year = YEARS[state]
            datasets[state] = create_supplier_invoice(
                sundsvall, year=year,
                private=state == "private",
                title_translated={"sv": f"Leverantörsfakturor {year} {marker}",
                                  "en": f"Supplier invoices {year} {marker}"},
                resources=[{"url": f"https://example.org/sundsvall/{marker}-{year}-01.csv", "format": "CSV",
                            "period": f"{year}-01"}],
                **({"state": "draft"} if state == "draft" else {}),
            )
            # A month with rows in the DataStore, the marker in a supplier's name (last resource).
            rows = month_text(1, 30, year=year).replace("Leverantör 0 AB", f"Leverantör {marker} AB")
            month = upload_month(datasets[state], 1, rows, year=year)
            datasets[state] = toolkit.get_action("package_show")(sysadmin_context(), {"id": datasets[state]["id"]})
            [view] = toolkit.get_action("resource_view_list")(sysadmin_context(), {"id": month["id"]})
            datasets[state]["rows_view_id"] = view["id"]  # the month's DataTables preview
        toolkit.get_action("package_delete")(sysadmin_context(), {"id": datasets["deleted"]["id"]})
        datasets["deleted"] = dict(toolkit.get_action("package_show")(
            sysadmin_context(), {"id": datasets["deleted"]["id"]}), rows_view_id=datasets["deleted"]["rows_view_id"])
        create_supplier_invoice(vasteras, year=2025)

        other_org_admin = factories.User(name="vasteras-admin")
        owning_member = factories.User(name="sundsvall-member")
        for user, organisation, role in ((other_org_admin, vasteras, "admin"), (owning_member, sundsvall, "member")):
            toolkit.get_action("organization_member_create")(
                sysadmin_context(), {"id": organisation["id"], "username": user["name"], "role": role})
        tokens = {
            "anonymous": None,
            "other_org_admin": factories.APIToken(user=other_org_admin["name"])["token"],
            "owning_member": factories.APIToken(user=owning_member["name"])["token"],
        }
    states = {d["id"]: d["state"] for d in datasets.values()}
    assert list(states.values()) == ["active", "active", "draft", "deleted"], states
    return {"datasets": datasets, "tokens": tokens}


# -- surfaces: each returns the responses a viewer gets, given the dataset being looked for -------------

def _get(app, path: str, token: str | None, **kwargs):
    headers = dict(kwargs.pop("headers", {}), **({"Authorization": token} if token else {}))
    return app.get(path, headers=headers, **kwargs)


def _listing(path: str, **kwargs) -> Callable:
    return lambda app, token, dataset: [_get(app, path, token, **kwargs)]


def _api(action: str, **params) -> Callable:
    return _listing(f"/api/3/action/{action}", query_string=params)


def _site_catalogue(extension: str, rdf_format: str) -> Callable:
    """Every page of ckanext-dcat's /catalog.*, following hydra:next."""
    def surface(app, token, dataset):
        responses, path = [], f"/catalog.{extension}"
        while path and len(responses) < 20:
            responses.append(_get(app, path, token))
            if responses[-1].status_code != 200:
                break
            page = rdflib.Graph().parse(data=responses[-1].get_data(as_text=True), format=rdf_format)
            following = next(page.objects(None, HYDRA_NEXT), None)
            path = str(following).removeprefix(SITE_URL) if following else None
        assert len(responses) > 1, "the catalogue was not paged"
        return responses
    return surface


def _addressed(path_template: str, **form: str) -> Callable:
    """A URL naming the dataset itself (a hidden one must be refused); POSTed when there is a form."""
    def surface(app, token, dataset):
        path = path_template.format(id=dataset["id"], name=dataset["name"],
                                    resource_id=dataset["resources"][0]["id"],
                                    rows_id=dataset["resources"][-1]["id"], view_id=dataset["rows_view_id"])
        if form:
            return [app.post(path, data=form, headers={"Authorization": token} if token else {},
                             follow_redirects=True)]
        return [_get(app, path, token)]
    return surface


LISTINGS = {
    "org feed rdf": _listing("/organization/sundsvall/catalog.rdf"),
    "org feed ttl": _listing("/organization/sundsvall/catalog.ttl"),
    "org feed jsonld": _listing("/organization/sundsvall/catalog.jsonld"),
    "org feed negotiated": _listing("/organization/sundsvall/catalog", headers={"Accept": "text/turtle"}),
    "site catalogue rdf": _site_catalogue("rdf", "xml"),
    "site catalogue ttl": _site_catalogue("ttl", "turtle"),
    "site catalogue jsonld": _site_catalogue("jsonld", "json-ld"),
    "api package_search": _api("package_search", q="*:*", rows=1000, include_private="true",
                               include_drafts="true"),
    "api package_search by organisation": _api("package_search", fq="organization:sundsvall", rows=1000,
                                               include_private="true"),
    "api package_search supplier-invoices": _api("package_search", fq="dataset_type:supplier-invoices",
                                                 q="leverantörsfakturor", include_private="true"),
    "api package_list": _api("package_list"),
    "api current_package_list_with_resources": _api("current_package_list_with_resources", limit=1000),
    "api organization_show": _api("organization_show", id="sundsvall", include_datasets="true"),
    "api dataset autocomplete": _listing("/api/2/util/dataset/autocomplete", query_string={"incomplete": "sundsvall"}),
    "search page": _listing("/dataset/", query_string={"q": "leverantörsfakturor"}),
    "supplier-invoices search page": _listing("/supplier-invoices/"),
    "organisation page": _listing("/organization/sundsvall"),
    "organisation search page": _listing("/organization/sundsvall", query_string={"q": "leverantörsfakturor"}),
    "atom feed": _listing("/feeds/dataset.atom"),
    "organisation atom feed": _listing("/feeds/organization/sundsvall.atom"),
    "api datastore_search_sql table list": _api("datastore_search_sql", sql='SELECT * FROM "_table_metadata"'),
    "api datastore_search_sql rows bookkeeping": _api("datastore_search_sql", sql='SELECT * FROM "_openup_rows"'),
    "api datastore_search_sql row summaries": _api("datastore_search_sql",
                                                   sql='SELECT * FROM "_openup_row_summaries"'),
    "api datastore_search_sql row suppliers": _api("datastore_search_sql", sql='SELECT * FROM "_openup_row_suppliers"'),
    # Suppliers named in a month's rows make a dataset findable (by those who may see it).
    "api package_search by supplier": _api("package_search", q="Leverantör", include_private="true", rows=1000),
    "search page by supplier": _listing("/dataset/", query_string={"q": "Leverantör"}),
}
ADDRESSED = {
    "dataset rdf": _addressed("/dataset/{id}.rdf"),
    "dataset ttl": _addressed("/dataset/{id}.ttl"),
    "dataset jsonld": _addressed("/dataset/{name}.jsonld"),
    "dataset page": _addressed("/supplier-invoices/{name}"),
    "dataset page under /dataset": _addressed("/dataset/{id}"),
    "resource page": _addressed("/supplier-invoices/{name}/resource/{resource_id}"),
    "api package_show": _addressed("/api/3/action/package_show?id={id}"),
    "api resource_show": _addressed("/api/3/action/resource_show?id={resource_id}"),
    # The invoice rows in the DataStore (the DataStore's own auth follows the dataset's).
    "api datastore_search": _addressed("/api/3/action/datastore_search?resource_id={rows_id}&limit=100"),
    "api datastore_search full text": _addressed("/api/3/action/datastore_search?resource_id={rows_id}&q=upphandling"),
    "api datastore_search_sql": _addressed('/api/3/action/datastore_search_sql?sql=SELECT * FROM "{rows_id}"'),
    "api datastore_info": _addressed("/api/3/action/datastore_info?id={rows_id}"),
    "datastore dump csv": _addressed("/datastore/dump/{rows_id}?format=csv"),
    "rows resource page": _addressed("/supplier-invoices/{name}/resource/{rows_id}"),
    "rows preview": _addressed("/dataset/{id}/resource/{rows_id}/view/{view_id}"),
    "rows preview data": _addressed("/datatables/ajax/{view_id}", draw="1", start="0", length="100",
                                    **{"search[value]": ""}),
    "rows preview download": _addressed("/datatables/filtered-download/{view_id}", format="csv", params=json.dumps(
        {"search": {"value": ""}, "order": [], "visible": [True] * 20, "columns": []})),
    "year csv": _addressed("/dataset/{name}/invoice-rows.csv"),
    "year csv by id": _addressed("/dataset/{id}/invoice-rows.csv"),
}
# The DataStore answers a refused SQL query with 409 (its validation error) as well as 403.
DATASTORE_SURFACES = ("api datastore_search_sql", "api datastore_search_sql table list",
                      "api datastore_search_sql rows bookkeeping", "api datastore_search_sql row summaries",
                      "api datastore_search_sql row suppliers")
SURFACES = {**LISTINGS, **ADDRESSED}
# Refused to everyone but a sysadmin: the DataStore's own tables (which resources have rows, and files' hashes).
REFUSED_TO_ALL = ("api datastore_search_sql table list", "api datastore_search_sql rows bookkeeping",
                  "api datastore_search_sql row summaries", "api datastore_search_sql row suppliers")
# What shows the public dataset where neither its marker nor its name is in the answer.
CONTROL_EVIDENCE = {"api datastore_info": '"belopp"', "rows preview": "belopp"}
# Where CKAN shows a private dataset to the members of its organisation (feeds and catalogues never do).
OWNERS_SEE_PRIVATE = ("api package_search", "api package_search by organisation", "search page",
                      "organisation page", "dataset page", "dataset rdf", "api package_show",
                      "api datastore_search", "api datastore_search_sql", "datastore dump csv",
                      "api package_search by supplier", "search page by supplier", "rows preview data",
                      "rows preview download", "year csv")


def _leaks(responses: list, dataset: dict, state: str, surface: str) -> list[str]:
    telltales = [MARKERS[state], dataset["resources"][0]["url"]]
    if surface in LISTINGS:  # an addressed URL may echo the id or name it was asked for
        telltales += [dataset["id"], dataset["name"], dataset["resources"][-1]["id"]]
    return [telltale for telltale in telltales for r in responses if telltale in r.get_data(as_text=True)]


def _text(responses: list) -> str:
    return "".join(response.get_data(as_text=True) for response in responses)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("viewer", ["anonymous", "other_org_admin"])
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_dataset_never_shown(app, catalogue, state, viewer, surface):
    dataset = catalogue["datasets"][state]
    responses = SURFACES[surface](app, catalogue["tokens"][viewer], dataset)
    allowed = (403, 404) if surface in ADDRESSED else (200,)
    if surface in DATASTORE_SURFACES:
        allowed = (200, 403, 404, 409)
    assert [r.status_code for r in responses if r.status_code not in allowed] == []
    assert _leaks(responses, dataset, state, surface) == []


@pytest.mark.parametrize("surface", [surface for surface in SURFACES if surface not in REFUSED_TO_ALL])
def test_control_public_dataset_is_shown_on_every_surface(app, catalogue, surface):
    dataset = catalogue["datasets"]["public"]
    responses = SURFACES[surface](app, None, dataset)
    assert [r.status_code for r in responses if r.status_code != 200] == []
    evidence = (MARKERS["public"], dataset["name"], CONTROL_EVIDENCE.get(surface, MARKERS["public"]))
    assert any(shown in _text(responses) for shown in evidence)


@pytest.mark.parametrize("surface", REFUSED_TO_ALL)
def test_datastore_own_tables_are_refused_to_visitors(app, catalogue, surface):
    responses = SURFACES[surface](app, None, catalogue["datasets"]["public"])
    assert [r.status_code for r in responses if r.status_code not in (403, 404, 409)] == []


@pytest.mark.parametrize("surface", OWNERS_SEE_PRIVATE)
def test_control_member_of_the_owning_organisation_sees_the_private_dataset(app, catalogue, surface):
    dataset = catalogue["datasets"]["private"]
    responses = SURFACES[surface](app, catalogue["tokens"]["owning_member"], dataset)
    assert [r.status_code for r in responses if r.status_code != 200] == []
    assert MARKERS["private"] in _text(responses)
