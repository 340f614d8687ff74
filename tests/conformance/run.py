"""Run CKAN's own search-dependent tests against openup_search and print ``N passed, M failed``.

Usage (from the repository root)::

    .venv/bin/python -m tests.conformance.run            # the whole conformance selection
    .venv/bin/python -m tests.conformance.run -k facet   # extra arguments go to pytest

The tests are the ones shipped in CKAN's wheel, found through ``importlib``; the database is an
embedded PostgreSQL database of its own (``openup_conformance``) unless ``CKAN_SQLALCHEMY_URL`` is set.
Exit status: 0 when at least 98% of the tests that ran passed, 1 otherwise, 2 when pytest could not run.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REQUIRED_PASS_RATE = 0.98
CONFIG = Path(__file__).with_name("ckan-core.ini")
DATABASE = "openup_conformance"
# Test modules inside the installed ``ckan`` package that exercise search.
SELECTION = (
    "tests/lib/search",
    "tests/logic/action/test_get.py",
    "tests/controllers/test_package.py",
    "tests/controllers/test_group.py",
    "tests/controllers/test_organization.py",
    "tests/controllers/test_home.py",
    "tests/controllers/test_feed.py",
)


@dataclass(frozen=True)
class Outcome:
    passed: int
    failed: int
    skipped: int
    failures: tuple[str, ...]

    @property
    def pass_rate(self) -> float:
        ran = self.passed + self.failed
        return self.passed / ran if ran else 0.0

    def summary(self) -> str:
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"


def ckan_test_paths() -> list[str]:
    """Absolute paths of the selected test modules in the installed CKAN."""
    spec = importlib.util.find_spec("ckan")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("CKAN is not installed in this environment")
    root = Path(next(iter(spec.submodule_search_locations)))
    paths = [root / relative for relative in SELECTION]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise SystemExit(f"CKAN's wheel lacks these tests: {', '.join(missing)}")
    return [str(path) for path in paths]


def pytest_environment(database: str) -> dict[str, str]:
    """The environment for pytest: a scratch database of the run's own, so parallel runs never clash."""
    env = dict(os.environ)
    if not env.get("CKAN_SQLALCHEMY_URL"):
        from ckanext.openup.embedded_db import database_url, sibling_database
        from ckanext.openup.testing import openup_home

        env["CKAN_SQLALCHEMY_URL"] = sibling_database(database_url("postgres", openup_home()), database)
    return env


def drop_scratch_database(env: dict[str, str], database: str) -> None:
    from ckanext.openup.embedded_db import drop_sibling_database

    if env["CKAN_SQLALCHEMY_URL"] != os.environ.get("CKAN_SQLALCHEMY_URL"):
        drop_sibling_database(env["CKAN_SQLALCHEMY_URL"], database)


def initialise_database(env: dict[str, str]) -> None:
    """Create or upgrade CKAN's tables, as CKAN's CI does before its tests (some use no ``clean_db``)."""
    ckan_command = Path(sys.executable).with_name("ckan")
    subprocess.run([str(ckan_command), "-c", str(CONFIG), "db", "init"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def node_id(classname: str, name: str) -> str:
    """A pytest-style id (``ckan/tests/x/test_y.py::Class::test``) from a junit classname and name."""
    parts = classname.split(".")
    start = next((i for i in range(len(parts) - 1) if parts[i:i + 2] == ["ckan", "tests"]), 0)
    parts = parts[start:]
    module_end = next((i for i, part in enumerate(parts) if part.startswith("test_")), len(parts) - 1)
    module = "/".join(parts[:module_end + 1]) + ".py"
    return "::".join([module, *parts[module_end + 1:], name])


def read_junit(report: Path) -> Outcome:
    """Count outcomes per test case in a pytest junit xml report."""
    passed = failed = skipped = 0
    failures = []
    for case in ET.parse(report).getroot().iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            failed += 1
            failures.append(node_id(case.get("classname") or "", case.get("name") or ""))
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
    return Outcome(passed, failed, skipped, tuple(failures))


def run(extra_args: list[str]) -> int:
    """Run the selection, print the failing test ids and the summary line; return the exit status."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="openup-conformance-") as work:
        report = Path(work) / "junit.xml"
        command = [
            sys.executable, "-m", "pytest",
            "-p", "ckanext.openup.testing", "-p", "no:cacheprovider",
            f"--ckan-ini={CONFIG}", f"--junitxml={report}", "-o", "junit_family=xunit1",
            "-q", "--tb=line", "-rN",
            *ckan_test_paths(), *extra_args,
        ]
        database = f"{DATABASE}_{os.getpid()}"
        env = pytest_environment(database)
        try:
            initialise_database(env)
            subprocess.run(command, env=env, check=False)
        finally:
            drop_scratch_database(env, database)
        if not report.exists():
            print("pytest produced no report", file=sys.stderr)
            return 2
        outcome = read_junit(report)
    for failure in outcome.failures:
        print(f"FAILED {failure}")
    print(f"runtime {time.monotonic() - started:.0f} s, pass rate {outcome.pass_rate:.1%}")
    print(outcome.summary())
    return 0 if outcome.pass_rate >= REQUIRED_PASS_RATE else 1


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
