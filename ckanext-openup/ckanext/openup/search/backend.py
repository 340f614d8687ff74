"""The seam: CKAN's ``make_connection()`` answered from PostgreSQL while ``openup_search`` is on.

CKAN 2.11/2.12 has no search interface; every search call goes through ``make_connection``, imported
by name into several modules. Those names are rebound once to :func:`make_connection`, which asks at
each call whether the backend is active, so unloading the plugin hands every call back to Solr.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as plugins
from ckan.common import config

from ckanext.openup.search.connection import PostgresSearchConnection
from ckanext.openup.search.store import IndexStore

log = logging.getLogger(__name__)

PLUGIN_NAME = "openup_search"
_MODULES_HOLDING_MAKE_CONNECTION = (
    "ckan.lib.search", "ckan.lib.search.common", "ckan.lib.search.index", "ckan.lib.search.query",
)

_solr_make_connection: Any = None
_solr_check_schema: Any = None
_store: IndexStore | None = None
_forced = False
_solr_only = False


def install() -> None:
    """Rebind CKAN's connection factory and schema check; idempotent."""
    global _solr_make_connection, _solr_check_schema
    import importlib

    search = importlib.import_module("ckan.lib.search")
    if _solr_make_connection is None:
        _solr_make_connection = search.common.make_connection
        _solr_check_schema = search.check_solr_schema_version
    for name in _MODULES_HOLDING_MAKE_CONNECTION:
        importlib.import_module(name).make_connection = make_connection
    search.check_solr_schema_version = check_schema_version


def force(active: bool = True) -> None:
    """Serve search from PostgreSQL whatever plugins are loaded (CKAN's own test-suite unloads them all)."""
    global _forced
    _forced = active
    install()


def serve_from_solr() -> None:
    """Let Solr answer even where ``openup_search`` is loaded: the test-suite's Solr leg (tests name the plugin)."""
    global _forced, _solr_only
    _forced, _solr_only = False, True
    install()


def is_active() -> bool:
    return not _solr_only and (_forced or plugins.plugin_loaded(PLUGIN_NAME))


def configure(ckan_config: Any) -> None:
    """Point the index at the configured database; the table is created or migrated here."""
    store().migrate()


def store() -> IndexStore:
    """The index store for the current configuration (rebuilt when the database URL changes)."""
    global _store
    # Explicit defaults: when the backend is forced on, the plugin's declarations are not loaded.
    url = config.get("ckanext.openup.search.sqlalchemy_url", "") or config.get("sqlalchemy.url")
    if _store is None or _store.url != url:
        if _store is not None:
            _store.dispose()
        _store = IndexStore(url)
    return _store


def language() -> str:
    """The text-search configuration for text that does not say its language."""
    return config.get("ckanext.openup.search.language", "") or "swedish"


DEFAULT_LANGUAGES = "sv:swedish fi:finnish en:english"


def languages() -> dict[str, str]:
    """Language code of a multilingual field -> its text-search configuration, e.g. ``{"fi": "finnish"}``."""
    # Explicit default: when the backend is forced on, the plugin's declarations are not loaded.
    setting = config.get("ckanext.openup.search.languages", DEFAULT_LANGUAGES)
    pairs = (item.partition(":") for item in str(setting or "").split())
    return {code: configuration for code, _, configuration in pairs if code and configuration}


def make_connection(decode_dates: bool = True) -> Any:
    if not is_active():
        return _solr_make_connection(decode_dates)
    return PostgresSearchConnection(store(), language(), decode_dates=decode_dates, languages=languages())


def check_schema_version(schema_file: str | None = None) -> bool:
    # A given schema file is checked locally by CKAN's own code (only its tests pass one). A jobs
    # worker reloads its plugins before each job, and checks while they are unloaded: a configuration
    # naming this plugin has no Solr to check then either.
    if schema_file or not (is_active() or PLUGIN_NAME in config.get("ckan.plugins", [])):
        return _solr_check_schema(schema_file)
    return True
