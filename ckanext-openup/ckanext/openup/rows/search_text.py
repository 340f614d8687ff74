"""Suppliers in the search index: a dataset is found by the names and organisation numbers in its rows.

They go into CKAN's catch-all ``text`` field (multi-valued in CKAN's Solr schema, searched by the
free-text query in openup_search as in Solr). Who may find a dataset is still decided by its
permission labels, so a private year's suppliers find it only for those who may see it.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ckan.lib import search as ckan_search

from ckanext.openup.rows import loading, summary

log = logging.getLogger(__name__)
# A Swedish organisation number is stored as ten digits and often written NNNNNN-NNNN; a Y-tunnus is
# NNNNNNN-N. A query for either form is split at the hyphen, so the parts are indexed as words too.
_SWEDISH_NUMBER = re.compile(r"^(\d{6})(\d{4})$")
_HYPHENATED_NUMBER = re.compile(r"^(\d+)-(\d+)$")


@dataclass
class IncomingSuppliers:
    """The suppliers of a month being loaded, and the dataset's ``metadata_modified`` when indexed with them."""

    resource_id: str
    terms: frozenset[str]
    indexed_at: str | None = None


# A month being loaded in this process: its resource id and the suppliers of its new rows, which the dataset is
# indexed with when the DataStore marks the month loaded (before the rows are committed; see ``loading``).
_incoming: contextvars.ContextVar[IncomingSuppliers | None] = contextvars.ContextVar(
    "openup_incoming_suppliers", default=None)


def add_supplier_text(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``before_dataset_index``: add the suppliers of the dataset's loaded rows to its ``text`` field."""
    if pkg_dict.get("type") != loading.DATASET_TYPE:
        return pkg_dict
    resource_ids = _resource_ids(pkg_dict)
    incoming = _incoming.get()
    if incoming is not None and incoming.resource_id in resource_ids:
        # The month being loaded counts with its new suppliers, not with those of the rows it replaces.
        others = [resource_id for resource_id in resource_ids if resource_id != incoming.resource_id]
        terms = list(dict.fromkeys([*summary.supplier_terms(others), *sorted(incoming.terms)]))
        incoming.indexed_at = (pkg_dict.get("metadata_modified") or "").removesuffix("Z")  # the index adds a Z
    else:
        terms = summary.supplier_terms(resource_ids)
    if not terms:
        return pkg_dict
    terms += [" ".join(found.groups()) for term in terms
              if (found := _SWEDISH_NUMBER.match(term) or _HYPHENATED_NUMBER.match(term))]
    existing = pkg_dict.get("text") or []
    pkg_dict["text"] = [*(existing if isinstance(existing, list) else [existing]), *terms]
    return pkg_dict


@contextlib.contextmanager
def incoming_suppliers(resource_id: str, terms: frozenset[str]) -> Iterator[IncomingSuppliers]:
    """While this runs, index the dataset with ``terms`` as the suppliers of ``resource_id`` (being loaded).

    The yielded note's ``indexed_at`` says whether (and at which ``metadata_modified``) that happened.
    """
    incoming = IncomingSuppliers(resource_id, terms)
    token = _incoming.set(incoming)
    try:
        yield incoming
    finally:
        _incoming.reset(token)


def reindex(dataset_id: str) -> None:
    """Index the dataset again, so searches see the suppliers of rows that were just loaded."""
    # CKAN offers no action for this; ckan.lib.search.rebuild is what `ckan search-index rebuild` runs.
    ckan_search.rebuild(package_id=dataset_id)


def _resource_ids(pkg_dict: dict[str, Any]) -> list[str]:
    # CKAN has flattened the resources away by now; the validated dataset still lists them.
    try:
        validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    except ValueError:
        return []
    return [resource["id"] for resource in validated.get("resources", []) if resource.get("id")]
