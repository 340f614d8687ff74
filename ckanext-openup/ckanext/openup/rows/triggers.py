"""When rows are loaded: after a supplier-invoice file is created or replaced, and removed with it.

Where Redis is, a load is an RQ background job (``ckan jobs worker`` runs it); where it is not, or
with ``ckanext.openup.rows.background`` off, it runs in the request. Either way a failed load is
logged and leaves the previous rows of the month in place.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit
from redis.exceptions import RedisError

from ckanext.openup.procurement.errors import InvoiceFileError
from ckanext.openup.rows import loading, spending_store

log = logging.getLogger(__name__)

BACKGROUND = "ckanext.openup.rows.background"
JOB_TIMEOUT = "ckanext.openup.rows.job_timeout"


def resource_saved(resource: dict[str, Any]) -> None:
    """Load (or reload) the rows of a created or updated resource, in a job or right here."""
    resource_id = resource.get("id")
    if not resource_id or loading.busy(resource_id) or not _maybe_invoice(resource) or not datastore_on():
        return
    if toolkit.asbool(toolkit.config.get(BACKGROUND)) and _enqueue(resource_id):
        return
    run_job(resource_id)


def resource_deleted(resource_id: str) -> None:
    """Remove the rows of a resource that is being deleted."""
    if resource_id and not loading.busy(resource_id) and datastore_on():
        loading.remove_rows(resource_id)


def dataset_deleted(dataset_id: str) -> None:
    """Remove the rows of every resource of a deleted dataset."""
    try:
        dataset = toolkit.get_action("package_show")(loading.site_context(), {"id": dataset_id})
    except toolkit.ObjectNotFound:
        return
    if dataset.get("type") == loading.DATASET_TYPE and datastore_on():
        for resource in dataset.get("resources", []):
            resource_deleted(resource["id"])


def dataset_saved(dataset: dict[str, Any]) -> None:
    """Make the spending store follow a created or updated dataset: private or draft rows leave the public set."""
    if dataset.get("type") not in (None, loading.DATASET_TYPE) or not dataset.get("id") or not datastore_on():
        return
    if any(loading.busy(resource.get("id") or "") for resource in dataset.get("resources") or []):
        return  # the DataStore marking a month loaded: the load itself writes who may see its rows
    try:
        dataset = toolkit.get_action("package_show")(loading.site_context(), {"id": dataset["id"]})
    except toolkit.ObjectNotFound:
        return
    if dataset.get("type") == loading.DATASET_TYPE:
        spending_store.dataset_changed(dataset)


def datastore_on() -> bool:
    """True when CKAN's ``datastore`` plugin is loaded (rows are kept only then)."""
    return plugins.plugin_loaded("datastore")


def run_job(resource_id: str, force: bool = False) -> None:
    """Load one resource's rows; a file that cannot be loaded is logged, never raised (old rows stay)."""
    try:
        loading.load_resource(resource_id, force=force)
    except InvoiceFileError as error:
        log.warning("Rows of resource %s not loaded, the previous rows stay: %s", resource_id, error.describe())


def _maybe_invoice(resource: dict[str, Any]) -> bool:
    # Cheap filter in the request; the job checks the dataset type itself.
    return resource.get("url_type") == "upload"


def _enqueue(resource_id: str) -> bool:
    try:
        toolkit.enqueue_job(run_job, [resource_id], title=f"openup invoice rows {resource_id}",
                            rq_kwargs={"timeout": int(toolkit.config.get(JOB_TIMEOUT))})
    except RedisError as error:
        log.info("No background job for the invoice rows (%s): loading now", error)
        return False
    return True
