"""``openup demo``: a local demo catalogue on an embedded PostgreSQL, ready in one command."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from importlib import resources
from pathlib import Path

import click

from ckanext.openup.cli.language import N_, _

# The demo runs CKAN, which a publisher's `pip install ckanext-openup` leaves out (the [ckan] extra brings it):
# `openup --help` must still list the command, and running it must say what to install.
try:
    import ckan  # noqa: F401

    from ckanext.openup.demo.processes import (
        AlreadyRunning,
        ChildProcesses,
        StopRequested,
        signals_deferred,
        stop_on_signals,
    )
    from ckanext.openup.embedded_db import (
        URL_VARIABLE,
        running_server_pid,
        stop_embedded,
        use_datastore,
        use_embedded,
    )
    from ckanext.openup.embedded_redis import use_private_redis
except ModuleNotFoundError as missing:
    MISSING_MODULE: str | None = missing.name
else:
    MISSING_MODULE = None

DATABASE = "openup_demo"
# The processes a demo starts, by the name its pid files keep, so that messages can name them in every language.
ROLES = (N_("Redis"), N_("jobs worker"), N_("web server"))


@click.command(help=N_(
    "Start a demo catalogue with four municipalities and their supplier invoices.\n\n"
    "Uses an embedded PostgreSQL under HOME unless CKAN_SQLALCHEMY_URL names a server, and keeps its data between "
    "runs. Stop it with Ctrl-C or SIGTERM (kill, docker stop, systemd): it stops everything it started. Run it "
    "again to continue where you left off.\n\n"
    "\b\n"
    "Examples:\n"
    "  openup demo\n"
    "  openup demo --port 5050 --home /tmp/openup-demo\n"
    "  CKAN_SQLALCHEMY_URL=postgresql://ckan:pass@localhost/ckan openup demo"
))
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Address to serve on."))
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help=N_("Port to serve on."))
@click.option("--home", default=".openup", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help=N_("Folder for the embedded database, uploads and the generated demo.ini."))
@click.option("--seed-only", is_flag=True, help=N_("Prepare and fill the catalogue, then exit without serving."))
def demo(host: str, port: int, home: Path, seed_only: bool) -> None:
    """Start a demo catalogue with four municipalities and their supplier invoices."""
    if MISSING_MODULE:
        raise click.ClickException(_(
            "openup demo runs a CKAN site and needs CKAN ({module} is not installed): "
            'pip install "ckanext-openup[ckan]". The other commands work without it.').format(module=MISSING_MODULE))
    home = home.resolve()
    children = ChildProcesses(home)
    with stop_on_signals():
        try:
            _claim(children, home)
            if _port_in_use(host, port):
                raise click.UsageError(_(
                    "port {port} on {host} is already in use; stop the other server or pass --port.").format(
                        port=port, host=host))
            _run(children, host, port, home, seed_only)
        except StopRequested:
            pass
        finally:
            with signals_deferred():
                children.stop_all()
                stop_embedded()
    click.echo(_("Demo catalogue stopped; its data is kept in {home}").format(home=home), err=True)


def _claim(children: ChildProcesses, home: Path) -> None:
    """Take over the data folder, saying in one line what a demo that was killed left running there."""
    try:
        stopped = children.claim()
    except AlreadyRunning as error:
        raise click.UsageError(_("{folder} is in use by a running process (pid {pid}); stop it first or pass "
                                 "another --home.").format(folder=error.folder, pid=error.pid)) from None
    database_pid = running_server_pid(home)
    if stopped or database_pid:
        found = [_("stopped its {processes}").format(processes=", ".join(
            _("{role} (pid {pid})").format(role=_(role), pid=pid) for role, pid in stopped))] if stopped else []
        if database_pid:
            found.append(_("reusing its database server (pid {pid})").format(pid=database_pid))
        click.echo(_("A previous demo in {home} did not stop cleanly: {found}.").format(
            home=home, found="; ".join(found)), err=True)


def _run(children: ChildProcesses, host: str, port: int, home: Path, seed_only: bool) -> None:
    database_url = use_embedded(DATABASE, home)
    redis_url = use_private_redis(home / "redis", start=lambda command: children.start(
        "Redis", command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    site_url = f"http://{host}:{port}"
    config_file = _write_config(home, database_url, site_url)
    env = dict(os.environ, CKAN_INI=str(config_file), CKAN_SITE_URL=site_url)
    env[URL_VARIABLE] = database_url
    _ckan(children, env, "db", "upgrade")
    # Cheap for a demo, and keeps the index in step with an upgraded search backend.
    _ckan(children, env, "search-index", "rebuild", "--quiet")
    click.echo(_("Filling the demo catalogue (municipalities, datasets, monthly files)..."), err=True)
    seeded = json.loads(_ckan(children, env, "openup", "seed-demo", "--json", capture=True)
                        .strip().splitlines()[-1])
    _print_welcome(site_url, seeded, config_file)
    if not redis_url:
        click.echo(_("Redis is not installed: background jobs are off (the catalogue works without them; "
                     "install redis-server or set CKAN_REDIS_URL to enable them)."), err=True)
    if seed_only:
        return
    # Background jobs (the harvest-readiness checks) need a worker beside the web server; it is stopped
    # after the web server and before Redis, so it never loses its queue mid-job.
    if redis_url:
        children.start("jobs worker", [_ckan_executable(), "jobs", "worker"], env=env)
    web_server = children.start(
        "web server", [_ckan_executable(), "run", "--host", host, "--port", str(port), "--disable-reloader"],
        env=env)
    if web_server.wait() != 0:
        raise click.ClickException(_("the web server stopped (exit {code}); see the log above.").format(
            code=web_server.returncode))


def _write_config(home: Path, database_url: str, site_url: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    config_file = home / "demo.ini"
    template = resources.files("ckanext.openup.demo").joinpath("demo.ini.template").read_text(encoding="utf-8")
    if config_file.exists():
        secret_key = _existing_secret(config_file) or secrets.token_urlsafe(32)
    else:
        secret_key = secrets.token_urlsafe(32)
    config_file.write_text(template.format(
        secret_key=secret_key, database_url=database_url.replace("%", "%%"), site_url=site_url,
        storage_path=home / "storage", redis_url=os.environ.get("CKAN_REDIS_URL", "redis://localhost:6379/0"),
        **_datastore_settings(database_url),
    ), encoding="utf-8")
    return config_file


def _datastore_settings(database_url: str) -> dict[str, str]:
    write_url, read_url = use_datastore(database_url)
    return {"datastore_write_url": write_url.replace("%", "%%"), "datastore_read_url": read_url.replace("%", "%%")}


def _existing_secret(config_file: Path) -> str | None:
    for line in config_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("SECRET_KEY = "):
            return line.split(" = ", 1)[1].strip()
    return None


def _ckan_executable() -> str:
    beside_python = Path(sys.executable).with_name("ckan")
    return str(beside_python) if beside_python.exists() else (shutil.which("ckan") or "ckan")


def _ckan(children: ChildProcesses, env: dict[str, str], *args: str, capture: bool = False) -> str:
    returncode, output = children.run(f"ckan {args[0]}", [_ckan_executable(), *args], env=env, text=True,
                                      stdout=subprocess.PIPE if capture else None)
    if returncode != 0:
        raise click.ClickException(_("`{command}` failed (exit {code}); see the log above.").format(
            command=" ".join(["ckan", *args]), code=returncode))
    return output


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _print_welcome(site_url: str, seeded: dict, config_file: Path) -> None:
    created = seeded["created"]
    click.echo("")
    lines = [
        (_("Open Up demo catalogue:"), site_url),
        (_("Administrator:"), f"{seeded['admin']} / {seeded['password']}"),
        (_("API token:"), seeded["token"]),
        (_("Created now:"), _("{organisations} municipalities, {datasets} datasets, {files} monthly files").format(
            organisations=created["organizations"], datasets=created["datasets"], files=created["resources"])),
        (_("Config:"), str(config_file)),
    ]
    width = max(len(label) for label, _value in lines) + 1
    for label, value in lines:
        click.echo(f"  {label:<{width}}{value}")
    click.echo("  " + _("Stop with Ctrl-C."))
    click.echo("")
