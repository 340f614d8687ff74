"""A private Redis for the demo and the tests when ``redis-server`` is installed and none is configured.

Redis is optional for ckanext-openup: without it CKAN runs and background jobs are off.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from ckanext.openup.demo.processes import stops_with

URL_VARIABLE = "CKAN_REDIS_URL"


def use_private_redis(home: Path, start: Callable[[list[str]], object] | None = None) -> str | None:
    """Start ``redis-server`` on a free loopback port and export its URL; None when not installed.

    A ``CKAN_REDIS_URL`` already set is kept as it is. ``start`` runs the server's command line and owns
    its stopping (the demo does); without it the server is stopped when this process exits normally.
    """
    if os.environ.get(URL_VARIABLE):
        return os.environ[URL_VARIABLE]
    executable = shutil.which("redis-server")
    if not executable:
        return None
    port = _free_port()
    home.mkdir(parents=True, exist_ok=True)
    command = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(home)]
    if start is not None:
        start(command)
    else:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # Out of the terminal's process group: Ctrl-C must not stop Redis before the processes using it.
            # Stopped at exit, or by the kernel when this process is killed (a test session, say).
            start_new_session=True, preexec_fn=stops_with(os.getpid()),
        )
        atexit.register(_stop, process)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    os.environ[URL_VARIABLE] = url
    return url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
