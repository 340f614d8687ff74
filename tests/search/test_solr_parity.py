"""Answers `make search-parity` found differing from Solr's, now the same as Solr's (tests/parity)."""

import pytest
from ckan.lib.search.common import SearchQueryError

from ckanext.openup.search import backend

pytestmark = [pytest.mark.usefixtures("clean_index")]


@pytest.fixture
def connection():
    connection = backend.make_connection()
    connection.add([
        {"index_id": "sundsvall-budget", "site_id": "test.ckan.net", "id": "sundsvall-budget",
         "name": "sundsvall-budget", "organization": "sundsvall", "state": "active", "title": "Budget"},
    ])
    return connection


@pytest.mark.parametrize("query", [
    "organization: +state:active",  # a facet filter with an empty value, as a form can send it
    "organization:+sundsvall", "organization:-uppsala", "title:NOT budget", "name:a:b",
])
def test_field_followed_by_an_operator_is_a_query_error_as_in_solr(connection, query):
    with pytest.raises(SearchQueryError):
        connection.search(q="*:*", fq=[query])


def test_field_with_a_group_of_clauses_still_searches(connection):
    assert connection.search(q="organization:(+sundsvall)").hits == 1
    assert connection.search(q="organization:(state:active)").hits == 1


def test_free_text_of_only_excluded_words_finds_nothing_as_in_solr(connection):
    # Solr's dismax needs a word to match; "-uppsala" alone matches no dataset rather than every other one.
    assert connection.search(q="-uppsala", defType="dismax").hits == 0
    assert connection.search(q="budget -uppsala", defType="dismax").hits == 1
