"""Carry a publication plan out on the site, in an order that any interruption leaves safe to resume.

A new dataset is created as a draft and only made active once every month is in, so the public
never sees half a year. Each month is one request that uploads the file and sets its size and
checksum together: a request cut off half-way changes nothing, and one that completed is recognised
by its checksum next time. So running the same command again after a failure finishes the job.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from ckanext.openup.publishing.local_files import MonthlyFile
from ckanext.openup.publishing.metadata import new_dataset, resource_fields
from ckanext.openup.publishing.plan import (
    CREATE,
    CREATE_DATASET,
    KEEP,
    KEEP_DATASET,
    REMOVE_DUPLICATE,
    REPLACE,
    MonthAction,
    PublicationPlan,
)
from ckanext.openup.publishing.site import Progress, Site

ProgressFor = Callable[[MonthlyFile], AbstractContextManager[Progress | None]]


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
    on_done: Callable[[MonthAction], None] | None = None,
) -> PublicationResult:
    """Create the dataset if needed, then each month's resource, then make the dataset active."""
    today = today or datetime.date.today()
    dataset = plan.dataset
    if plan.dataset_action == CREATE_DATASET:
        fields = new_dataset(organisation, year, licence, today)
        dataset = site.call("package_create", **fields, state="draft")
    assert dataset is not None
    result = PublicationResult(dataset)
    country = organisation.get("country")
    for action in plan.months:
        if action.kind == KEEP:
            continue
        _apply_month(site, dataset["id"], action, country, progress_for)
        result.done.append(action)
        if on_done:
            on_done(action)
    if plan.dataset_action != KEEP_DATASET:
        # Also moves the dataset's own modified date (dct:modified), which harvesters compare.
        result.dataset = site.call("package_patch", id=dataset["id"], state="active", modified=today.isoformat())
    return result


def _apply_month(
    site: Site, dataset_id: str, action: MonthAction, country: str | None, progress_for: ProgressFor
) -> None:
    if action.kind == REMOVE_DUPLICATE:
        site.call("resource_delete", id=action.resource_id)
        return
    assert action.file is not None
    fields = resource_fields(action.file, country, action.link_url)
    target = {"package_id": dataset_id} if action.kind == CREATE else {"id": action.resource_id}
    verb = "resource_create" if action.kind == CREATE else "resource_patch"
    assert action.kind in (CREATE, REPLACE)
    if action.link_url:
        site.call(verb, **target, **fields)
        return
    with progress_for(action.file) as progress:
        site.upload(verb, action.file.path, progress, **target, **fields)
