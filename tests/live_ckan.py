"""A real CKAN served over HTTP on loopback, for tests where a harvester, the CLI or a browser talks to it.

Each instance gets its own database on the test session's PostgreSQL, its own storage folder and
``ckan run`` in a subprocess; search comes from openup_search, so no Solr is involved. Its processes are
stopped with it, also when a test or its start fails, and with the test session if that is killed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from ckanext.openup.demo.processes import ChildProcesses
from ckanext.openup.embedded_db import URL_VARIABLE, sibling_database
from ckanext.openup.testing import openup_home, search_plugins

CKAN = str(Path(sys.executable).with_name("ckan"))

_CONFIG = """[app:main]
use = egg:ckan
SECRET_KEY = live-test-{name}
sqlalchemy.url = {database_url}
solr_url = http://127.0.0.1:8983/solr/ckan
ckan.site_url = {site_url}
ckan.site_id = {name}
ckan.plugins = {plugins}
ckan.storage_path = {storage}
ckan.locale_default = en
ckan.auth.create_user_via_api = false
{extra}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveCkan:
    """One CKAN instance: ``start()``, then ``url``, ``admin_token``, ``ckan(...)``; ``stop()`` at the end.

    Also a context manager (``with LiveCkan(...) as ckan:``) that stops it whatever happens in the block.
    """

    def __init__(self, name: str, plugins: str, extra_config: str = "", workdir: Path | None = None) -> None:
        self.name = name
        self.plugins = plugins
        self.extra_config = extra_config
        self.workdir = workdir or openup_home() / "live" / name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config_file = self.workdir / "ckan.ini"
        self.admin_token = ""
        self._server: subprocess.Popen | None = None
        self._processes = ChildProcesses(self.workdir)
        self._log = self.workdir / "server.log"

    def __enter__(self) -> LiveCkan:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> LiveCkan:
        """Prepare the database and serve; on any failure stop what was started and raise."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        # A test session killed before its teardown leaves its servers' pid files here.
        self._processes.claim()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        # Beside the test database (which testing.py exported), never in it.
        url = sibling_database(os.environ[URL_VARIABLE], f"openup_live_{self.name}")
        self.config_file.write_text(_CONFIG.format(
            name=self.name, database_url=url.replace("%", "%%"), site_url=self.url,
            plugins=search_plugins(self.plugins),
            storage=self.workdir / "storage", extra=self.extra_config,
        ), encoding="utf-8")
        self.ckan("db", "clean", "--yes")
        self.ckan("db", "upgrade")
        self.ckan("user", "add", "admin", "email=admin@example.org", "password=live-test-password")
        self.ckan("sysadmin", "add", "admin")
        self.admin_token = self.ckan("user", "token", "add", "admin", "tests").stdout.strip().splitlines()[-1].strip()
        with self._log.open("w") as log:
            self._server = self._processes.start(
                "web server",
                [CKAN, "-c", str(self.config_file), "run", "--host", "127.0.0.1", "--port", str(self.port),
                 "--disable-reloader"],
                env=self._env(), stdout=log, stderr=subprocess.STDOUT,
            )
        self._wait_until_serving()

    def ckan(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a ``ckan`` command against this instance."""
        result = subprocess.run([CKAN, "-c", str(self.config_file), *args], env=self._env(),
                                capture_output=True, text=True, timeout=600)
        if check and result.returncode != 0:
            raise AssertionError(f"ckan {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def action(self, action_name: str, token: str | None = None, **data) -> dict:
        """Call an action over HTTP; returns the result, raises with CKAN's error on failure."""
        headers = {"Authorization": token if token is not None else self.admin_token}
        response = requests.post(f"{self.url}/api/3/action/{action_name}", json=data, headers=headers,
                                 timeout=120)
        body = response.json()
        if not body.get("success"):
            raise AssertionError(f"{action_name} failed ({response.status_code}): {body.get('error')}")
        return body["result"]

    def start_jobs_worker(self) -> None:
        """Run ``ckan jobs worker`` for this instance (background jobs need Redis: CKAN_REDIS_URL)."""
        with (self.workdir / "worker.log").open("w") as log:
            self._processes.start("jobs worker", [CKAN, "-c", str(self.config_file), "jobs", "worker"],
                                  env=self._env(), stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        """Stop the worker and the server with everything they started (SIGTERM, SIGKILL after 20 s)."""
        self._processes.stop_all()

    def server_log(self) -> str:
        return self._log.read_text(errors="replace") if self._log.exists() else ""

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        for variable in ("CKAN_SQLALCHEMY_URL", "CKAN_SITE_URL", "CKAN_STORAGE_PATH", "CKAN_SITE_ID"):
            env.pop(variable, None)
        env["CKAN_INI"] = str(self.config_file)
        return env

    def _wait_until_serving(self) -> None:
        wait_until_serving(self._server, self.url, describe=self.server_log)


def wait_until_serving(process: subprocess.Popen | None, url: str, timeout: float = 240,
                       describe=lambda: "") -> None:
    """Wait until the CKAN at ``url`` answers; fail with ``describe()`` if ``process`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process and process.poll() is not None:
            raise AssertionError(f"CKAN at {url} exited:\n{describe()}")
        try:
            if requests.get(f"{url}/api/3/action/status_show", timeout=2).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.5)
    raise AssertionError(f"CKAN at {url} did not start in {timeout:.0f} s:\n{describe()}")
