"""package_search through CKAN's own query code, answered by the PostgreSQL backend."""

import ckan.lib.search as search_index
import ckan.plugins.toolkit as toolkit
import pytest
from ckan.tests import factories

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def search(**params):
    return toolkit.get_action("package_search")({"ignore_auth": True}, params)


def test_swedish_word_forms_find_each_other():
    factories.Dataset(title="Leverantörsfakturor 2026", notes="Betalda fakturor per månad")
    factories.Dataset(title="Badplatser", notes="Vattenkvalitet")
    result = search(q="faktura")
    assert [d["title"] for d in result["results"]] == ["Leverantörsfakturor 2026"]


def test_organisation_filter_and_facets_count_datasets():
    org_a = factories.Organization(name="sundsvall")
    org_b = factories.Organization(name="uppsala")
    factories.Dataset(owner_org=org_a["id"], tags=[{"name": "ekonomi"}])
    factories.Dataset(owner_org=org_a["id"], tags=[{"name": "ekonomi"}, {"name": "inköp"}])
    factories.Dataset(owner_org=org_b["id"], tags=[{"name": "inköp"}])
    result = search(fq="organization:sundsvall", **{"facet.field": ["tags", "organization"]})
    assert result["count"] == 2
    assert result["facets"]["tags"] == {"ekonomi": 2, "inköp": 1}
    assert result["facets"]["organization"] == {"sundsvall": 2}


def test_swedish_compound_title_found_by_its_last_part():
    factories.Dataset(title="Leverantörsfakturor 2026 – Sundsvalls kommun")
    factories.Dataset(title="Skolmat och menyer")
    assert [d["title"] for d in search(q="faktura")["results"]] == ["Leverantörsfakturor 2026 – Sundsvalls kommun"]


def test_every_language_of_a_multilingual_title_is_searchable():
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"], title="Ostolaskut 2026")
    # What ckanext-scheming's fluent fields hand to the index: one value per language.
    index = search_index.index_for("package")
    indexed = toolkit.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})
    indexed["title_translated"] = {"fi": "Ostolaskut 2026", "sv": "Leverantörsfakturor 2026", "en": "Invoices"}
    index.index_package(dict(indexed, with_custom_schema=dict(indexed)))
    assert [d["name"] for d in toolkit.get_action("package_search")({}, {"q": "leverantörsfakturor"})["results"]] == [
        dataset["name"]]
