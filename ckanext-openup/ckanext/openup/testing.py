"""pytest plugin: a database for CKAN's test session and search served from PostgreSQL.

Used by this project's tests (``tests/conftest.py``) and by the conformance run of CKAN's own
test-suite (``-p ckanext.openup.testing``). CKAN's pytest plugin unloads every CKAN plugin before the
tests run, so the search backend is switched on here for the whole session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ckanext.openup.embedded_db import use_datastore, use_embedded
from ckanext.openup.embedded_redis import use_private_redis

HOME_VARIABLE = "OPENUP_HOME"


def openup_home() -> Path:
    return Path(os.environ.get(HOME_VARIABLE) or Path.cwd() / ".openup").resolve()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    use_datastore(use_embedded("openup_test", openup_home()))
    use_private_redis(openup_home() / "test-redis")
    os.environ.setdefault("CKAN_STORAGE_PATH", str(openup_home() / "test-storage"))
    from ckanext.openup.search import backend

    backend.force()
