"""Search answered over real HTTP by a CKAN started with `ckan run` and the openup_search plugin."""

import pytest
import requests

from tests.live_ckan import LiveCkan


@pytest.fixture(scope="module")
def catalogue():
    ckan = LiveCkan("search_http", plugins="openup_search openup scheming_datasets scheming_organizations dcat").start()
    org = ckan.action("organization_create", name="ale-kommun", title="Ale kommun")
    ckan.action("package_create", name="ale-fakturor-2026", title="Betalda fakturor 2026",
                owner_org=org["id"], notes="Kommunens leverantörsfakturor per månad.")
    yield ckan
    ckan.stop()


def test_dataset_created_over_the_api_is_found_by_another_word_form(catalogue):
    response = requests.get(f"{catalogue.url}/api/3/action/package_search", params={"q": "fakturorna"}, timeout=30)
    assert response.status_code == 200
    assert [d["name"] for d in response.json()["result"]["results"]] == ["ale-fakturor-2026"]


def test_malformed_sort_is_a_400_search_query_error_without_sql(catalogue):
    response = requests.get(f"{catalogue.url}/api/3/action/package_search",
                            params={"sort": "title_string; DROP TABLE package"}, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"]["__type"] == "Search Query Error"
    assert "SELECT" not in response.text and "psycopg2" not in response.text


def test_dataset_and_organisation_pages_list_the_dataset(catalogue):
    search_page = requests.get(f"{catalogue.url}/dataset/", params={"q": "faktura"}, timeout=30)
    assert search_page.status_code == 200
    assert "Betalda fakturor 2026" in search_page.text
    organisation_page = requests.get(f"{catalogue.url}/organization/ale-kommun", timeout=30)
    assert "Betalda fakturor 2026" in organisation_page.text
