"""A new year stays out of the public's sight until every month is in, whatever the token's role.

CKAN ignores ``state=draft`` in ``package_create`` from anyone but a sysadmin, so these tests publish
with an organisation editor's token, the way most publishers do, and look as an anonymous visitor
and as a harvester would: the API, search, the organisation's harvest feed and the site's catalogue.
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest
import requests

from tests.publishing.conftest import publish
from tests.publishing.invoices import month_file, prepared_months
from tests.publishing.rewriting_proxy import RewritingProxy
from tests.publishing.runs import OPENUP, wait_for, year_dataset
from tests.publishing.throttle import SlowRelay

YEAR = 2025


def dataset_name(organisation):
    return f"{organisation['name']}-leverantorsfakturor-{YEAR}"


def public_traces(site, organisation, dataset) -> list[str]:
    """Where an anonymous visitor or a harvester sees anything of ``dataset``; empty when nowhere."""
    seen = []
    shown = requests.get(f"{site.url}/api/3/action/package_show", params={"id": dataset["name"]}, timeout=60)
    if shown.status_code not in (403, 404):
        seen.append(f"package_show answered {shown.status_code}")
    found = requests.get(f"{site.url}/api/3/action/package_search",
                         params={"fq": f'owner_org:"{organisation["id"]}"'}, timeout=60).json()["result"]
    if found["count"]:
        seen.append(f"package_search found {[d['name'] for d in found['results']]}")
    for feed in (f"/organization/{organisation['name']}/catalog", "/catalog.rdf", f"/dataset/{dataset['name']}"):
        response = requests.get(f"{site.url}{feed}", timeout=60)
        if response.status_code == 200 and (dataset["id"] in response.text or dataset["name"] in response.text):
            seen.append(f"{feed} holds it")
    return seen


@pytest.mark.skipif(os.name != "posix", reason="kills a process")
def test_editor_token_killed_after_the_first_month_shows_nothing_of_the_year(
    site, edited_organisation, editor_token, tmp_path
):
    organisation = edited_organisation
    prepared = prepared_months(tmp_path, YEAR, [1, 2, 3], rows_per_month=3000)
    relay = SlowRelay(site.port, bytes_per_second=150_000)
    env = dict(os.environ, OPENUP_CKAN_TOKEN=editor_token, XDG_CONFIG_HOME=str(tmp_path / "no-config"))
    command = [OPENUP, "publish", "--ckan", relay.url, "--org", organisation["name"], "--year", str(YEAR),
               str(prepared)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        # Kill it while February is on the wire: January is in, part of February has reached the server.
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
    time.sleep(1)
    left = year_dataset(site, organisation, YEAR)
    assert [resource["period"] for resource in left["resources"]] == [f"{YEAR}-01"]
    assert left["private"] is True

    assert public_traces(site, organisation, left) == []

    result = publish(site.url, editor_token, "--org", organisation["name"], "--year", YEAR, prepared)

    assert result.exit_code == 0, result.output
    assert "finish" in result.output
    shown = requests.get(f"{site.url}/api/3/action/package_show", params={"id": left["name"]}, timeout=60)
    assert shown.status_code == 200
    dataset = shown.json()["result"]
    assert dataset["private"] is False and dataset["state"] == "active"
    assert sorted(resource["period"] for resource in dataset["resources"]) == [f"{YEAR}-0{m}" for m in (1, 2, 3)]
    feed = requests.get(f"{site.url}/organization/{organisation['name']}/catalog", timeout=60)
    assert dataset["id"] in feed.text or dataset["name"] in feed.text


def test_a_new_year_published_with_an_editor_token_is_public_once_complete(
    site, edited_organisation, editor_token, tmp_path
):
    prepared = prepared_months(tmp_path, YEAR, [1, 2])

    result = publish(site.url, editor_token, "--org", edited_organisation["name"], "--year", YEAR, prepared)

    assert result.exit_code == 0, result.output
    dataset = year_dataset(site, edited_organisation, YEAR)
    assert dataset["private"] is False and dataset["state"] == "active"
    assert public_traces(site, edited_organisation, dataset) != []


def test_adding_a_month_to_a_public_year_leaves_it_public(site, edited_organisation, editor_token, tmp_path):
    args = ("--org", edited_organisation["name"], "--year", YEAR)
    assert publish(site.url, editor_token, *args, prepared_months(tmp_path / "q1", YEAR, [1, 2])).exit_code == 0

    result = publish(site.url, editor_token, *args, prepared_months(tmp_path / "march", YEAR, [3]))

    assert result.exit_code == 0, result.output
    dataset = year_dataset(site, edited_organisation, YEAR)
    assert dataset["private"] is False and dataset["state"] == "active"
    assert sorted(r["period"] for r in dataset["resources"]) == ["2025-01", "2025-02", "2025-03"]


def test_a_year_kept_private_by_its_publisher_stays_private(site, edited_organisation, editor_token, tmp_path):
    args = ("--org", edited_organisation["name"], "--year", YEAR)
    assert publish(site.url, editor_token, *args, prepared_months(tmp_path / "q1", YEAR, [1])).exit_code == 0
    # Taken out of sight on purpose (say, a file is being checked again): publish must not undo that.
    site.action("package_patch", id=dataset_name(edited_organisation), private=True)

    result = publish(site.url, editor_token, *args, prepared_months(tmp_path / "feb", YEAR, [2]))

    assert result.exit_code == 0, result.output
    assert "update (private: it stays private)" in result.output
    assert year_dataset(site, edited_organisation, YEAR)["private"] is True


def test_a_site_that_does_not_keep_the_new_year_private_stops_publish_before_any_month(
    site, edited_organisation, editor_token, tmp_path
):
    prepared = prepared_months(tmp_path, YEAR, [1, 2])
    # Stands for a site (or a plugin on it) that drops the visibility publish asks for.
    with RewritingProxy(site.port, drop_fields=("private",)) as proxy:
        result = publish(proxy.url, editor_token, "--org", edited_organisation["name"], "--year", YEAR, prepared)

    assert result.exit_code == 1, result.output
    assert "did not keep the new dataset private" in result.output
    assert "Traceback" not in result.output
    assert year_dataset(site, edited_organisation, YEAR)["resources"] == []  # not one month went out
