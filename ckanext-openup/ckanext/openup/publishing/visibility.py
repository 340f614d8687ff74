"""Keeping a year out of the public's sight until every month is in, checked on the site's answers.

CKAN drops ``state=draft`` from ``package_create`` for anyone but a sysadmin, so a new dataset is
created private (which an organisation's editor may ask for) and then marked draft (which an editor
may set on an existing dataset). Private hides it from visitors, search and harvest feeds; draft
marks it as publish's unfinished work, so a later run finishes it rather than mistaking it for a
dataset its publisher keeps private on purpose. Every answer is read back: a site that does not
keep the year hidden stops the run before (or as soon as) anything could show.
"""

from __future__ import annotations

import datetime
from typing import Any

from ckanext.openup.publishing.errors import PublishingError, VisibilityError
from ckanext.openup.publishing.site import Site


def is_public(dataset: dict[str, Any]) -> bool:
    """Whether anyone may see the dataset: active and not private (a draft is seen by its editors only)."""
    return dataset.get("state") == "active" and not dataset.get("private")


def is_unfinished(dataset: dict[str, Any]) -> bool:
    """A draft (left by publish, or the web form) or a dataset without a month yet: filled out of sight."""
    return dataset.get("state") == "draft" or not dataset.get("resources")


def create_hidden(site: Site, fields: dict[str, Any], find_again: Any) -> dict[str, Any]:
    """Create the dataset private and draft and return it as the site keeps it.

    When the create fails, ``find_again()`` looks for the dataset once more: another run may have
    created it a moment earlier under the same name; then that one is used (and kept hidden).
    """
    try:
        dataset = site.call("package_create", **fields, private=True, state="draft")
    except PublishingError:
        try:
            found = find_again()
        except PublishingError:
            found = None
        if found is None:
            raise
        return found if is_public(found) and not is_unfinished(found) else hide(site, found)
    if is_public(dataset):
        raise VisibilityError(
            f"{site.url} did not keep the new dataset private: {_url(site, dataset)} is public; "
            "no month was uploaded.",
            ["The site (or a plugin on it) ignores 'private'. Ask its administrator; until then, make the "
             "dataset private in CKAN by hand and run the same command again."],
        )
    return hide(site, dataset)


def hide(site: Site, dataset: dict[str, Any]) -> dict[str, Any]:
    """Make sure an unfinished dataset is private and draft before months go in; checked on the answer."""
    if dataset.get("private") and dataset.get("state") == "draft":
        return dataset
    hidden = site.call("package_patch", id=dataset["id"], private=True, state="draft")
    if is_public(hidden):
        raise VisibilityError(
            f"{site.url} did not keep the unfinished dataset {_url(site, hidden)} private; "
            "no month was uploaded.",
            ["Make the dataset private in CKAN by hand, then run the same command again."],
        )
    return hidden


def require_hidden(site: Site, dataset: dict[str, Any], months_to_come: list[str]) -> None:
    """Stop when the year is public while months of this run are still missing from it.

    A year that another run (or a person) made public once it had every month is fine.
    """
    if not is_public(dataset) or not months_to_come:
        return
    try:
        site.call("package_patch", id=dataset["id"], private=True)
        again = "it was made private again"
    except PublishingError:
        again = "making it private again failed: do it in CKAN by hand"
    raise VisibilityError(
        f"{site.url} made the unfinished dataset {_url(site, dataset)} public before "
        f"{', '.join(months_to_come)} were in; {again}.",
        ["Run the same command again to finish it."],
    )


def make_public(site: Site, dataset: dict[str, Any], today: datetime.date) -> dict[str, Any]:
    """Every month is in: make the dataset public and active; checked on the answer."""
    # Also moves the dataset's own modified date (dct:modified), which harvesters compare.
    public = site.call(
        "package_patch", id=dataset["id"], private=False, state="active", modified=today.isoformat()
    )
    if not is_public(public):
        raise VisibilityError(
            f"{site.url} did not make {_url(site, public)} public (private: {public.get('private')}, "
            f"state: {public.get('state')}); every month is in.",
            ["Make it public in CKAN (edit the dataset: Visibility: Public), or run the same command again."],
        )
    return public


def _url(site: Site, dataset: dict[str, Any]) -> str:
    return f"{site.url}/dataset/{dataset.get('name') or dataset.get('id')}"
