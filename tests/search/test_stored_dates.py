"""Dates come back from the index as Solr returns them, and CKAN's schema check of a given file runs."""

import datetime as dt
from pathlib import Path

import ckan
import pytest
from ckan.lib.search import SearchError, check_solr_schema_version

from ckanext.openup.search import backend

pytestmark = [pytest.mark.usefixtures("clean_index")]


def add_and_fetch(decode_dates, **fields):
    connection = backend.make_connection(decode_dates=decode_dates)
    connection.add([{"index_id": "d", "site_id": "test.ckan.net", "id": "d", "name": "d", **fields}])
    return connection.search(q="id:d", fl="*").docs[0]


# openup_search accepts the date forms CKAN hands it unconverted; Solr refuses them.
@pytest.mark.openup_search_internal
def test_stored_dates_come_back_in_solr_form():
    doc = add_and_fetch(False, metadata_modified="2014-06-10T08:24:12.782257",
                        start_date="2019-10-10T01:15:00+00:00")
    assert doc["metadata_modified"] == "2014-06-10T08:24:12.782Z"
    assert doc["start_date"] == "2019-10-10T01:15:00Z"


# openup_search accepts the date forms CKAN hands it unconverted; Solr refuses them.
@pytest.mark.openup_search_internal
def test_stored_dates_decode_to_datetimes():
    doc = add_and_fetch(True, start_date="2014-03-22 05:42:14")
    assert doc["start_date"] == dt.datetime(2014, 3, 22, 5, 42, 14)


def test_given_schema_file_is_checked_by_ckans_own_code(tmp_path: Path):
    shipped = Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"
    assert check_solr_schema_version(str(shipped))
    wrong = tmp_path / "schema.xml"
    wrong.write_text('<?xml version="1.0"?><schema name="ckan-1.0" version="1.6"></schema>')
    with pytest.raises(SearchError, match="not supported"):
        check_solr_schema_version(str(wrong))
