"""Fields Solr fills by copyField: title_ngram and name_ngram for autocomplete, urls from the URL fields."""

import ckan.plugins.toolkit as toolkit
import pytest
from ckan.tests import factories

from ckanext.openup.search import backend

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def test_autocomplete_finds_a_dataset_by_the_middle_of_its_title():
    factories.Dataset(title="Leverantörsfakturor Sundsvall")
    factories.Dataset(title="Badplatser")
    found = toolkit.get_action("package_autocomplete")({"ignore_auth": True}, {"q": "FAKTUR"})
    assert [each["title"] for each in found] == ["Leverantörsfakturor Sundsvall"]


def test_autocomplete_finds_a_dataset_by_part_of_its_name():
    factories.Dataset(name="warandpeace", title="Tolstoy")
    found = toolkit.get_action("package_autocomplete")({"ignore_auth": True}, {"q": "andpe"})
    assert [each["match_field"] for each in found] == ["name"]


def test_ngram_words_outside_two_to_ten_characters_match_nothing():
    connection = backend.make_connection()
    connection.add([{"index_id": "x", "site_id": "test.ckan.net", "id": "x", "name": "x",
                     "title": "Leverantörsfakturor"}], commit=True)
    assert connection.search(q='title_ngram:"fakturor"').hits == 1
    assert connection.search(q='title_ngram:"leverantörsfakturor"').hits == 0  # 19 characters
    assert connection.search(q='title_ngram:"f"').hits == 0


def test_urls_field_collects_the_dataset_and_resource_urls():
    connection = backend.make_connection()
    connection.add([{"index_id": "x", "site_id": "test.ckan.net", "id": "x", "name": "x",
                     "url": "https://example.org/a", "res_url": ["https://data.example.com/b.csv"]}], commit=True)
    assert connection.search(q="urls:example.org").hits == 1
    assert connection.search(q="urls:data.example.com").hits == 1
