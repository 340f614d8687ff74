"""A module-scoped catalogue: an empty database and index, filled once by a fixture, read by many tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import ckan.plugins as plugins
from ckan.lib import search as ckan_search
from ckan.tests import helpers as ckan_helpers


@contextmanager
def fresh_catalogue() -> Iterator[None]:
    """Empty the database and the search index and load the configured plugins while the block fills them."""
    ckan_helpers.reset_db()
    ckan_search.clear_all()
    plugins.load_all()
    try:
        yield
    finally:
        plugins.unload_all()
