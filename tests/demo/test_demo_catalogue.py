"""The README's first command, end to end: `openup demo` on a fresh folder, over real HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.live_ckan import free_port, wait_until_serving

OPENUP = str(Path(sys.executable).with_name("openup"))


def _start(home: Path, port: int) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items()
           if key not in ("CKAN_SQLALCHEMY_URL", "CKAN_INI", "CKAN_SITE_URL", "CKAN_STORAGE_PATH", "CKAN_REDIS_URL")}
    return subprocess.Popen(
        [OPENUP, "demo", "--port", str(port), "--home", str(home)], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )


def _interrupt(process: subprocess.Popen) -> str:
    # Ctrl-C in a terminal signals the whole foreground process group.
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in command:
            found.append(command)
    return found


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-home")


def _search(base: str, **params) -> dict:
    response = requests.get(f"{base}/api/3/action/package_search", params=params, timeout=30)
    response.raise_for_status()
    return response.json()["result"]


def test_demo_serves_municipalities_finds_swedish_word_forms_and_survives_restart(demo_home):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start(demo_home, port)
    try:
        wait_until_serving(process, base, describe=lambda: process.stdout.read())
        organizations = requests.get(f"{base}/api/3/action/organization_list", timeout=30).json()["result"]
        assert {"sundsvalls-kommun", "uppsala-kommun", "tampereen-kaupunki"} <= set(organizations)

        # `faktura` finds titles with `fakturor`, also inside the compound `leverantörsfakturor`.
        found = _search(base, q="faktura")
        assert found["count"] >= 2
        assert all("fakturor" in dataset["title"].lower() for dataset in found["results"])

        faceted = _search(base, **{"facet.field": '["organization","res_format"]'})
        assert faceted["facets"]["organization"] == {
            "sundsvalls-kommun": 1, "uppsala-kommun": 1, "tampereen-kaupunki": 1}
        assert faceted["facets"]["res_format"] == {"CSV": 3}

        dataset = _search(base, fq="organization:tampereen-kaupunki")["results"][0]
        assert len(dataset["resources"]) >= 1
        assert all(resource["format"] == "CSV" for resource in dataset["resources"])
        monthly_file = requests.get(dataset["resources"][0]["url"], timeout=30)
        assert monthly_file.ok and monthly_file.text.startswith("Kuntanumero,")

        page = requests.get(f"{base}/organization/uppsala-kommun", timeout=30).text
        assert "Leverantörsfakturor 2026 – Uppsala kommun" in page
        first_ids = {d["id"] for d in _search(base, rows=100)["results"]}
    finally:
        output = _interrupt(process)
    assert process.returncode is not None
    assert "API token:" in output and "Traceback" not in output.split("Stop with Ctrl-C.")[-1]
    # Its own Redis (and jobs worker) stopped with it, after the worker let go of it.
    assert not _processes_mentioning(str(demo_home / "redis"))

    process = _start(demo_home, port)
    try:
        wait_until_serving(process, base, describe=lambda: process.stdout.read())
        assert {d["id"] for d in _search(base, rows=100)["results"]} == first_ids
    finally:
        output = _interrupt(process)
    assert "0 municipalities, 0 datasets, 0 monthly files" in output
