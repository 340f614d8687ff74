"""Suppliers in the search index: a dataset is found by the names and organisation numbers in its rows.

They go into CKAN's catch-all ``text`` field (multi-valued in CKAN's Solr schema, searched by the
free-text query in openup_search as in Solr). Who may find a dataset is still decided by its
permission labels, so a private year's suppliers find it only for those who may see it.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from ckan.lib import search as ckan_search

from ckanext.openup.rows import loading, summary

log = logging.getLogger(__name__)
# A Swedish organisation number is stored as ten digits and often written NNNNNN-NNNN; a Y-tunnus is
# NNNNNNN-N. A query for either form is split at the hyphen, so the parts are indexed as words too.
_SWEDISH_NUMBER = re.compile(r"^(\d{6})(\d{4})$")
_HYPHENATED_NUMBER = re.compile(r"^(\d+)-(\d+)$")


def add_supplier_text(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``before_dataset_index``: add the suppliers of the dataset's loaded rows to its ``text`` field."""
    if pkg_dict.get("type") != loading.DATASET_TYPE:
        return pkg_dict
    terms = summary.supplier_terms(_resource_ids(pkg_dict))
    if not terms:
        return pkg_dict
    terms += [" ".join(found.groups()) for term in terms
              if (found := _SWEDISH_NUMBER.match(term) or _HYPHENATED_NUMBER.match(term))]
    existing = pkg_dict.get("text") or []
    pkg_dict["text"] = [*(existing if isinstance(existing, list) else [existing]), *terms]
    return pkg_dict


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
