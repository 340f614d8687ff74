"""The two backends behind CKAN's search, switched in one process, and the answers they give.

CKAN reaches its index only through ``make_connection``; ``ckanext.openup.search.backend`` answers it
from PostgreSQL while forced on and hands it to CKAN's own (``pysolr``) when not. Indexing goes
through one connection that sends every document CKAN builds to both indexes, so both hold exactly
the same documents (even ``indexed_ts``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ckan.lib.search.index as ckan_index
from ckan import model
from ckan.common import config
from ckan.plugins import toolkit

from ckanext.openup.search import backend
from tests.parity.compare import Answer, field_sort, sort_values
from tests.parity.queries import Query

SET_ROWS = 1000  # ckan.search.rows_max: the most one call returns


class Sides:
    """openup_search and Solr (or openup_search twice when there is no Solr to compare with)."""

    def __init__(self, solr_url: str | None) -> None:
        self.solr_url = solr_url

    def use_openup_search(self) -> None:
        backend.force(True)

    def use_solr(self) -> None:
        if self.solr_url is None:
            backend.force(True)
            return
        backend.force(False)
        config["solr_url"] = self.solr_url

    def connections(self) -> list[Any]:
        self.use_openup_search()
        ours = backend.make_connection()
        self.use_solr()
        solr = backend.make_connection()
        return [ours] if self.solr_url is None else [ours, solr]

    def clear(self) -> None:
        for connection in self.connections():
            connection.delete(q="*:*", commit=True)

    @contextmanager
    def indexing_into_both(self) -> Iterator[None]:
        both = _BothIndexes(self.connections())
        original = ckan_index.make_connection
        ckan_index.make_connection = lambda decode_dates=True: both
        try:
            yield
        finally:
            ckan_index.make_connection = original

    def ask(self, query: Query) -> tuple[Answer, Answer]:
        self.use_openup_search()
        ours = ask(query)
        self.use_solr()
        solr = ask(query)
        if field_sort(query) is None and not ours.error and not solr.error:
            self.use_openup_search()
            ours.all_ids = _every_hit(query, ours)
            self.use_solr()
            solr.all_ids = _every_hit(query, solr)
        return ours, solr


class _BothIndexes:
    """A connection that writes to several: CKAN's indexing code sees one ``pysolr.Solr``.

    Documents are sent on in batches (CKAN sends them one by one): the same documents, fewer round trips.
    """

    BATCH = 200

    def __init__(self, connections: list[Any]) -> None:
        self._connections = connections
        self._waiting: list[dict[str, Any]] = []

    def add(self, docs: list[dict[str, Any]], commit: bool = True, **kwargs: Any) -> None:
        self._waiting.extend(docs)
        if commit or len(self._waiting) >= self.BATCH:
            self.commit()

    def delete(self, *args: Any, **kwargs: Any) -> None:
        self.commit()
        for connection in self._connections:
            connection.delete(*args, **kwargs)

    def commit(self, *args: Any, **kwargs: Any) -> None:
        waiting, self._waiting = self._waiting, []
        for connection in self._connections:
            if waiting:
                connection.add(docs=copy.deepcopy(waiting), commit=False)
            connection.commit()


def _context(asker: str) -> dict[str, Any]:
    if asker == "ignore_auth":
        return {"ignore_auth": True}
    if asker == "anonymous":
        return {"user": "", "auth_user_obj": None}
    return {"user": asker, "auth_user_obj": model.User.get(asker)}


def ask(query: Query, params: dict[str, Any] | None = None) -> Answer:
    """The active backend's answer to ``query`` through package_search."""
    try:
        found = toolkit.get_action("package_search")(_context(query.asker), copy.deepcopy(params or query.params))
    except Exception as error:  # noqa: BLE001 - any failure is an answer to compare
        model.Session.rollback()
        return Answer(error=f"{type(error).__name__}: {str(error)[:200]}")
    keys = field_sort(query) or []
    return Answer(count=found["count"], ids=[result["id"] for result in found["results"]],
                  keys=[sort_values(result, keys) for result in found["results"]],
                  facets={name: dict(values) for name, values in found["facets"].items()})


def _every_hit(query: Query, page: Answer) -> set[str] | None:
    """Every hit of a score-ranked query (its order is the ranker's own), or None when over 1000."""
    start = int(query.params.get("start") or 0)
    if start == 0 and len(page.ids) >= page.count:
        return set(page.ids)
    if page.count > SET_ROWS:
        return None
    whole = ask(query, {**query.params, "rows": SET_ROWS, "start": 0, "fl": ["id"]})
    return set(whole.ids) if whole.error is None else None
