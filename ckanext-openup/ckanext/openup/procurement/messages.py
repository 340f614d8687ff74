"""Marking the procurement checks' messages for the ``openup`` command's catalogue.

The checks stay pure and speak English; the command translates a message where it shows it
(``ckanext.openup.cli.language``). ``N_`` only lets the extraction find the message.
"""


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for a marker
    """``message`` unchanged; marked for translation where it is shown."""
    return message
