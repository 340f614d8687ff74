"""Solr on demand: start and stop Solr 9.10.1 standalone or as a 2-node SolrCloud on a loopback port.

Solr comes from Maven Central (solr/pom.xml); the Maven cache and the built launcher live in ``.solr/``
at the repository top, so only the first start downloads and compiles. Each running Solr records its
pid, URL and log under ``$OPENUP_HOME/solr-<mode>/``.

Examples::

    .venv/bin/python solr/solr.py start standalone            # prints http://127.0.0.1:PORT/solr/ckan
    .venv/bin/python solr/solr.py start cloud --schema openup  # 2 nodes, 2 shards, sv/fi/en analysis
    .venv/bin/python solr/solr.py url standalone
    .venv/bin/python solr/solr.py stop standalone
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

SOLR_DIR = Path(__file__).resolve().parent
REPOSITORY = SOLR_DIR.parent
CACHE = REPOSITORY / ".solr"
CLASSPATH_FILE = CACHE / "classpath.txt"
CLASSES = CACHE / "classes"
LAUNCHER_SOURCE = SOLR_DIR / "src" / "main" / "java" / "org" / "openup" / "solr" / "Launcher.java"
MODES = ("standalone", "cloud")
START_TIMEOUT = 180  # seconds; a cloud start on a busy 2-core machine takes about half a minute
STOP_TIMEOUT = 60


class SolrError(RuntimeError):
    """Solr could not be built, started or stopped; the message says what to do."""


def openup_home() -> Path:
    return Path(os.environ.get("OPENUP_HOME") or REPOSITORY / ".openup").resolve()


def state_dir(mode: str) -> Path:
    return openup_home() / f"solr-{mode}"


def _require(program: str, package: str) -> str:
    found = shutil.which(program)
    if not found:
        raise SolrError(f"{program} is not installed; Solr needs Java 17 and Maven "
                        f"(Debian: apt-get install {package})")
    return found


def build() -> str:
    """The Java classpath of Solr plus our launcher, downloading and compiling only when out of date."""
    CACHE.mkdir(parents=True, exist_ok=True)
    # Test legs start their Solr side by side: one downloads and compiles, the others wait for it.
    with (CACHE / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build()


def _build() -> str:
    java = _require("java", "default-jdk-headless")
    _require("javac", "default-jdk-headless")
    pom = SOLR_DIR / "pom.xml"
    if not CLASSPATH_FILE.exists() or CLASSPATH_FILE.stat().st_mtime < pom.stat().st_mtime:
        mvn = _require("mvn", "maven")
        print("Fetching Solr from Maven Central into .solr/m2 (first time only)...", file=sys.stderr)
        _run([mvn, "-q", "-B", "-f", str(pom), f"-Dmaven.repo.local={CACHE / 'm2'}",
              "dependency:build-classpath", f"-Dmdep.outputFile={CLASSPATH_FILE}"])
    classpath = CLASSPATH_FILE.read_text().strip()
    compiled = CLASSES / "org" / "openup" / "solr" / "Launcher.class"
    resources = SOLR_DIR / "src" / "main" / "resources"
    if not compiled.exists() or compiled.stat().st_mtime < LAUNCHER_SOURCE.stat().st_mtime:
        CLASSES.mkdir(parents=True, exist_ok=True)
        _run([str(Path(java).with_name("javac")), "-d", str(CLASSES), "-cp", classpath, str(LAUNCHER_SOURCE)])
    return os.pathsep.join([str(CLASSES), str(resources), classpath])


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SolrError(f"{Path(command[0]).name} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def ckan_schema() -> Path:
    """CKAN's own schema.xml, from the installed ckan package."""
    import ckan

    return Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"


def write_configset(target: Path, schema: str) -> Path:
    """Lay out a configset (schema, our solrconfig.xml, the word lists CKAN's schema names) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    if schema == "openup":
        try:
            from ckanext.openup.solr_schema import openup_schema
        except ImportError as error:
            raise SolrError(f"the openup schema needs ckanext-openup installed in this Python ({error})") from error
        (target / "schema.xml").write_text(openup_schema(ckan_schema().read_text()), encoding="utf-8")
    else:
        shutil.copyfile(ckan_schema(), target / "schema.xml")
    shutil.copyfile(SOLR_DIR / "solrconfig.xml", target / "solrconfig.xml")
    for word_list in ("synonyms.txt", "protwords.txt", "stopwords.txt"):
        (target / word_list).write_text("", encoding="utf-8")
    return target


def pid_of(mode: str) -> int | None:
    """The pid of the running Solr of ``mode``, or None (a stale pid file is removed)."""
    pid_file = state_dir(mode) / "pid"
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        pid_file.unlink(missing_ok=True)
        return None
    return pid


def url(mode: str) -> str | None:
    """The core/collection URL of the running Solr of ``mode``, or None."""
    url_file = state_dir(mode) / "url"
    if pid_of(mode) is None or not url_file.exists():
        return None
    return url_file.read_text().strip()


def answers(solr_url: str) -> bool:
    """True when the core or collection answers a query."""
    try:
        with urllib.request.urlopen(f"{solr_url}/select?q=*:*&rows=0&wt=json", timeout=10) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def start(mode: str, schema: str = "ckan") -> str:
    """Start Solr in ``mode`` (or find it running) and return the core/collection URL once it answers."""
    running = url(mode)
    schema_file = state_dir(mode) / "schema"
    if running and answers(running) and schema_file.exists() and schema_file.read_text() == schema:
        return running
    if pid_of(mode) is not None:
        stop(mode)
    classpath = build()
    state = state_dir(mode)
    shutil.rmtree(state, ignore_errors=True)  # a fresh index each start: tests and benchmarks fill it
    configset = write_configset(state / "conf", schema)
    (state / "schema").write_text(schema)
    java = _require("java", "default-jdk-headless")
    log = (state / "solr.log").open("w")
    process = subprocess.Popen(
        [java, "-Xmx768m", "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true", "-Dhost=127.0.0.1",
         f"-Dsolr.log.dir={state}", f"-Dlog4j2.configurationFile={SOLR_DIR / 'src/main/resources/log4j2.xml'}",
         "-cp", classpath, "org.openup.solr.Launcher", mode, str(state), str(configset)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    (state / "pid").write_text(str(process.pid))
    deadline = time.monotonic() + START_TIMEOUT
    url_file = state / "url"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SolrError(f"Solr {mode} stopped while starting (exit {process.returncode}); "
                            f"see {state / 'solr.log'}")
        if url_file.exists() and answers(found := url_file.read_text().strip()):
            return found
        time.sleep(0.5)
    stop(mode)
    raise SolrError(f"Solr {mode} did not answer within {START_TIMEOUT} s; see {state / 'solr.log'}")


def stop(mode: str) -> bool:
    """Stop the Solr of ``mode`` cleanly (SIGTERM, then SIGKILL after a minute); False if none ran."""
    pid = pid_of(mode)
    state = state_dir(mode)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.2)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    (state / "pid").unlink(missing_ok=True)
    (state / "url").unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    try:
        # Reap it when it is our child (started in this process); otherwise just ask.
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    start_command = commands.add_parser("start", help="start Solr and print its core/collection URL")
    start_command.add_argument("mode", choices=MODES)
    start_command.add_argument("--schema", choices=("ckan", "openup"), default="ckan",
                               help="CKAN's schema.xml, or the project's with sv/fi/en analysis")
    for name, text in (("stop", "stop Solr"), ("url", "print the URL of the running Solr")):
        commands.add_parser(name, help=text).add_argument("mode", choices=MODES)
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "start":
            began = time.monotonic()
            found = start(arguments.mode, arguments.schema)
            print(f"Solr {arguments.mode} answered after {time.monotonic() - began:.1f} s", file=sys.stderr)
            print(found)
        elif arguments.command == "stop":
            if not stop(arguments.mode):
                print(f"no Solr {arguments.mode} was running", file=sys.stderr)
        else:
            found = url(arguments.mode)
            if not found:
                print(f"no Solr {arguments.mode} is running", file=sys.stderr)
                return 1
            print(found)
    except SolrError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
