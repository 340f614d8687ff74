"""Where Redis is, a file's rows are loaded by a background job; the request does not wait for them."""

from __future__ import annotations

import ckan.plugins.toolkit as toolkit
import pytest
from ckan.lib import jobs
from ckan.lib.redis import connect_to_redis
from rq import SimpleWorker

from tests.rows.invoice_months import month_text, upload_month
from tests.supplier_invoices import sysadmin_context


@pytest.mark.usefixtures("clean_redis")
@pytest.mark.ckan_config("ckanext.openup.rows.background", "true")
def test_rows_are_loaded_by_the_background_job(dataset):
    resource = upload_month(dataset, 11, month_text(11, 120))
    with pytest.raises(toolkit.ObjectNotFound):
        toolkit.get_action("datastore_search")(sysadmin_context(), {"resource_id": resource["id"]})
    assert [job.description or job.func_name for job in jobs.get_queue().jobs] != []

    SimpleWorker([jobs.get_queue()], connection=connect_to_redis()).work(burst=True)

    found = toolkit.get_action("datastore_search")(sysadmin_context(), {"resource_id": resource["id"], "limit": 1})
    assert found["total"] == 120
    assert jobs.get_queue().jobs == []  # the DataStore's own resource_patch did not queue a second load
