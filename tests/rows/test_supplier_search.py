"""Searching the catalogue for a supplier's name or organisation number finds the years that paid it."""

from __future__ import annotations

import ckan.plugins.toolkit as toolkit
import pytest
from ckan.lib.search.index import PackageSearchIndex
from ckan.tests import factories

from ckanext.openup.rows import loading, search_text
from tests.rows.invoice_months import month_text, organisation_number, upload_month
from tests.rows.test_invoice_row_pages import finnish_month_text, y_tunnus
from tests.supplier_invoices import TAMPERE, create_organisation, create_supplier_invoice, sysadmin_context

# Each test's catalogue is new; so must its index be.
pytestmark = pytest.mark.usefixtures("clean_index")

RARE_SUPPLIER = "Skolmat Nordkusten AB"
RARE_NUMBER = organisation_number(777)


def with_rare_supplier(month: int, year: int = 2025) -> str:
    return month_text(month, 40, year=year).replace("Leverantör 5 AB", RARE_SUPPLIER).replace(
        organisation_number(105), RARE_NUMBER)


def found(app, query: str, token: str | None = None) -> list[str]:
    headers = {"Authorization": token} if token else {}
    response = app.get("/api/3/action/package_search", query_string={"q": query, "include_private": "true"},
                       headers=headers)
    return [dataset["name"] for dataset in response.json["result"]["results"]]


def test_supplier_name_finds_the_dataset_whose_rows_mention_it(app, dataset):
    assert found(app, RARE_SUPPLIER) == []
    upload_month(dataset, 1, with_rare_supplier(1))
    assert found(app, RARE_SUPPLIER) == [dataset["name"]]
    assert found(app, "Nordkusten") == [dataset["name"]]


def test_organisation_number_finds_the_dataset(app, dataset):
    upload_month(dataset, 2, with_rare_supplier(2))
    assert found(app, RARE_NUMBER) == [dataset["name"]]
    assert found(app, f"{RARE_NUMBER[:6]}-{RARE_NUMBER[6:]}") == [dataset["name"]]  # as it is usually written


def test_finnish_business_id_finds_the_dataset(app, clean_db, with_plugins):
    dataset = create_supplier_invoice(create_organisation(TAMPERE), year=2025, resources=[])
    upload_month(dataset, 1, finnish_month_text(1, 20))
    assert found(app, y_tunnus(2)) == [dataset["name"]]
    assert found(app, "Toimittaja 3 Oy") == [dataset["name"]]


def test_supplier_search_page_lists_the_dataset(app, dataset):
    upload_month(dataset, 3, with_rare_supplier(3))
    page = app.get("/dataset/", query_string={"q": RARE_SUPPLIER}).get_data(as_text=True)
    assert dataset["name"] in page


def test_deleted_month_no_longer_makes_the_dataset_found(app, dataset):
    upload_month(dataset, 4, month_text(4, 20))
    resource = upload_month(dataset, 5, with_rare_supplier(5))
    toolkit.get_action("resource_delete")(sysadmin_context(), {"id": resource["id"]})
    assert found(app, RARE_SUPPLIER) == []
    assert found(app, "Leverantör 2 AB") == [dataset["name"]]


def test_private_dataset_is_found_only_by_those_who_may_see_it(app, sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2024, private=True, resources=[])
    upload_month(dataset, 1, with_rare_supplier(1, year=2024), year=2024)
    outsider = factories.APIToken(user=factories.User()["name"])["token"]
    member = factories.User()
    toolkit.get_action("organization_member_create")(
        sysadmin_context(), {"id": sundsvall["id"], "username": member["name"], "role": "member"})
    assert found(app, RARE_SUPPLIER) == []
    assert found(app, RARE_NUMBER, outsider) == []
    assert found(app, RARE_SUPPLIER, factories.APIToken(user=member["name"])["token"]) == [dataset["name"]]


def test_new_month_is_indexed_once_with_its_suppliers(app, dataset, monkeypatch):
    # Indexing a year with thousands of supplier names is a large part of a month's load: a new month's is done
    # once, when the DataStore marks it loaded, already with the suppliers of the rows that are coming.
    resource = upload_month(dataset, 6, with_rare_supplier(6))
    loading.remove_rows(resource["id"])
    search_text.reindex(dataset["id"])
    assert found(app, RARE_SUPPLIER) == []
    indexed = []
    index_package = PackageSearchIndex.index_package
    monkeypatch.setattr(PackageSearchIndex, "index_package",
                        lambda index, *args, **kwargs: indexed.append(1) or index_package(index, *args, **kwargs))
    loading.load_resource(resource["id"], force=True)
    assert len(indexed) == 1
    assert found(app, RARE_SUPPLIER) == [dataset["name"]]
