"""The ``openup`` command: publishers' tools for procurement open data.

Each command is thin: it reads options, calls the package's functions and turns their typed errors
into plain messages and exit codes (0 ok, 1 problems found, 2 usage error).
"""

from __future__ import annotations

import importlib

import click

from ckanext.openup.cli.console import keep_output_printable
from ckanext.openup.cli.language import LANGUAGES, choose_language

# Each command is imported when it runs: ``check`` and ``publish`` pull in CKAN, pyshacl and
# ckanapi (about a second), which ``inspect`` and ``prepare`` should not wait for.
COMMANDS = {
    "demo": "ckanext.openup.cli.demo:demo",
    "inspect": "ckanext.openup.cli.inspect:inspect_command",
    "prepare": "ckanext.openup.cli.prepare:prepare_command",
    "publish": "ckanext.openup.cli.publish:publish_command",
    "check": "ckanext.openup.cli.check:check_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported by name when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ckanext-openup")
@click.option("--lang", "language", type=click.Choice(LANGUAGES),
              help="Language of the messages: sv, fi or en (default: from LC_ALL, LC_MESSAGES or LANG).")
@click.pass_context
def openup(ctx: click.Context, language: str | None) -> None:
    """Publish municipal procurement data (supplier invoices) to CKAN as DCAT-AP.

    \b
    Examples:
      openup demo                            # start a local demo catalogue on http://127.0.0.1:5000
      openup --lang sv inspect fakturor.csv  # messages in Swedish (sv), Finnish (fi) or English (en)
    """
    keep_output_printable()
    choose_language(ctx, language)
