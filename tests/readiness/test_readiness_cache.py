"""The readiness cache: served while nothing changed, re-checked after an edit, in a job where Redis is."""

import os
import time

import ckan.plugins.toolkit as toolkit
import pytest
from ckan.cli.cli import ckan as ckan_command

from ckanext.openup.readiness import store
from tests.readiness.conftest import readiness_as, update_dataset
from tests.supplier_invoices import create_supplier_invoice, sysadmin_context

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def tamper_with_cache(organisation_id):
    """Mark the stored result so that a test can tell it was served from the cache."""
    cached = store.read(organisation_id)
    store.write(organisation_id, cached.fingerprint, dict(cached.result, checked_at="from-the-cache"))


@pytest.mark.ckan_config("ckanext.openup.readiness.background", "false")
def test_cached_result_is_served_until_a_dataset_changes(sundsvall, editor):
    dataset = create_supplier_invoice(sundsvall, year=2024, tags_translated={})
    assert readiness_as(editor, "sundsvall")["status"] == "improvable"
    tamper_with_cache(sundsvall["id"])

    assert readiness_as(editor, "sundsvall")["checked_at"] == "from-the-cache"

    update_dataset(dataset["name"], tags_translated={"sv": ["fakturor"], "en": ["invoices"]})
    after_edit = readiness_as(editor, "sundsvall")
    assert after_edit["checked_at"] != "from-the-cache" and after_edit["status"] == "ready"


@pytest.mark.ckan_config("ckanext.openup.readiness.background", "false")
def test_an_organisation_edit_makes_the_cache_stale(sundsvall, editor):
    create_supplier_invoice(sundsvall, year=2024)
    readiness_as(editor, "sundsvall")
    tamper_with_cache(sundsvall["id"])

    toolkit.get_action("organization_patch")(sysadmin_context(), {"id": "sundsvall", "organization_number": ""})

    after_edit = readiness_as(editor, "sundsvall")
    assert after_edit["checked_at"] != "from-the-cache" and after_edit["organization_problems"]


@pytest.mark.ckan_config("ckanext.openup.readiness.background", "false")
def test_refresh_checks_again_though_nothing_changed(sundsvall, editor):
    create_supplier_invoice(sundsvall, year=2024)
    readiness_as(editor, "sundsvall")
    tamper_with_cache(sundsvall["id"])

    assert readiness_as(editor, "sundsvall", refresh=True)["checked_at"] != "from-the-cache"


@pytest.mark.usefixtures("clean_queues")
@pytest.mark.ckan_config("ckanext.openup.readiness.background", "true")
def test_stale_result_is_shown_while_a_background_job_checks_again(sundsvall, editor, cli):
    if not os.environ.get("CKAN_REDIS_URL"):
        pytest.fail("This test needs Redis: install Debian's redis-server (.ci/run does)")
    dataset = create_supplier_invoice(sundsvall, year=2024, tags_translated={})

    first = readiness_as(editor, "sundsvall")
    assert first["pending"] is True and "status" not in first
    assert readiness_as(editor, "sundsvall")["pending"] is True  # one job, not one per visit
    assert len(toolkit.get_action("job_list")(sysadmin_context(), {})) == 1
    assert cli.invoke(ckan_command, ["jobs", "worker", "--burst"]).exit_code == 0
    checked = readiness_as(editor, "sundsvall")
    assert checked["pending"] is False and checked["fresh"] is True and checked["status"] == "improvable"

    update_dataset(dataset["name"], tags_translated={"sv": ["fakturor"]})
    stale = readiness_as(editor, "sundsvall")
    assert stale["pending"] is True and stale["fresh"] is False and stale["status"] == "improvable"
    assert cli.invoke(ckan_command, ["jobs", "worker", "--burst"]).exit_code == 0
    assert readiness_as(editor, "sundsvall")["status"] == "ready"


@pytest.mark.usefixtures("clean_queues")
@pytest.mark.ckan_config("ckanext.openup.readiness.background", "true")
@pytest.mark.ckan_config("ckanext.openup.readiness.job_timeout", "0")
def test_a_job_no_worker_runs_is_replaced_by_a_check_in_the_request(sundsvall, editor):
    if not os.environ.get("CKAN_REDIS_URL"):
        pytest.fail("This test needs Redis: install Debian's redis-server (.ci/run does)")
    create_supplier_invoice(sundsvall, year=2024)

    assert readiness_as(editor, "sundsvall")["pending"] is True
    time.sleep(0.05)

    overdue = readiness_as(editor, "sundsvall")
    assert overdue["pending"] is False and overdue["status"] == "ready"
