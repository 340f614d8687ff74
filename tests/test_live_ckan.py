"""A live CKAN started for a test stops with everything it started: when the test fails, and when the
test session itself is killed."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import processes
from tests.live_ckan import LiveCkan

NAME = "lifecycle"
PLUGINS = "openup_search"
REPOSITORY = Path(__file__).resolve().parent.parent

# A test session in miniature: starts a live CKAN with a jobs worker, says its port, then waits to be killed.
SESSION = f"""
import time
from tests.live_ckan import LiveCkan
ckan = LiveCkan({NAME!r}, plugins={PLUGINS!r}).start()
ckan.start_jobs_worker()
print(ckan.port, flush=True)
time.sleep(600)
"""


def test_live_ckan_of_a_killed_test_session_stops_with_it():
    session = subprocess.Popen([sys.executable, "-c", SESSION], cwd=REPOSITORY, env=dict(os.environ),
                               stdout=subprocess.PIPE, text=True, start_new_session=True)
    started: set[processes.Process] = set()
    try:
        ready, _, _ = select.select([session.stdout], [], [], 300)
        assert ready, "the live CKAN did not start in 300 s"
        port = int(session.stdout.readline())
        started = processes.tree(session.pid)
        assert len(started) >= 3  # the session, the web server and the jobs worker
        session.send_signal(signal.SIGKILL)
        session.wait(10)

        deadline = time.monotonic() + 30
        while processes.still_running(started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes.still_running(started) == []
        assert not processes.port_answers(port)
    finally:
        if session.poll() is None:
            started |= processes.tree(session.pid)
            session.kill()
        processes.kill_all(started)


def test_live_ckan_stops_everything_it_started_when_the_test_fails():
    before = processes.tree(os.getpid())
    with pytest.raises(RuntimeError, match="the test failed"):
        # The same folder as the killed session's: a new start is not hindered by what that one left.
        with LiveCkan(NAME, plugins=PLUGINS) as ckan:
            ckan.start_jobs_worker()
            started = processes.tree(os.getpid()) - before
            port = ckan.port
            raise RuntimeError("the test failed")
    assert len(started) >= 2
    assert processes.still_running(started) == []
    assert not processes.port_answers(port)
