"""The test legs ``make test`` runs, and one summary line per leg: backend, CKAN version, passed and failed.

A leg is one CKAN version (its own virtual environment), one search backend and a selection of the suite.
Each leg has its own ``OPENUP_HOME`` (embedded PostgreSQL, Redis, Solr state) and picks free loopback ports,
so legs can run side by side. Standard library only: it runs before any virtual environment is trusted.

    python3 tests/legs.py              # the legs of DEFAULT_LEGS (what make test and .ci/run do)
    python3 tests/legs.py A            # one leg
    python3 tests/legs.py --ckan 2.11  # the whole suite on CKAN 2.11 and openup_search (make test CKAN=2.11)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
WHOLE_SUITE = ("tests",)
# The backend's own tests of openup_search (its SQL, index table and migrations) say nothing about Solr.
NOT_BACKEND_INTERNAL = "not openup_search_internal"
# What a catalogue on SolrCloud must do like any other: feeds, readiness, publishing, the explorer, no leaks.
SOLRCLOUD_SUBSET = ("tests/views/test_harvest_feed.py", "tests/quality/test_own_feed.py", "tests/readiness",
                    "tests/publishing", "tests/spending", "tests/views/test_leak_matrix.py", "tests/deployment")
# The multi-worker deployment (gunicorn, RQ workers, SolrCloud) is set up once, for the SolrCloud leg only:
# it starts its own SolrCloud and takes minutes, and says nothing more on the other legs.
DEPLOYMENT = "tests/deployment"


@dataclass(frozen=True)
class Leg:
    name: str
    ckan: str
    backend: str  # openup_search, solr (standalone) or solrcloud
    covers: str
    paths: tuple[str, ...] = WHOLE_SUITE
    marks: str = ""

    @property
    def venv(self) -> Path:
        return REPOSITORY / (".venv" if self.ckan == "2.12" else f".venv-{self.ckan}")

    @property
    def home(self) -> Path:
        return REPOSITORY / f".openup-leg-{self.name}"


LEGS = (
    Leg("A", "2.12", "openup_search", "whole suite but the deployment"),
    # One leg for two facts: the whole suite on CKAN 2.11, and the whole suite on Solr.
    Leg("B", "2.11", "solr", "whole suite but openup_search's own tests and the deployment",
        marks=NOT_BACKEND_INTERNAL),
    Leg("C", "2.12", "solrcloud", "feeds, readiness, publishing, explorer, leak matrices, multi-worker deployment",
        paths=SOLRCLOUD_SUBSET, marks=NOT_BACKEND_INTERNAL),
)


# What `make test` and CI run. Leg B (CKAN 2.11 + Solr) runs with `make test LEGS=B`; it joins the default
# once a whole run of it is green (README, Tests: what it still shows).
DEFAULT_LEGS = ("A", "C")


@dataclass
class Outcome:
    leg: Leg
    ckan_version: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    exit_code: int = 0

    def line(self) -> str:
        minutes, seconds = divmod(round(self.seconds), 60)
        selection = f"{self.leg.covers}{f' (-m {self.leg.marks!r})' if self.leg.marks else ''}"
        return (f"leg {self.leg.name}: {self.leg.backend} on CKAN {self.ckan_version}, {selection}: "
                f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped in {minutes}m{seconds:02d}s")

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.failed == 0 and self.passed > 0


def ckan_version(leg: Leg) -> str:
    done = subprocess.run([str(leg.venv / "bin" / "python"), "-c", "import ckan; print(ckan.__version__)"],
                          capture_output=True, text=True)
    return done.stdout.strip() or f"{leg.ckan} (not installed in {leg.venv.name})"


class RunningLeg:
    """One leg's pytest in a subprocess, its Solr started before and stopped after."""

    def __init__(self, leg: Leg, log: Path | None) -> None:
        self.leg = leg
        self.log = log
        self.started = time.monotonic()
        self.outcome = Outcome(leg, ckan_version(leg))
        self.env = dict(os.environ, OPENUP_HOME=str(leg.home))
        leg.home.mkdir(parents=True, exist_ok=True)
        self.junit = leg.home / "junit.xml"
        self.junit.unlink(missing_ok=True)
        self.process: subprocess.Popen | None = None
        self.solr_mode = {"solr": "standalone", "solrcloud": "cloud"}.get(leg.backend)

    def start(self) -> None:
        if self.solr_mode:
            started = self._solr("start", "--schema", "openup")  # the sv/fi/en schema administrators install
            if started.returncode != 0:  # the leg fails, saying why; the other legs still run
                print(f"leg {self.leg.name}: Solr did not start:\n{started.stdout}{started.stderr}", flush=True)
                return
            self.env["OPENUP_TEST_SOLR_URL"] = started.stdout.strip().splitlines()[-1]
        command = [str(self.leg.venv / "bin" / "pytest"), "--ckan-ini=test.ini", "-p", "no:cacheprovider", "-q",
                   "-rfE", f"--junitxml={self.junit}", *(["-m", self.leg.marks] if self.leg.marks else []),
                   *self._ignored(), *self.leg.paths]
        output = self.log.open("w") if self.log else None
        self.process = subprocess.Popen(command, cwd=REPOSITORY, env=self.env, stdout=output,
                                        stderr=subprocess.STDOUT if output else None)

    def _ignored(self) -> list[str]:
        return [] if DEPLOYMENT in self.leg.paths else [f"--ignore={DEPLOYMENT}"]

    def finish(self) -> Outcome:
        self.outcome.exit_code = self.process.wait() if self.process else 1
        if self.solr_mode:
            self._solr("stop")
        self.outcome.seconds = time.monotonic() - self.started
        self._count()
        return self.outcome

    def _solr(self, action: str, *options: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.leg.venv / "bin" / "python"), "solr/solr.py", action, self.solr_mode, *options],
                              cwd=REPOSITORY, env=self.env, capture_output=True, text=True)

    def _count(self) -> None:
        if not self.junit.exists():  # pytest died before writing its report: nothing counts as passed
            self.outcome.failed = max(self.outcome.failed, 1)
            return
        for suite in ElementTree.parse(self.junit).getroot().iter("testsuite"):
            tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            self.outcome.passed += tests - failed - skipped
            self.outcome.failed += failed
            self.outcome.skipped += skipped


def run(legs: list[Leg], side_by_side: bool) -> list[Outcome]:
    """Run the legs one after the other, or all at once with each one's output in its own log."""
    if not side_by_side:
        outcomes = []
        for leg in legs:
            running = RunningLeg(leg, log=None)
            print(f"== leg {leg.name}: {leg.backend} on CKAN {running.outcome.ckan_version}, {leg.covers}",
                  flush=True)
            running.start()
            outcomes.append(running.finish())
        return outcomes
    running_legs = []
    for leg in legs:
        running = RunningLeg(leg, log=leg.home / "pytest.log")
        running.start()
        print(f"== leg {leg.name} started: {leg.backend} on CKAN {running.outcome.ckan_version}, {leg.covers}; "
              f"log in {running.log.relative_to(REPOSITORY)}", flush=True)
        running_legs.append(running)
    outcomes = []
    for running in running_legs:
        outcome = running.finish()
        print(f"== leg {running.leg.name} ended; the end of its log:\n{tail(running.log)}", flush=True)
        outcomes.append(outcome)
    return outcomes


def tail(log: Path | None, lines: int = 40) -> str:
    """The log from pytest's short failure summary on (or its last lines)."""
    text = log.read_text(errors="replace").splitlines() if log and log.exists() else []
    for index, line in enumerate(text):
        if "short test summary info" in line:
            return "\n".join(text[index:])
    return "\n".join(text[-lines:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("legs", nargs="*", help="names of legs to run (default: all)")
    parser.add_argument("--ckan", help="run the whole suite on this CKAN version and openup_search instead")
    parser.add_argument("--side-by-side", action="store_true", help="run the legs at the same time")
    arguments = parser.parse_args()
    if arguments.ckan:
        legs = [Leg(f"ckan-{arguments.ckan}", arguments.ckan, "openup_search", "whole suite")]
    else:
        known = {leg.name: leg for leg in LEGS}
        unknown = [name for name in arguments.legs if name not in known]
        if unknown:
            parser.error(f"unknown leg {', '.join(unknown)}; the legs are {', '.join(known)}")
        legs = [known[name] for name in (arguments.legs or DEFAULT_LEGS)]
    outcomes = run(legs, arguments.side_by_side)
    print("\nTest legs:")
    for outcome in outcomes:
        print(outcome.line())
    return 0 if all(outcome.ok for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
