"""A real `ckan jobs worker` runs readiness checks on the running CKAN version with a clean log."""

from __future__ import annotations

import os
import time

import pytest

from tests.live_ckan import LiveCkan
from tests.supplier_invoices import SUNDSVALL, supplier_invoice

PLUGINS = "openup_search openup scheming_datasets scheming_organizations dcat"
EXTRA_CONFIG = "ckanext.dcat.rdf.profiles = dcat_ap_se\nckanext.openup.readiness.background = true"


def readiness_when_checked(site: LiveCkan, organisation: str, timeout: float = 180) -> dict:
    """The readiness once the worker has checked it (polled as the readiness page does)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = site.action("openup_harvest_readiness", id=organisation)
        if not answer["pending"]:
            return answer
        time.sleep(1)
    raise AssertionError(f"readiness still pending after {timeout:.0f} s:\n{worker_log(site)[-3000:]}")


def worker_log(site: LiveCkan) -> str:
    return (site.workdir / "worker.log").read_text(errors="replace")


def test_jobs_worker_checks_readiness_without_a_traceback_in_its_log():
    if not os.environ.get("CKAN_REDIS_URL"):
        pytest.fail("This test needs Redis: install Debian's redis-server (.ci/run does)")
    with LiveCkan("readiness_worker", plugins=PLUGINS, extra_config=EXTRA_CONFIG) as site:
        organisation = site.action("organization_create", **SUNDSVALL)
        dataset = site.action("package_create", **supplier_invoice(organisation, year=2024, tags_translated={}))
        site.start_jobs_worker()

        assert site.action("openup_harvest_readiness", id="sundsvall")["pending"] is True
        assert readiness_when_checked(site, "sundsvall")["status"] == "improvable"
        site.action("package_patch", id=dataset["id"],
                    tags_translated={"sv": ["fakturor"], "en": ["invoices"]})
        assert site.action("openup_harvest_readiness", id="sundsvall")["pending"] is True
        assert readiness_when_checked(site, "sundsvall")["status"] == "ready"

        log = worker_log(site)
        assert "Traceback" not in log and "SOLR" not in log.upper(), log[-3000:]
