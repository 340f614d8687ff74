"""pytest plugin: a database for CKAN's test session and search served from PostgreSQL or Solr.

Used by this project's tests (``tests/conftest.py``) and by the conformance run of CKAN's own
test-suite (``-p ckanext.openup.testing``). CKAN's pytest plugin unloads every CKAN plugin before the
tests run, so the search backend is switched on here for the whole session.

With ``OPENUP_TEST_SOLR_URL`` set (a core or collection URL, e.g. from ``solr/solr.py start standalone``)
the session runs on that Solr instead: CKAN's ``solr_url`` points there, ``openup_search`` stays out of
the way even where a test loads it, and CKAN's search clear and reindex talk to Solr.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ckanext.openup.embedded_db import use_datastore, use_embedded
from ckanext.openup.embedded_redis import use_private_redis

HOME_VARIABLE = "OPENUP_HOME"
SOLR_URL_VARIABLE = "OPENUP_TEST_SOLR_URL"
# Marks the tests of openup_search's own tables and modules; the Solr leg deselects them.
BACKEND_INTERNAL_MARKER = "openup_search_internal"


def openup_home() -> Path:
    return Path(os.environ.get(HOME_VARIABLE) or Path.cwd() / ".openup").resolve()


def solr_url() -> str | None:
    """The Solr of the Solr test leg, or None on the default leg (search from PostgreSQL)."""
    return os.environ.get(SOLR_URL_VARIABLE, "").strip().rstrip("/") or None


def search_plugins(plugins: str) -> str:
    """``plugins`` as the current leg loads them: without ``openup_search`` on the Solr leg."""
    if not solr_url():
        return plugins
    return " ".join(name for name in plugins.split() if name != "openup_search")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{BACKEND_INTERNAL_MARKER}: reads openup_search's own tables or modules (not on the Solr leg)")
    use_datastore(use_embedded("openup_test", openup_home()))
    use_private_redis(openup_home() / "test-redis")
    os.environ.setdefault("CKAN_STORAGE_PATH", str(openup_home() / "test-storage"))
    from ckanext.openup.search import backend

    if solr := solr_url():
        # CKAN reads CKAN_SOLR_URL over the ini's solr_url; `ckan run` subprocesses inherit it too.
        os.environ["CKAN_SOLR_URL"] = solr
        backend.serve_from_solr()
    else:
        backend.force()


def pytest_report_header(config: pytest.Config) -> str:
    return f"search backend: {'Solr at ' + solr if (solr := solr_url()) else 'openup_search (PostgreSQL)'}"
