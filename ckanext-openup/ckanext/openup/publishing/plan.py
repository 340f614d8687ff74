"""What a publication would change: local monthly files compared with the dataset on the site (pure).

A month's resource is found by its ``period`` (or a ``YYYY-MM`` name); it is kept when its checksum,
size and kind (upload or link) match the file, replaced when they do not, created when missing.
Months on the site without a local file are left alone, so publishing one new month is the routine.
A dataset that is a draft, or has no month yet, is "finished": filled out of sight, then made public.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ckanext.openup.publishing.local_files import MonthlyFile
from ckanext.openup.publishing.metadata import CHECKSUM_ALGORITHM, linked_url

CREATE = "create"
REPLACE = "replace"
KEEP = "keep"
REMOVE_DUPLICATE = "remove duplicate"
# The dataset as a whole.
CREATE_DATASET = "create"
FINISH_DATASET = "finish"  # a draft (or a dataset without a month yet) is filled out of sight, then made public
UPDATE_DATASET = "update"  # a month changed: the dataset's modified date moves on
KEEP_DATASET = "keep"

_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class MonthAction:
    """What happens to one month: create, replace or keep its resource, or remove an extra copy."""

    kind: str
    month: str
    file: MonthlyFile | None = None
    resource_id: str | None = None
    link_url: str | None = None
    reason: str = ""


@dataclass
class PublicationPlan:
    """The dataset-level action and the month actions, in the order they are carried out."""

    dataset_action: str
    dataset: dict[str, Any] | None
    months: list[MonthAction] = field(default_factory=list)

    @property
    def changes(self) -> list[MonthAction]:
        return [action for action in self.months if action.kind != KEEP]

    @property
    def changes_anything(self) -> bool:
        return self.dataset_action != KEEP_DATASET or bool(self.changes)


def resources_by_month(dataset: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """The dataset's resources grouped by the month they cover, in the order the site lists them."""
    found: dict[str, list[dict[str, Any]]] = {}
    for resource in (dataset or {}).get("resources", []):
        month = resource.get("period") or (resource.get("name") if _MONTH.match(resource.get("name") or "") else None)
        if month:
            found.setdefault(month, []).append(resource)
    return found


def is_current(resource: dict[str, Any], monthly: MonthlyFile, link_url: str | None) -> bool:
    """Whether a resource already holds exactly this file, uploaded or linked as asked."""
    same_bytes = (
        (resource.get("hash") or "").lower() == monthly.sha256
        and str(resource.get("size") or "") == str(monthly.bytes)
        and (resource.get("hash_algorithm") or CHECKSUM_ALGORITHM) == CHECKSUM_ALGORITHM
    )
    if link_url:
        return same_bytes and resource.get("url_type") != "upload" and resource.get("url") == link_url
    return same_bytes and resource.get("url_type") == "upload"


def plan_publication(
    dataset: dict[str, Any] | None, files: list[MonthlyFile], link_base: str | None = None
) -> PublicationPlan:
    """Compare ``files`` with the site's ``dataset`` (None when it does not exist yet)."""
    existing = resources_by_month(dataset)
    months: list[MonthAction] = []
    for monthly in files:
        link_url = linked_url(link_base, monthly.file_name) if link_base else None
        resources = existing.get(monthly.month, [])
        current = [resource for resource in resources if is_current(resource, monthly, link_url)]
        kept = current[0] if current else (resources[0] if resources else None)
        if kept is None:
            months.append(MonthAction(CREATE, monthly.month, monthly, link_url=link_url, reason="not on the site"))
        elif current:
            months.append(MonthAction(KEEP, monthly.month, monthly, kept["id"], link_url, "unchanged"))
        else:
            months.append(
                MonthAction(REPLACE, monthly.month, monthly, kept["id"], link_url, _difference(kept, monthly, link_url))
            )
        # Two resources for one month (an edit by hand, or an older tool): keep one.
        for extra in resources:
            if kept is not None and extra["id"] != kept["id"]:
                months.append(MonthAction(REMOVE_DUPLICATE, monthly.month, None, extra["id"], reason="second copy"))
    if dataset is None:
        action = CREATE_DATASET
    elif dataset.get("state") == "draft" or not dataset.get("resources"):
        action = FINISH_DATASET
    elif any(month.kind != KEEP for month in months):
        action = UPDATE_DATASET
    else:
        action = KEEP_DATASET
    return PublicationPlan(action, dataset, months)


def months_missing(dataset: dict[str, Any], actions: list[MonthAction]) -> list[str]:
    """The months of ``actions`` that still have to be created or replaced on ``dataset`` as it is now."""
    existing = resources_by_month(dataset)
    return [
        action.month
        for action in actions
        if action.file is not None
        and action.kind in (CREATE, REPLACE)
        and not any(is_current(resource, action.file, action.link_url) for resource in existing.get(action.month, []))
    ]


def _difference(resource: dict[str, Any], monthly: MonthlyFile, link_url: str | None) -> str:
    if (resource.get("hash") or "").lower() != monthly.sha256 or str(resource.get("size") or "") != str(monthly.bytes):
        return "content changed"
    if link_url and resource.get("url") != link_url:
        return "link changed"
    return "switching between upload and link"
