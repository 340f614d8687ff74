"""Solr local params in q and fq ({!bool ...}, {!lucene q.op=OR}) as CKAN passes them when allowed."""

import pytest
from ckan.lib.search.common import SearchQueryError

from ckanext.openup.search import backend

# openup_search's connection and query compiler, called directly.
pytestmark = [pytest.mark.openup_search_internal, pytest.mark.usefixtures("clean_index")]


@pytest.fixture
def connection():
    connection = backend.make_connection()
    connection.add([
        {"index_id": "bees", "site_id": "test.ckan.net", "id": "bees", "name": "bees",
         "title": "A dataset about bees"},
        {"index_id": "butterflies", "site_id": "test.ckan.net", "id": "butterflies", "name": "butterflies",
         "title": "A dataset about butterflies"},
    ])
    return connection


def names(connection, **params):
    return sorted(doc["name"] for doc in connection.search(fl="name", **params).docs)


def test_bool_parser_requires_its_must_clauses(connection):
    assert names(connection, q="{!bool must=bees}") == ["bees"]
    assert names(connection, q="{!type=bool must=beetles}") == []
    assert names(connection, q="{!must=bees type=bool}") == ["bees"]


def test_bool_parser_should_clauses_need_one_match(connection):
    assert names(connection, q="{!bool should=bees should=butterflies}") == ["bees", "butterflies"]
    assert names(connection, q="{!bool should=bees must_not=bees}") == []


def test_pure_negative_bool_matches_everything_else(connection):
    assert names(connection, q="{!bool must_not=bees}") == ["butterflies"]


def test_lucene_local_params_set_the_default_operator(connection):
    assert names(connection, fq="{!lucene q.op=AND}bees butterflies") == []
    assert names(connection, fq="{!lucene q.op=OR}bees butterflies") == ["bees", "butterflies"]


def test_local_params_override_the_dismax_default(connection):
    assert names(connection, q="{!lucene}name:bees", defType="dismax") == ["bees"]


def test_unsupported_query_parser_is_a_query_error(connection):
    with pytest.raises(SearchQueryError, match="knn"):
        connection.search(q="{!knn f=vector topK=10}[1.0, 2.0]")
