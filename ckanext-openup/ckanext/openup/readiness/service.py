"""Readiness answers that stay fast: from the cache, from a background job, or computed at once.

The cache is valid while the organisation's fingerprint is unchanged: its own fields and the id,
``metadata_modified``, visibility and state of every dataset it owns (any edit moves them). When the
fingerprint has moved and Redis is there, a background job re-checks and the last result is shown
meanwhile, marked as being re-checked; without Redis (or with background jobs switched off) the check
runs in the request and is cached.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from typing import Any

import ckan.plugins.toolkit as toolkit
from redis.exceptions import RedisError

from ckanext.openup import organisations
from ckanext.openup.readiness import assessment, store

log = logging.getLogger(__name__)

# Part of every fingerprint: a release that checks differently makes the old results stale.
RULES_VERSION = "2"
SEARCH_PAGE = 1000
_BRIEF_FIELDS = "id,metadata_modified,private,state"


class ReadinessNotFound(Exception):
    """No active organisation by that id or name."""


def harvest_readiness(organisation_id: str, refresh: bool = False, wait: bool = False) -> dict[str, Any]:
    """The readiness of an organisation: cached when fresh, else re-checked in a job or right here.

    ``refresh`` checks now, whatever the cache holds; ``wait`` checks now when the cache is stale (no job).
    The answer has ``fresh`` (it describes the current metadata) and ``pending`` (a background check is
    under way); while the first check of an organisation is pending there is no ``status`` yet.
    """
    organisation = _active_organisation(organisation_id)
    fingerprint = organisation_fingerprint(organisation, _datasets(organisation["id"], _BRIEF_FIELDS))
    cached = None if refresh else store.read(organisation["id"])
    if cached and cached.fingerprint == fingerprint and cached.result:
        return dict(cached.result, fresh=True, pending=False)
    if not (refresh or wait) and _background() and not _job_overdue(cached, fingerprint) \
            and _enqueue(organisation["id"], fingerprint):
        if cached and cached.result:
            return dict(cached.result, fresh=False, pending=True)
        return {"organization": {"id": organisation["id"], "name": organisation["name"],
                                 "title": organisation.get("title") or organisation["name"]},
                "fresh": False, "pending": True}
    return dict(check_and_store(organisation["id"]), fresh=True, pending=False)


def check_and_store(organisation_id: str) -> dict[str, Any]:
    """Check the organisation as it is now and cache the result under its current fingerprint."""
    organisation = _active_organisation(organisation_id)
    # Taken before the check, from the same search fields as a visit compares: an edit made during
    # the check leaves the stored result stale rather than hiding the edit.
    fingerprint = organisation_fingerprint(organisation, _datasets(organisation["id"], _BRIEF_FIELDS))
    result = assessment.assess(organisation, _datasets(organisation["id"]))
    store.write(organisation["id"], fingerprint, result)
    return result


def run_job(organisation_id: str) -> None:
    """The background job: re-check one organisation (enqueued by :func:`harvest_readiness`)."""
    try:
        check_and_store(organisation_id)
    except ReadinessNotFound:
        log.info("Readiness check skipped: organisation %s is gone", organisation_id)


def organisation_fingerprint(organisation: dict[str, Any], datasets: list[dict[str, Any]]) -> str:
    """What the cached readiness depends on, hashed."""
    brief = sorted((d["id"], d.get("metadata_modified"), bool(d.get("private")), d.get("state"))
                   for d in datasets)
    described = {key: value for key, value in organisation.items() if key not in ("package_count",)}
    text = json.dumps([RULES_VERSION, toolkit.config.get("ckan.site_url"), described, brief],
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _active_organisation(id_or_name: str) -> dict[str, Any]:
    organisation = organisations.organisation(id_or_name)
    if not organisation or organisation.get("state") != "active" or not organisation.get("is_organization"):
        raise ReadinessNotFound(id_or_name)
    return organisation


def _datasets(organisation_id: str, fields: str | None = None) -> list[dict[str, Any]]:
    """Every dataset the organisation owns, private and draft ones too (as the site user sees them)."""
    context = {"ignore_auth": True,
               "user": toolkit.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    found: list[dict[str, Any]] = []
    while True:
        params = {"fq": f'owner_org:"{organisation_id}"',
                  "fq_list": ["-dataset_type:harvest", "-dataset_type:showcase"],
                  "include_private": True, "include_drafts": True, "sort": "name asc",
                  "rows": SEARCH_PAGE, "start": len(found)}
        if fields:
            params["fl"] = fields
        page = toolkit.get_action("package_search")(context, params)
        found.extend(page["results"])
        if not page["results"] or len(found) >= page["count"]:
            return found


def _background() -> bool:
    return toolkit.asbool(toolkit.config.get("ckanext.openup.readiness.background"))


def _job_overdue(cached: store.CachedReadiness | None, fingerprint: str) -> bool:
    """A job for this fingerprint was queued longer ago than it may run: no worker seems to be running."""
    if not cached or cached.pending_fingerprint != fingerprint or cached.pending_since is None:
        return False
    waited = datetime.datetime.now(datetime.timezone.utc) - cached.pending_since
    overdue = waited.total_seconds() > _job_timeout()
    if overdue:
        log.warning("Readiness job for %s not done after %s: checking in the request (is `ckan jobs worker` "
                    "running?)", cached.pending_fingerprint[:12], waited)
    return overdue


def _job_timeout() -> float:
    return float(toolkit.config.get("ckanext.openup.readiness.job_timeout"))


def _enqueue(organisation_id: str, fingerprint: str) -> bool:
    """Start a background check unless one is under way; False when there is no Redis to queue it in."""
    stale_after = _job_timeout()
    if not store.claim(organisation_id, fingerprint, stale_after):
        return True
    try:
        toolkit.enqueue_job(run_job, [organisation_id], title=f"openup harvest readiness {organisation_id}",
                            rq_kwargs={"timeout": max(1, int(stale_after))})
    except RedisError as error:
        log.info("No background job for the readiness check (%s): checking now", error)
        store.release(organisation_id)
        return False
    return True
