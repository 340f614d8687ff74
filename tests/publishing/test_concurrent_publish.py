"""Two ``openup publish`` runs for the same organisation and year at once leave each month once."""

from __future__ import annotations

import hashlib
import os
import subprocess

import pytest
import requests

from tests.publishing.invoices import month_file, prepared_months
from tests.publishing.runs import OPENUP, wait_for, year_dataset
from tests.publishing.throttle import SlowRelay

YEAR = 2025
MONTHS = list(range(1, 13))


@pytest.mark.parametrize("second_starts", ["at once", "while the first uploads"])
def test_two_runs_at_once_leave_twelve_months_not_twenty_four(
    site, edited_organisation, editor_token, tmp_path, second_starts
):
    organisation = edited_organisation
    prepared = prepared_months(tmp_path, YEAR, MONTHS, rows_per_month=1000)
    # Slowed down (about 2.5 s a month) so that the two runs' uploads overlap for real, though the
    # second takes seconds to start.
    relay = SlowRelay(site.port, bytes_per_second=64_000)
    env = dict(os.environ, OPENUP_CKAN_TOKEN=editor_token, XDG_CONFIG_HOME=str(tmp_path / "no-config"))
    command = [OPENUP, "publish", "--ckan", relay.url, "--org", organisation["name"], "--year", str(YEAR),
               str(prepared)]
    runs = []
    try:
        runs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        if second_starts != "at once":
            wait_for(lambda: (year_dataset(site, organisation, YEAR) or {}).get("resources"))
        runs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        outputs = [run.communicate(timeout=300)[0].decode() for run in runs]
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
        relay.close()

    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output
        assert "Traceback" not in output
    # The runs really overlapped: one of them met months the other had put in while it ran.
    assert any("already there (put in by another run)" in output for output in outputs), outputs
    dataset = year_dataset(site, organisation, YEAR)
    periods = [resource["period"] for resource in dataset["resources"]]
    assert sorted(periods) == [f"{YEAR}-{month:02d}" for month in MONTHS]  # 12, each month once
    assert dataset["private"] is False and dataset["state"] == "active"
    for resource in dataset["resources"]:
        local = month_file(prepared, YEAR, int(resource["period"][-2:])).read_bytes()
        stored = requests.get(resource["url"], headers={"Authorization": site.admin_token}, timeout=60).content
        assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(local).hexdigest() == resource["hash"]
