"""``ckan openup rows rebuild``: reload the rows of every supplier-invoice file, or one organisation's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup.procurement.errors import InvoiceFileError
from ckanext.openup.rows import loading, spending_rollups, spending_store

log = logging.getLogger(__name__)
SEARCH_PAGE = 1000


@dataclass
class RebuildReport:
    """What a rebuild loaded and which files it could not."""

    loaded: list[loading.LoadedRows] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # resource id: why

    @property
    def rows(self) -> int:
        return sum(loaded.rows for loaded in self.loaded)


def rebuild_rows(organisation: str | None = None,
                 progress: Callable[[str], None] | None = None) -> RebuildReport:
    """Load every uploaded invoice file again (private and draft datasets too), replacing its rows."""
    report = RebuildReport()
    owner_id, datasets = _invoice_datasets(organisation)
    for dataset in datasets:
        for resource in dataset.get("resources", []):
            try:
                loaded = loading.load_resource(resource["id"], force=True)
            except InvoiceFileError as error:
                report.refused[resource["id"]] = error.describe()
                continue
            if loaded is not None:
                report.loaded.append(loaded)
                if progress:
                    progress(f"{dataset['name']}: {resource.get('name') or resource['id']}: {loaded.rows} rows")
    # Store rows of files that left the catalogue while their hooks could not run go too. Asked one by
    # one, not from the search results: a stale search index must not make rows disappear.
    kept = [resource["id"] for dataset in datasets for resource in dataset.get("resources", [])]
    engine = spending_store.write_engine()
    try:
        with engine.begin() as connection:
            unknown = spending_store.resources_not_in(connection, kept, owner_id)
            # Loads add and subtract public supplier lines; a rebuild sums them again from scratch.
            spending_rollups.recount(connection, spending_store.SOURCES_TABLE, owner_id)
    finally:
        engine.dispose()
    for resource_id in unknown:
        if _left_catalogue(resource_id):
            loading.remove_rows(resource_id)
    return report


def _left_catalogue(resource_id: str) -> bool:
    """True when the resource, or its dataset, is gone or is no longer a supplier-invoice dataset's."""
    context = loading.site_context()
    try:
        resource = toolkit.get_action("resource_show")(context, {"id": resource_id})
        dataset = toolkit.get_action("package_show")(context, {"id": resource["package_id"]})
    except toolkit.ObjectNotFound:
        return True
    return dataset.get("type") != loading.DATASET_TYPE or dataset.get("state") == "deleted"


def _invoice_datasets(organisation: str | None) -> tuple[str | None, list[dict[str, Any]]]:
    """The organisation's id (None for all) and every invoice dataset of it, private and draft ones too."""
    context = loading.site_context()
    fq = f"+dataset_type:{loading.DATASET_TYPE}"
    owner_id = None
    if organisation:
        owner = toolkit.get_action("organization_show")(context, {"id": organisation, "include_datasets": False})
        owner_id = owner["id"]
        fq += f' +owner_org:"{owner_id}"'
    found: list[dict[str, Any]] = []
    while True:
        page = toolkit.get_action("package_search")(context, {
            "fq": fq, "include_private": True, "include_drafts": True, "sort": "name asc",
            "rows": SEARCH_PAGE, "start": len(found)})
        found.extend(page["results"])
        if not page["results"] or len(found) >= page["count"]:
            return owner_id, found
