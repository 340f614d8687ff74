"""The language the ``openup`` command speaks: Swedish, Finnish or English.

Chosen by ``openup --lang sv|fi|en``, else by the environment as gettext does (LC_ALL, LC_MESSAGES, LANG),
else by the system's locale (Windows sets no variables: its locale reads ``Swedish_Sweden``). The catalogue
is plain gettext in the package (domain ``openup-cli``), so it loads without CKAN.
"""

from __future__ import annotations

import contextlib
import gettext
import locale
import os
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from importlib.resources import files

import click

DOMAIN = "openup-cli"
LANGUAGES = ("sv", "fi", "en")
ENGLISH = "en"
_CONTEXT_KEY = "openup.language"
# A language's code and the name Windows gives it in locale names such as "Finnish_Finland".
_NAMES = {"sv": ("sv", "swedish"), "fi": ("fi", "finnish")}


def language_of(locale_name: str | None) -> str:
    """``sv``, ``fi`` or ``en`` for a locale name such as ``sv_SE.UTF-8``, ``fi_FI`` or ``Swedish_Sweden``."""
    name = (locale_name or "").strip().lower()
    for language, prefixes in _NAMES.items():
        if name.startswith(prefixes):
            return language
    return ENGLISH


def language_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """The language the environment asks for: the first of LC_ALL, LC_MESSAGES and LANG that is set."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(variable):
            return language_of(environ[variable])
    try:
        return language_of(locale.getlocale()[0])
    except ValueError:  # a locale name Python cannot parse
        return ENGLISH


def language_in_arguments(arguments: Sequence[str]) -> str | None:
    """The language ``--lang`` asks for among the command line's ``arguments``, before click has read them."""
    for position, argument in enumerate(arguments):
        if argument == "--":
            break
        value = argument.partition("=")[2] if argument.startswith("--lang=") else None
        if argument == "--lang" and position + 1 < len(arguments):
            value = arguments[position + 1]
        if value in LANGUAGES:
            return value
    return None


@contextlib.contextmanager
def click_speaks(language: str) -> Iterator[None]:
    """Let click's own texts (Usage:, Error: Missing argument...) come from our catalogue in ``language``.

    click asks the standard gettext of the default domain, which follows LANGUAGE; both are set back after.
    """
    before = gettext.textdomain(), os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(files("ckanext.openup").joinpath("i18n")))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language
    try:
        yield
    finally:
        gettext.textdomain(before[0])
        if before[1] is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = before[1]


def translate_help(command: click.Command, language: str, ctx: click.Context | None = None) -> None:
    """Show ``command``'s help and its options' help in ``language`` (the English texts are kept to start over).

    click makes the --help option once per command, in the language of that moment: with ``ctx`` it is
    said again in ``language``.
    """
    help_option = command.get_help_option(ctx) if ctx is not None else None
    if help_option is not None:
        help_option.__dict__.setdefault("_english_help", {"help": "Show this message and exit."})
    for item in (command, *command.params, *([help_option] if help_option else [])):
        texts = item.__dict__.setdefault("_english_help", {
            attribute: getattr(item, attribute, None)
            for attribute in ("help", "short_help", "options_metavar", "subcommand_metavar")})
        texts.setdefault("metavar", _value_metavar(item))
        for attribute, english in texts.items():
            if english:
                setattr(item, attribute, translation(language).gettext(english))


def choose_language(ctx: click.Context, language: str | None) -> None:
    """Remember ``--lang`` (or the environment's language) for every message of this command run."""
    ctx.find_root().meta[_CONTEXT_KEY] = language or language_from_environment()


def current_language() -> str:
    context = click.get_current_context(silent=True)
    chosen = context.find_root().meta.get(_CONTEXT_KEY) if context else None
    return chosen or language_from_environment()


@lru_cache(maxsize=len(LANGUAGES))
def translation(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``; English is the messages as written."""
    catalogue = files("ckanext.openup").joinpath("i18n", language, "LC_MESSAGES", f"{DOMAIN}.mo")
    if language == ENGLISH or not catalogue.is_file():
        return gettext.NullTranslations()
    with catalogue.open("rb") as mo_file:
        return gettext.GNUTranslations(mo_file)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "translated later"
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


def _(message: str) -> str:
    """``message`` in the command's language."""
    return translation(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """``singular`` or ``plural`` as ``count`` needs, in the command's language."""
    return translation(current_language()).ngettext(singular, plural, count)


# click would name an option's value by its type in English capitals (INTEGER RANGE, TEXT, PATH).
_VALUE_METAVARS = {
    "integer": N_("NUMBER"), "integer range": N_("NUMBER"), "float": N_("NUMBER"), "float range": N_("NUMBER"),
    "text": N_("VALUE"), "path": N_("PATH"), "filename": N_("FILE"), "directory": N_("FOLDER"),
}


def _value_metavar(item: object) -> str | None:
    if not isinstance(item, click.Option) or item.is_flag or item.metavar is not None:
        return item.metavar if isinstance(item, click.Option) else None
    return _VALUE_METAVARS.get(item.type.name)
