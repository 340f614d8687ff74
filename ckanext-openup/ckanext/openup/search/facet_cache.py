"""Facet counts kept between searches until the index changes, as Solr keeps its caches until a commit.

Counting facets reads every matching row; the ``/dataset`` page asks the same counts on every visit.
Every write to the index moves the index's generation (a row in PostgreSQL, changed in the writing
transaction), so a count is reused only while the index it was counted on is the one being searched,
in every web worker alike. The key holds the whole compiled query with its bound values (permission
labels included), so one visitor's counts are never shown to another who may see other datasets.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

FacetCounts = dict[str, list[Any]]
_DEFAULT_SIZE = 512  # distinct facet questions kept per process (Solr's filterCache default is 512)


class FacetCache:
    """A bounded, thread-safe map from (index generation, facet question) to facet counts."""

    def __init__(self, size: int = _DEFAULT_SIZE) -> None:
        self.size = size
        self._generation: int | None = None
        self._entries: OrderedDict[str, FacetCounts] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, generation: int, question: str) -> FacetCounts | None:
        """The counts for ``question`` on the index at ``generation``, or None when not kept."""
        with self._lock:
            if generation != self._generation:
                return None
            counts = self._entries.get(question)
            if counts is not None:
                self._entries.move_to_end(question)
            return _copy(counts) if counts is not None else None

    def put(self, generation: int, question: str, counts: FacetCounts) -> None:
        with self._lock:
            if generation != self._generation:
                # The index changed: every count kept so far may be wrong now.
                self._entries.clear()
                self._generation = generation
            self._entries[question] = _copy(counts)
            self._entries.move_to_end(question)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def facet_question(where: str, values: dict[str, Any], fields: list[str], limit: int, mincount: int) -> str:
    """One string naming a facet request completely: the same string, the same counts."""
    return json.dumps([where, values, fields, limit, mincount], sort_keys=True, default=str)


def _copy(counts: FacetCounts) -> FacetCounts:
    # CKAN's callers may change the lists they get; the kept ones must stay as counted.
    return {field: list(items) for field, items in counts.items()}
