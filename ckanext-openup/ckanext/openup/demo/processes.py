"""The processes a demo (or a test's live CKAN) starts, so that it stops all of them however it is told to.

Every child runs in its own session (a terminal's Ctrl-C reaches only the demo, which then stops the children
in order), is sent SIGTERM by the kernel when its starter dies (Linux), and leaves a pid file in ``home/run``
so the next start can stop what a killed demo left behind.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_PR_SET_PDEATHSIG = 1
_OWNER = "owner"


class StopRequested(Exception):
    """SIGINT or SIGTERM reached this process."""


class AlreadyRunning(Exception):
    """Another live process uses the same data folder."""

    def __init__(self, folder: Path, pid: int) -> None:
        super().__init__(f"{folder} is in use by a running process (pid {pid})")
        self.folder = folder
        self.pid = pid


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Raise :class:`StopRequested` on SIGINT and SIGTERM inside the block, whatever handling was inherited.

    A shell running a background job starts it with SIGINT ignored; installing a handler here undoes that,
    and programs started inside get default handling again (exec resets caught signals, not ignored ones).
    """
    def request_stop(signum: int, frame: object) -> None:
        raise StopRequested(signal.Signals(signum).name)

    previous = {number: signal.signal(number, request_stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Let a stop in progress finish: a second Ctrl-C or SIGTERM is noted, not obeyed (each step is bounded)."""
    previous = {number: signal.signal(number, lambda signum, frame: None) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class ChildProcesses:
    """The children of one run on a data folder, each with a pid file in ``home/run``; stopped newest first."""

    def __init__(self, home: Path) -> None:
        self.run_folder = home / "run"
        self._children: list[tuple[str, subprocess.Popen]] = []
        self._claimed = False

    def claim(self) -> list[tuple[str, int]]:
        """Mark the data folder as this process's; stop what an earlier run left running there.

        Returns ``(role, pid)`` for each leftover stopped. Raises :class:`AlreadyRunning` when the process
        that wrote the folder's pid files is still alive.
        """
        self.run_folder.mkdir(parents=True, exist_ok=True)
        owner = _recorded_process(self.run_folder / f"{_OWNER}.pid")
        if owner is not None and owner.pid != os.getpid():
            raise AlreadyRunning(self.run_folder.parent, owner.pid)
        stopped = []
        for pid_file in sorted(self.run_folder.glob("*.pid")):
            leftover = _recorded_process(pid_file)
            if leftover is not None and pid_file.stem != _OWNER:
                _stop_tree(leftover, timeout=10)
                stopped.append((_role(pid_file), leftover.pid))
            pid_file.unlink()
        _write_pid_file(self.run_folder / f"{_OWNER}.pid", _OWNER, psutil.Process())
        self._claimed = True
        return stopped

    def start(self, role: str, command: list[str], **popen_arguments) -> subprocess.Popen:
        """Start ``command`` as the ``role`` (``web server``, ``jobs worker``...) of this run."""
        process = subprocess.Popen(command, start_new_session=True, preexec_fn=stops_with(os.getpid()),
                                   **popen_arguments)
        self._children.append((role, process))
        try:
            _write_pid_file(self._pid_file(role), role, psutil.Process(process.pid))
        except psutil.NoSuchProcess:
            pass
        return process

    def run(self, role: str, command: list[str], **popen_arguments) -> tuple[int, str]:
        """Run ``command`` to its end as ``role``; its exit code and standard output (when piped)."""
        process = self.start(role, command, **popen_arguments)
        output, _ = process.communicate()
        self._forget(role, process)
        return process.returncode, output or ""

    def stop_all(self) -> None:
        """Stop every child still running, newest first, each with its own processes; remove the pid files."""
        for role, process in reversed(list(self._children)):
            if process.poll() is None:
                try:
                    _stop_tree(psutil.Process(process.pid), timeout=20)
                except psutil.NoSuchProcess:
                    pass
            process.wait()
            self._forget(role, process)
        if self._claimed:
            (self.run_folder / f"{_OWNER}.pid").unlink(missing_ok=True)

    def _forget(self, role: str, process: subprocess.Popen) -> None:
        self._children.remove((role, process))
        self._pid_file(role).unlink(missing_ok=True)

    def _pid_file(self, role: str) -> Path:
        return self.run_folder / (role.replace(" ", "-") + ".pid")


def _role(pid_file: Path) -> str:
    try:
        return json.loads(pid_file.read_text())["role"]
    except (OSError, ValueError, KeyError):
        return pid_file.stem


def _write_pid_file(pid_file: Path, role: str, process: psutil.Process) -> None:
    pid_file.write_text(json.dumps({"role": role, "pid": process.pid, "started": process.create_time()}))


def _recorded_process(pid_file: Path) -> psutil.Process | None:
    """The process a pid file names, if it still runs; a recycled pid (other start time) is not it."""
    try:
        recorded = json.loads(pid_file.read_text())
        process = psutil.Process(recorded["pid"])
        if abs(process.create_time() - recorded["started"]) < 0.01 and process.status() != psutil.STATUS_ZOMBIE:
            return process
    except (OSError, ValueError, KeyError, TypeError, psutil.Error):
        pass
    return None


def _stop_tree(process: psutil.Process, timeout: float) -> None:
    """SIGTERM ``process`` and, once it is gone, its leftover descendants; SIGKILL what outlives ``timeout``.

    The process is asked alone first: a jobs worker stops its own job and scheduler processes, which
    print tracebacks when they are sent SIGTERM behind its back.
    """
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    _signal_all([process], "terminate")
    _, alive = psutil.wait_procs([process], timeout=timeout)
    leftovers = [member for member in family[1:] if member.is_running()]
    _signal_all(leftovers, "terminate")
    _, still = psutil.wait_procs(leftovers, timeout=5)
    _signal_all(alive + still, "kill")
    psutil.wait_procs(alive + still, timeout=5)


def _signal_all(processes: list[psutil.Process], action: str) -> None:
    for member in processes:
        try:
            getattr(member, action)()
        except psutil.NoSuchProcess:
            pass


def stops_with(parent: int) -> Callable[[], None]:
    """A ``preexec_fn``: default signal handling, and on Linux a SIGTERM from the kernel when ``parent`` dies."""
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None

    def prepare_child() -> None:
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        if libc is not None:
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != parent:  # the starter died before the request took effect
                os._exit(1)

    return prepare_child
