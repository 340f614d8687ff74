"""click's own texts that an ``openup`` user can meet, so that our catalogue translates them.

click asks gettext for them (see ``language.click_speaks``); their msgids must be exactly click's.
"""

from ckanext.openup.cli.language import N_, ngettext

CLICK_TEXTS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."), N_("Show the version and exit."),
    N_("%(prog)s, version %(version)s"), N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing command."),
    N_("No such option {name!r}."), N_("No such command {name!r}."), N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"), N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."), N_("{name} {filename!r} is not readable."),
    N_("Could not open file {filename!r}: {message}"), N_("file"), N_("directory"), N_("path"),
    N_("default: {default}"), N_("required"), N_("Aborted!"), N_("[OPTIONS]"), N_("COMMAND [ARGS]..."),
    # click 8.1 (CKAN 2.11's pin) words these two differently.
    N_("No such option: {name}"), N_("{name} '{filename}' is a directory."),
)


def _plural_texts(count: int) -> tuple[str, ...]:
    """click's texts with a plural, listed for the catalogue (never called)."""
    return (
        ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", count),
        ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", count),
        ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", count),
        ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", count),
    )
