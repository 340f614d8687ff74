"""The README's first command, end to end: `openup demo` on a fresh folder, over real HTTP.

The demo is started the way a script or a background shell starts it (SIGINT ignored by inheritance), then
stopped the ways users and process managers stop it: Ctrl-C, SIGTERM, and SIGKILL followed by a new start.
The tests share one data folder and run in order; each start costs a database upgrade and an index rebuild.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ckanext.openup.demo.processes import stops_with
from ckanext.openup.testing import openup_home
from tests import processes
from tests.live_ckan import free_port, wait_until_serving

OPENUP = str(Path(sys.executable).with_name("openup"))
GOODBYE = "Demo catalogue stopped; its data is kept in "


def demo_environment() -> dict[str, str]:
    """The test session's environment without what would point the demo at the session's own services."""
    return {key: value for key, value in os.environ.items() if key not in (
        "CKAN_SQLALCHEMY_URL", "CKAN_INI", "CKAN_SITE_URL", "CKAN_STORAGE_PATH", "CKAN_REDIS_URL")}


def _background_job():
    """Start as a non-interactive shell starts a background job: SIGINT ignored, which exec passes on.

    And told to stop (SIGTERM) by the kernel if this test session is killed before its clean-up.
    """
    stop_with_session = stops_with(os.getpid())

    def prepare() -> None:
        stop_with_session()
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    return prepare


class DemoRun:
    """One `openup demo` process, its output in a log file (a pipe nobody reads would block it)."""

    def __init__(self, home: Path, port: int, number: int) -> None:
        self.home = home
        self.base = f"http://127.0.0.1:{port}"
        self.log = home.parent / f"{home.name}-start-{number}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [OPENUP, "demo", "--port", str(port), "--home", str(home)], env=demo_environment(),
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_background_job(),
            )
        self.started: set[processes.Process] = set()

    def wait_until_serving(self) -> None:
        wait_until_serving(self.process, self.base, describe=self.output)
        self.started = processes.tree(self.process.pid)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, how: signal.Signals, whole_group: bool = False) -> str:
        """Send ``how`` (to the process group, as a terminal's Ctrl-C does, when ``whole_group``); its output."""
        if whole_group:
            os.killpg(self.process.pid, how)
        else:
            self.process.send_signal(how)
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`openup demo` still running 90 s after {how.name}:\n{self.output()[-3000:]}")
        return self.output()


@pytest.fixture(scope="module")
def demo_home() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="demo-", dir=openup_home())) / "home"
    yield home
    # Whatever the tests left behind (they fail when anything was), so the next run starts clean.
    processes.kill_all(processes.mentioning(str(home.parent)))
    shutil.rmtree(home.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def demo_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def runs(demo_home) -> Iterator[list[DemoRun]]:
    started: list[DemoRun] = []
    yield started
    for run in started:
        if run.process.poll() is None:  # a test failed before it stopped the demo: stop it, or kill it
            run.process.terminate()
            try:
                run.process.wait(90)
            except subprocess.TimeoutExpired:
                run.process.kill()
        processes.kill_all(run.started)


@pytest.fixture(scope="module")
def first_ids() -> dict[str, set[str]]:
    return {}


def start(demo_home: Path, demo_port: int, runs: list[DemoRun]) -> DemoRun:
    run = DemoRun(demo_home, demo_port, len(runs) + 1)
    runs.append(run)
    run.wait_until_serving()
    return run


def assert_stopped_cleanly(run: DemoRun, output: str, port: int) -> None:
    """Exit 0 with the goodbye, nothing of its tree left, its ports free, its database shut down cleanly."""
    assert run.process.returncode == 0, output[-3000:]
    assert output.rstrip().splitlines()[-1] == GOODBYE + str(run.home), output[-3000:]
    assert "Traceback" not in output.split("Stop with Ctrl-C.")[-1], output[-3000:]
    assert processes.still_running(run.started) == []
    assert processes.still_running(processes.mentioning(str(run.home))) == []
    assert not processes.port_answers(port)
    redis_port = re.search(r"^ckan\.redis\.url = redis://127\.0\.0\.1:(\d+)/", (run.home / "demo.ini").read_text(),
                            re.MULTILINE)
    if redis_port:
        assert not processes.port_answers(int(redis_port.group(1)))
    # A clean shutdown: the next start needs no crash recovery.
    assert processes.cluster_state(run.home / "pgdata") == "shut down"


def _search(base: str, **params) -> dict:
    response = requests.get(f"{base}/api/3/action/package_search", params=params, timeout=30)
    response.raise_for_status()
    return response.json()["result"]


def _dataset_ids(base: str) -> set[str]:
    return {dataset["id"] for dataset in _search(base, rows=100)["results"]}


def test_demo_serves_municipalities_finds_swedish_word_forms_and_stops_on_ctrl_c(
    demo_home, demo_port, runs, first_ids
):
    run = start(demo_home, demo_port, runs)
    base = run.base
    organizations = requests.get(f"{base}/api/3/action/organization_list", timeout=30).json()["result"]
    assert {"sundsvalls-kommun", "uppsala-kommun", "tampereen-kaupunki", "vasteras-stad"} <= set(organizations)

    # `faktura` finds titles with `fakturor`, also inside the compound `leverantörsfakturor`.
    found = _search(base, q="faktura")
    assert found["count"] >= 2
    # Each language's title counts: Tampere's dataset is found by its Swedish title (Inköpsfakturor).
    assert all(any("fakturor" in title.lower() for title in dataset["title_translated"].values())
               for dataset in found["results"])

    faceted = _search(base, **{"facet.field": '["organization","res_format"]'})
    assert faceted["facets"]["organization"] == {
        "sundsvalls-kommun": 1, "uppsala-kommun": 1, "tampereen-kaupunki": 1, "vasteras-stad": 1}
    assert faceted["facets"]["res_format"] == {"CSV": 4}

    dataset = _search(base, fq="organization:tampereen-kaupunki")["results"][0]
    assert len(dataset["resources"]) >= 1
    assert all(resource["format"] == "CSV" for resource in dataset["resources"])
    monthly_file = requests.get(dataset["resources"][0]["url"], timeout=30)
    assert monthly_file.ok and monthly_file.text.startswith("Kuntanumero,")
    # A month as a real municipality's: thousands of rows, sole traders published redacted.
    published = monthly_file.content.decode("utf-8")
    assert len(published.splitlines()) > 2000
    assert ",Toiminimiyrittäjä,," in published

    page = requests.get(f"{base}/organization/uppsala-kommun", timeout=30).text
    assert "Leverantörsfakturor 2026 – Uppsala kommun" in page
    first_ids["datasets"] = _dataset_ids(base)

    # Ctrl-C in a terminal signals the whole foreground process group.
    output = run.stop(signal.SIGINT, whole_group=True)
    assert "API token:" in output
    assert_stopped_cleanly(run, output, demo_port)


def test_demo_keeps_its_data_and_stops_on_sigterm(demo_home, demo_port, runs, first_ids):
    run = start(demo_home, demo_port, runs)
    assert _dataset_ids(run.base) == first_ids["datasets"]

    # A second demo on the same folder is refused at once and leaves the running one alone.
    second = subprocess.run([OPENUP, "demo", "--port", str(free_port()), "--home", str(demo_home)],
                            env=demo_environment(), capture_output=True, text=True, timeout=60)
    assert second.returncode == 2
    assert f"in use by a running process (pid {run.process.pid})" in second.stderr
    assert "Traceback" not in second.stderr
    assert run.process.poll() is None
    assert _dataset_ids(run.base) == first_ids["datasets"]
    output = run.stop(signal.SIGTERM)
    assert "0 municipalities, 0 datasets, 0 monthly files" in output
    assert_stopped_cleanly(run, output, demo_port)


def test_demo_starts_again_after_it_was_killed_and_says_what_it_found(demo_home, demo_port, runs, first_ids):
    killed = start(demo_home, demo_port, runs)
    killed.process.kill()
    killed.process.wait(10)

    run = start(demo_home, demo_port, runs)
    assert _dataset_ids(run.base) == first_ids["datasets"]
    leftovers = [line for line in run.output().splitlines() if "previous demo" in line]
    assert len(leftovers) == 1, run.output()[-3000:]
    assert str(demo_home) in leftovers[0]

    output = run.stop(signal.SIGTERM)
    assert_stopped_cleanly(run, output, demo_port)
    assert processes.still_running(killed.started) == []
