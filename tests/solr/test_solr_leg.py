"""The Solr leg's own set-up: the session really searches Solr, with the schema the leg installed.

Run only with OPENUP_TEST_SOLR_URL set (``solr/solr.py start standalone|cloud --schema openup``); the
default leg deselects them (ckanext.openup.testing).
"""

from __future__ import annotations

import ckan.plugins.toolkit as toolkit
import pytest
import requests
from ckan.tests import factories

from ckanext.openup.search import backend
from ckanext.openup.testing import solr_url
from tests.supplier_invoices import SUNDSVALL, create_organisation, create_supplier_invoice

pytestmark = [pytest.mark.solr_leg, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def solr_get(path: str, **params: str) -> dict:
    response = requests.get(f"{solr_url()}/{path}", params={**params, "wt": "json"}, timeout=30)
    response.raise_for_status()
    return response.json()


def solr_mode() -> str:
    base = solr_url().rsplit("/", 1)[0]
    response = requests.get(f"{base}/admin/info/system", params={"wt": "json"}, timeout=30)
    response.raise_for_status()
    return response.json()["mode"]


def test_solr_answers_and_openup_search_stands_aside():
    assert solr_get("select", q="*:*", rows="0")["responseHeader"]["status"] == 0
    assert not backend.is_active()  # the test loads openup_search (test.ini), yet Solr answers


def test_schema_is_ckans_with_the_openup_languages():
    name = solr_get("schema/name")["name"]
    assert name.startswith("ckan-2.") and name.endswith("-openup")
    fields = {field["name"] for field in solr_get("schema/fields")["fields"]}
    assert {"extras_openup_text_sv", "extras_openup_text_fi", "extras_openup_text_en"} <= fields


def test_dataset_created_through_ckan_is_found_in_solr_and_by_package_search():
    dataset = factories.Dataset(name="badplatser-2025", title="Badplatser i Sundsvall")
    in_solr = solr_get("select", q=f'id:"{dataset["id"]}"', fl="name")["response"]["docs"]
    assert in_solr == [{"name": "badplatser-2025"}]
    result = toolkit.get_action("package_search")({"ignore_auth": True}, {"q": "badplatser"})
    assert [found["name"] for found in result["results"]] == ["badplatser-2025"]


def test_swedish_compound_is_found_by_its_last_part_on_solr():
    dataset = create_supplier_invoice(
        create_organisation(SUNDSVALL),
        title_translated={"sv": "Betalda leverantörsfakturor 2025", "en": "Paid supplier invoices 2025"},
        resources=[])
    result = toolkit.get_action("package_search")({"ignore_auth": True}, {"q": "faktura"})
    assert [found["name"] for found in result["results"]] == [dataset["name"]]


def test_every_dataset_is_found_and_on_solrcloud_both_shards_hold_some():
    names = sorted(factories.Dataset(name=f"kvartal-{number}")["name"] for number in range(12))
    result = toolkit.get_action("package_search")({"ignore_auth": True}, {"q": "kvartal", "rows": 50})
    assert sorted(found["name"] for found in result["results"]) == names
    if solr_mode() == "solrcloud":
        answer = solr_get("select", q="*:*", rows="0", **{"shards.info": "true"})
        per_shard = [shard["numFound"] for shard in answer["shards.info"].values()]
        assert len(per_shard) == 2 and all(per_shard), per_shard
