"""Carry a publication plan out on the site, so that no interruption and no second run shows half a year.

A new dataset is created private and marked draft, and only made public once every month is in, so
the public never sees half a year whatever the token's role (see ``visibility``); each answer is
checked. Each month is one request that uploads the file and sets its size and checksum together:
a request cut off half-way changes nothing, and one that completed is recognised by its checksum
next time. So running the same command again after a failure finishes the job.

Another run may publish the same year at the same time. So the dataset is read again right before
each month, and a month another run has put in meanwhile is left alone; when both created the same
month at once, the copy the site lists second is removed by the run that made it.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from ckanext.openup.publishing.local_files import MonthlyFile
from ckanext.openup.publishing.metadata import monthly_file_name, new_dataset, resource_fields
from ckanext.openup.publishing.plan import (
    CREATE_DATASET,
    FINISH_DATASET,
    KEEP,
    KEEP_DATASET,
    REMOVE_DUPLICATE,
    MonthAction,
    PublicationPlan,
    is_current,
    months_missing,
    resources_by_month,
)
from ckanext.openup.publishing.site import Progress, Site
from ckanext.openup.publishing.visibility import create_hidden, hide, is_public, make_public, require_hidden

ProgressFor = Callable[[MonthlyFile], AbstractContextManager[Progress | None]]
# What became of a month, as the publisher reads it.
CREATED = "created"
REPLACED = "replaced"
DUPLICATE_REMOVED = "duplicate removed"
ALREADY_THERE = "already there (put in by another run)"


@contextlib.contextmanager
def no_progress(monthly: MonthlyFile) -> Iterator[Progress | None]:
    yield None


@dataclass
class PublicationResult:
    """The dataset as left on the site and the month actions that were carried out."""

    dataset: dict[str, Any]
    done: list[MonthAction] = field(default_factory=list)


def apply_plan(
    site: Site,
    plan: PublicationPlan,
    organisation: dict[str, Any],
    year: int,
    licence: str,
    today: datetime.date | None = None,
    progress_for: ProgressFor = no_progress,
    on_done: Callable[[MonthAction, str], None] | None = None,
) -> PublicationResult:
    """Create (hidden) or hide the dataset if needed, then each month's resource, then make it public."""
    today = today or datetime.date.today()
    dataset = plan.dataset
    if plan.dataset_action == CREATE_DATASET:
        fields = new_dataset(organisation, year, licence, today)
        dataset = create_hidden(site, fields, lambda: site.find_dataset(organisation, year))
    elif plan.dataset_action == FINISH_DATASET:
        assert dataset is not None
        dataset = hide(site, dataset)
    assert dataset is not None
    # False when another run finished the year between our plan and our create: months are added to it.
    finishing = plan.dataset_action in (CREATE_DATASET, FINISH_DATASET) and not is_public(dataset)
    result = PublicationResult(dataset)
    changes = plan.changes

    def read_again() -> dict[str, Any]:
        """The dataset as it is now; while finishing, it must still be hidden (checked every time)."""
        current = site.call("package_show", id=dataset["id"])
        if finishing:
            require_hidden(site, current, months_missing(current, changes))
        return current

    country = organisation.get("country")
    for action in changes:
        outcome = _apply_month(site, dataset["id"], action, organisation["name"], country, progress_for, read_again)
        result.done.append(action)
        if on_done:
            on_done(action, outcome)
    if finishing:
        result.dataset = make_public(site, read_again(), today)
    elif plan.dataset_action != KEEP_DATASET:
        # Also moves the dataset's own modified date (dct:modified), which harvesters compare.
        result.dataset = site.call("package_patch", id=dataset["id"], modified=today.isoformat())
    return result


def _apply_month(
    site: Site,
    dataset_id: str,
    action: MonthAction,
    organisation_name: str,
    country: str | None,
    progress_for: ProgressFor,
    read_again: Callable[[], dict[str, Any]],
) -> str:
    resources = resources_by_month(read_again()).get(action.month, [])
    ids = [resource["id"] for resource in resources]
    if action.kind == REMOVE_DUPLICATE:
        if action.resource_id in ids:
            site.call("resource_delete", id=action.resource_id)
        return DUPLICATE_REMOVED
    assert action.file is not None and action.kind != KEEP
    if any(is_current(resource, action.file, action.link_url) for resource in resources):
        return ALREADY_THERE
    # The month's resource is replaced in place: the one planned, or the one another run created.
    target = action.resource_id if action.resource_id in ids else (ids[0] if ids else None)
    fields = resource_fields(action.file, country, action.link_url)
    # Uploaded under the national name (as the demo and the guides), whatever the prepared file is called.
    upload_name = monthly_file_name(organisation_name, action.month, country)
    if target:
        _send(site, "resource_patch", action, progress_for, upload_name, id=target, **fields)
        read_again()
        return REPLACED
    created = _send(site, "resource_create", action, progress_for, upload_name, package_id=dataset_id, **fields)
    return ALREADY_THERE if _drop_second_copy(site, read_again(), action, created["id"]) else CREATED


def _send(site: Site, verb: str, action: MonthAction, progress_for: ProgressFor, upload_name: str,
          **data: Any) -> Any:
    assert action.file is not None
    if action.link_url:
        return site.call(verb, **data)
    with progress_for(action.file) as progress:
        return site.upload(verb, action.file.path, progress, upload_name=upload_name, **data)


def _drop_second_copy(site: Site, dataset: dict[str, Any], action: MonthAction, created_id: str) -> bool:
    """Remove the resource just created when another run's copy of the same file is listed before it."""
    assert action.file is not None
    copies = [
        resource["id"]
        for resource in resources_by_month(dataset).get(action.month, [])
        if is_current(resource, action.file, action.link_url)
    ]
    if created_id not in copies or copies[0] == created_id:
        return False
    site.call("resource_delete", id=created_id)
    return True
