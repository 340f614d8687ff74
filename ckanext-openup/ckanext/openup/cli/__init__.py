"""The ``openup`` command: publishers' tools for procurement open data.

Each command is thin: it reads options, calls the package's functions and turns their typed errors
into plain messages and exit codes (0 ok, 1 problems found, 2 usage error).
"""

from __future__ import annotations

import click

from ckanext.openup.cli.check import check_command
from ckanext.openup.cli.demo import demo
from ckanext.openup.cli.inspect import inspect_command
from ckanext.openup.cli.prepare import prepare_command
from ckanext.openup.cli.publish import publish_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ckanext-openup")
def openup() -> None:
    """Publish municipal procurement data (supplier invoices) to CKAN as DCAT-AP.

    \b
    Example:
      openup demo            # start a local demo catalogue on http://127.0.0.1:5000
    """


openup.add_command(demo)
openup.add_command(inspect_command)
openup.add_command(prepare_command)
openup.add_command(publish_command)
openup.add_command(check_command)
