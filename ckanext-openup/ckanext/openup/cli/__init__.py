"""The ``openup`` command: publishers' tools for procurement open data.

Each command is thin: it reads options, calls the package's functions and turns their typed errors
into plain messages and exit codes (0 ok, 1 problems found, 2 usage error).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from ckanext.openup.cli.console import keep_output_printable
from ckanext.openup.cli.language import (
    ENGLISH,
    LANGUAGES,
    N_,
    choose_language,
    click_speaks,
    current_language,
    language_from_environment,
    language_in_arguments,
    translate_help,
)

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
    """A group whose commands are imported by name when used, and which speaks the publisher's language.

    The language is known before click reads the command line, so that its help and its usage errors
    ("Missing argument", "No such option") are in that language too.
    """

    def main(self, args: Sequence[str] | None = None, *options: Any, **extra: Any) -> Any:
        arguments = sys.argv[1:] if args is None else list(args)
        self.language = language_in_arguments(arguments) or language_from_environment()
        try:
            with click_speaks(self.language):
                # ``args`` as given: with None, click expands wildcards (*.csv) on Windows itself.
                return super().main(args, *options, **extra)
        finally:
            # The commands are module-level objects: the next run (or a direct call in a test) starts in English.
            for command in (self, *(self.get_command_if_loaded(name) for name in COMMANDS)):
                if command is not None:
                    translate_help(command, ENGLISH)

    def get_command_if_loaded(self, name: str) -> click.Command | None:
        """The command ``name`` if its module has been imported, without importing it."""
        module, attribute = COMMANDS[name].split(":")
        return getattr(sys.modules.get(module), attribute, None)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        choose_language(ctx, getattr(self, "language", None))
        translate_help(self, current_language(), ctx)
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        translate_help(command, current_language(), ctx)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, help=N_(
    "Publish municipal procurement data (supplier invoices) to CKAN as DCAT-AP.\n\n"
    "\b\nExamples:\n"
    "  openup demo                            # start a local demo catalogue on http://127.0.0.1:5000\n"
    "  openup --lang sv inspect fakturor.csv  # messages in Swedish (sv), Finnish (fi) or English (en)"))
@click.version_option(package_name="ckanext-openup")
@click.option("--lang", "language", type=click.Choice(LANGUAGES),
              help=N_("Language of the messages: sv, fi or en (default: from LC_ALL, LC_MESSAGES or LANG)."))
@click.pass_context
def openup(ctx: click.Context, language: str | None) -> None:
    """The ``openup`` command group (its help text is above, in the catalogue)."""
    keep_output_printable()
    choose_language(ctx, language)
