"""An interrupted publication (process killed, connection cut) is finished by the next run, nothing doubled."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time

import pytest
import requests

from tests.publishing.conftest import publish
from tests.publishing.invoices import month_file, prepared_months
from tests.publishing.runs import OPENUP, wait_for, year_dataset
from tests.publishing.throttle import SlowRelay

YEAR = 2025
ROWS_PER_MONTH = 3000  # about half a megabyte a month: several seconds each through the slow relay


def assert_stored_files_match_their_checksums(site, dataset):
    for resource in dataset["resources"]:
        stored = requests.get(resource["url"], headers={"Authorization": site.admin_token}, timeout=60).content
        assert hashlib.sha256(stored).hexdigest() == resource["hash"], resource["period"]


def assert_complete(site, organisation, prepared, months):
    dataset = year_dataset(site, organisation, YEAR)
    assert dataset["state"] == "active"
    periods = [resource["period"] for resource in dataset["resources"]]
    assert sorted(periods) == [f"{YEAR}-{month:02d}" for month in months]  # each month exactly once
    for resource in dataset["resources"]:
        local = month_file(prepared, YEAR, int(resource["period"][-2:])).read_bytes()
        assert resource["hash"] == hashlib.sha256(local).hexdigest()
        assert int(resource["size"]) == len(local)
    assert_stored_files_match_their_checksums(site, dataset)
    return dataset


@pytest.mark.skipif(os.name != "posix", reason="kills a process")
def test_killed_mid_upload_the_next_run_finishes_without_duplicates(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1, 2, 3], rows_per_month=ROWS_PER_MONTH)
    relay = SlowRelay(site.port, bytes_per_second=150_000)
    env = dict(os.environ, OPENUP_CKAN_TOKEN=site.admin_token, XDG_CONFIG_HOME=str(tmp_path / "no-config"))
    command = [OPENUP, "publish", "--ckan", relay.url, "--org", organisation["name"], "--year", str(YEAR),
               str(prepared)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        # Kill it while February is on the wire: January is in, a third of February has reached the server.
        wait_for(lambda: (year_dataset(site, organisation, YEAR) or {}).get("resources"))
        mark = relay.bytes_forwarded
        wait_for(lambda: relay.bytes_forwarded > mark + month_file(prepared, YEAR, 2).stat().st_size // 3)
        process.kill()
        relay.abort()
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
        relay.abort()
    time.sleep(1)  # let the server give up on the cut-off request
    left = year_dataset(site, organisation, YEAR)
    assert left["state"] == "draft"  # the public never saw half a year
    assert [resource["period"] for resource in left["resources"]] == [f"{YEAR}-01"]
    assert_stored_files_match_their_checksums(site, left)
    january = left["resources"][0]["id"]

    result = publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared)

    assert result.exit_code == 0, result.output
    assert "finish" in result.output and f"{YEAR}-01  keep" in result.output
    dataset = assert_complete(site, organisation, prepared, [1, 2, 3])
    assert {r["period"]: r["id"] for r in dataset["resources"]}[f"{YEAR}-01"] == january


def test_connection_cut_mid_upload_exits_1_and_the_next_run_finishes(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1, 2, 3], rows_per_month=300)
    sizes = [month_file(prepared, YEAR, month).stat().st_size for month in (1, 2)]
    relay = SlowRelay(site.port, cut_after_bytes=sizes[0] + sizes[1] // 2 + 20_000)
    try:
        cut = publish(relay.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared)
    finally:
        relay.close()

    assert cut.exit_code == 1, cut.output
    assert "run the same command again" in cut.output
    assert "Traceback" not in cut.output
    assert [r["period"] for r in year_dataset(site, organisation, YEAR)["resources"]] == [f"{YEAR}-01"]

    again = publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared)

    assert again.exit_code == 0, again.output
    assert_complete(site, organisation, prepared, [1, 2, 3])
