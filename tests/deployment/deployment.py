"""CKAN deployed as on a production machine, on loopback: gunicorn web workers, RQ workers, Solr, DataStore.

The same parts docs/administrators-guide.md describes: ``gunicorn ckanext.openup.wsgi:application`` with
several worker processes, two ``ckan jobs worker`` services, the PostgreSQL server (the test session's
embedded one: its own catalogue and DataStore databases), the session's Redis and Solr (the Solr leg's, or
a 2-node SolrCloud from solr/solr.py; openup_search where the project has no Solr launcher). The
configuration file is the only source of settings: the test session's ``CKAN_*`` variables are not passed on.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import requests

from ckanext.openup import testing
from ckanext.openup.embedded_db import URL_VARIABLE, drop_sibling_database, sibling_database, use_datastore
from ckanext.openup.embedded_redis import URL_VARIABLE as REDIS_VARIABLE
from tests.live_ckan import CKAN, LiveCkan

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REPOSITORY = Path(__file__).resolve().parents[2]
SOLR_LAUNCHER = REPOSITORY / "solr" / "solr.py"
# SolrCloud, as a catalogue spread over several machines runs it: 2 nodes, a 2-shard collection.
SOLR_MODE = "cloud"
WEB_WORKERS = 3
JOBS_WORKERS = 2
SITE_ID = "openup-deployment"
CATALOGUE_DATABASE = "openup_deployment"
DATASTORE_DATABASE = f"{CATALOGUE_DATABASE}_datastore"
# Each access-log line: the worker's pid, then the request line.
ACCESS_LOG_FORMAT = "%(p)s %(r)s %(s)s"

_CONFIG = """[app:main]
use = egg:ckan
SECRET_KEY = deployment-test
sqlalchemy.url = {database_url}
ckan.datastore.write_url = {datastore_write_url}
ckan.datastore.read_url = {datastore_read_url}
ckan.datastore.sqlsearch.enabled = true
ckan.redis.url = {redis_url}
solr_url = {solr_url}
ckan.site_url = {site_url}
ckan.site_id = {site_id}
ckan.plugins = {plugins}
ckan.storage_path = {storage}
ckan.locale_default = en
ckan.locale_order = en sv fi
ckan.auth.create_user_via_api = false
ckanext.dcat.rdf.profiles = dcat_ap_se
# One dataset a page, so the leak matrix walks the site-wide catalogue's paging.
ckanext.dcat.datasets_per_page = 1
# Invoice rows load in an RQ worker, never in the web request.
ckanext.openup.rows.background = true

[loggers]
keys = root, ckanext

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[logger_ckanext]
qualname = ckanext
handlers =
level = INFO

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(process)d %(levelname)-5.5s [%(name)s] %(message)s
"""


def solr_url() -> str | None:
    """The Solr the deployment searches: the Solr leg's, else one started by the project's launcher."""
    if testing.solr_url():
        return testing.solr_url()
    if not SOLR_LAUNCHER.exists():
        return None
    started = subprocess.run([sys.executable, str(SOLR_LAUNCHER), "start", SOLR_MODE],
                             capture_output=True, text=True, timeout=600)
    if started.returncode != 0:
        raise AssertionError(f"Solr did not start:\n{started.stdout}\n{started.stderr}")
    return started.stdout.strip().splitlines()[-1].strip()


class Deployment(LiveCkan):
    """gunicorn with ``WEB_WORKERS`` processes and ``JOBS_WORKERS`` RQ workers on one configuration file."""

    def __init__(self, solr: str | None) -> None:
        self.solr = solr
        search_plugin = "" if solr else "openup_search "
        super().__init__("deployment", plugins=search_plugin + "openup datastore datatables_view "
                         "scheming_datasets scheming_organizations dcat")
        self.access_log = self.workdir / "access.log"
        self._gunicorn: subprocess.Popen | None = None

    @property
    def backend(self) -> str:
        return f"Solr at {self.solr}" if self.solr else "openup_search"

    def _start(self) -> None:
        catalogue_url = sibling_database(os.environ[URL_VARIABLE], CATALOGUE_DATABASE)
        drop_sibling_database(catalogue_url, DATASTORE_DATABASE)  # rows of an earlier run
        datastore_write_url, datastore_read_url = _own_datastore(catalogue_url)
        # (An embedded server's socket folder is percent-encoded in its URLs: no interpolation for the ini.)
        self.config_file.write_text(_CONFIG.format(
            database_url=catalogue_url.replace("%", "%%"), datastore_write_url=datastore_write_url.replace("%", "%%"),
            datastore_read_url=datastore_read_url.replace("%", "%%"), redis_url=os.environ[REDIS_VARIABLE],
            solr_url=self.solr or "http://127.0.0.1:8983/solr/never-contacted", site_url=self.url, site_id=SITE_ID,
            plugins=self.plugins, storage=self.workdir / "storage",
        ), encoding="utf-8")
        prepared = subprocess.run([sys.executable, "-m", "tests.deployment.prepare_site"], env=self._env(),
                                  cwd=REPOSITORY, capture_output=True, text=True, timeout=600)
        if prepared.returncode != 0:
            raise AssertionError(f"the site was not prepared:\n{prepared.stdout}\n{prepared.stderr}")
        self.admin_token = prepared.stdout.strip().splitlines()[-1]
        self.access_log.unlink(missing_ok=True)  # (gunicorn appends)
        with self._log.open("w") as log:
            self._gunicorn = self._server = self._processes.start(
                "web server",
                [GUNICORN, "--workers", str(WEB_WORKERS), "--bind", f"127.0.0.1:{self.port}", "--timeout", "120",
                 "--graceful-timeout", "10", "--access-logfile", str(self.access_log),
                 "--access-logformat", ACCESS_LOG_FORMAT,
                 "--no-control-socket",  # (its default path, in the home folder, is one for all servers)
                 "ckanext.openup.wsgi:application"],
                env=self._env(), stdout=log, stderr=subprocess.STDOUT,
            )
        for number in range(1, JOBS_WORKERS + 1):
            with self.jobs_log(number).open("w") as log:
                self._processes.start(f"jobs worker {number}", [CKAN, "-c", str(self.config_file), "jobs", "worker"],
                                      env=self._env(), stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_every_worker_serves()

    def _wait_until_every_worker_serves(self, timeout: float = 240) -> None:
        # Requests wait in the socket's queue while the workers build CKAN: a slow answer is no failure.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.server_log()}")
            booted = self.server_log().count("Booting worker with pid")
            try:
                if booted >= WEB_WORKERS and requests.get(f"{self.url}/api/3/action/status_show", timeout=30).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise AssertionError(f"CKAN on gunicorn did not start in {timeout:.0f} s:\n{self.server_log()}")

    def _env(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith("CKAN_")}
        env["CKAN_INI"] = str(self.config_file)
        return env

    def jobs_log(self, number: int) -> Path:
        return self.workdir / f"jobs-worker-{number}.log"

    def jobs_logs(self) -> str:
        return "".join(self.jobs_log(n).read_text(errors="replace") for n in range(1, JOBS_WORKERS + 1))

    def web_workers(self) -> set[int]:
        """The pids of gunicorn's worker processes (its master's children)."""
        assert self._gunicorn is not None
        return {child.pid for child in psutil.Process(self._gunicorn.pid).children()}

    def served_by(self, marker: str) -> int:
        """The pid of the web worker whose access-log line holds ``marker`` (a request's unique parameter)."""
        deadline = time.monotonic() + 10  # the line is written just after the answer is sent
        while time.monotonic() < deadline:
            for line in self.access_log.read_text(errors="replace").splitlines():
                if marker in line:
                    return int(line.split()[0].strip("<>"))
            time.sleep(0.05)
        raise AssertionError(f"no request with {marker} in {self.access_log}")

    def served_by_each_worker(self, ask: Callable[[dict[str, str]], Any], workers: set[int] | None = None,
                              ) -> dict[int, Any]:
        """``ask(params)`` repeated (a few at a time, so busy workers leave requests to the others) until
        every web worker has answered once; the first answer of each worker, by pid."""
        workers = workers or self.web_workers()
        answers: dict[int, Any] = {}
        with ThreadPoolExecutor(WEB_WORKERS * 2) as pool:
            for _round in range(30):
                probes = [uuid.uuid4().hex for _ in range(WEB_WORKERS * 2)]
                # (ext_*: the one kind of parameter package_search takes besides its own)
                for probe, answer in zip(probes, pool.map(lambda p: ask({"ext_probe": p}), probes), strict=True):
                    answers.setdefault(self.served_by(probe), answer)
                if workers <= answers.keys():
                    return {pid: answers[pid] for pid in workers}
        raise AssertionError(f"workers {workers - answers.keys()} answered none of the requests")

    def logged_requests(self) -> int:
        """How many requests the access log holds (a mark for ``requests_of``)."""
        return len(self.access_log.read_text(errors="replace").splitlines())

    def requests_of(self, pattern: str, after: int = 0) -> list[tuple[int, str]]:
        """(worker pid, request line) of each logged request matching the regular expression ``pattern``,
        from the ``after``-th on."""
        found = []
        for line in self.access_log.read_text(errors="replace").splitlines()[after:]:
            pid, _, request = line.partition(" ")
            if re.search(pattern, request):
                found.append((int(pid.strip("<>")), request))
        return found


def _own_datastore(catalogue_url: str) -> tuple[str, str]:
    """The DataStore databases beside ``catalogue_url`` (not the test session's, which its variables name)."""
    variables = ("CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL")
    saved = {name: os.environ.pop(name) for name in variables if name in os.environ}
    try:
        return use_datastore(catalogue_url)
    finally:
        for name in variables:
            os.environ.pop(name, None)
        os.environ.update(saved)


class HttpClient:
    """The Flask test client's ``get``/``post``, over real HTTP to the served site: the leak matrices'
    surfaces run unchanged. A new connection per request, so the requests spread over the web workers."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str, headers: dict[str, str] | None = None, query_string: dict | None = None) -> Answer:
        return Answer(requests.get(self._address(path), params=query_string, headers=headers, timeout=120))

    def post(self, path: str, data: dict | None = None, headers: dict[str, str] | None = None,
             follow_redirects: bool = True) -> Answer:
        return Answer(requests.post(self._address(path), data=data, headers=headers, timeout=120,
                                    allow_redirects=follow_redirects))

    def _address(self, path: str) -> str:
        return path if path.startswith("http") else self.url + path


class Answer:
    """A ``requests`` response read the way the matrices read a Werkzeug test response."""

    def __init__(self, response: requests.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("Content-Type", "")
        self._body = response.content

    def get_data(self, as_text: bool = False) -> str | bytes:
        return self._body.decode("utf-8", errors="replace") if as_text else self._body
