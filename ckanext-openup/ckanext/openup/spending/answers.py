"""openup_spending asked as the visitor, for the pages: a refusal becomes the page's 400 or 404."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup.spending.queries import CURRENCIES


class SpendingPageError(Exception):
    """A page's question the action refused; shown as the page's error (400 or 404)."""

    def __init__(self, status: int, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields  # the parameters refused


def ask(**params: Any) -> dict[str, Any]:
    """openup_spending as the visitor; None-valued parameters are left out."""
    try:
        return toolkit.get_action("openup_spending")(
            {"user": toolkit.current_user.name}, {name: value for name, value in params.items() if value is not None})
    except toolkit.ObjectNotFound as error:
        raise SpendingPageError(404, str(error.message or toolkit._("Organisation not found"))) from error
    except toolkit.ValidationError as error:
        raise SpendingPageError(400, messages(error), tuple(error.error_dict)) from error


def ask_each_currency(**params: Any) -> list[dict[str, Any]]:
    """One answer per currency the rows are in (SEK first): a catalogue may hold both."""
    if params.get("currency"):
        return [ask(**params)]
    try:
        return [ask(**params)]
    except SpendingPageError as error:
        if "currency" not in error.fields:  # without a currency asked, only mixed currencies refuse it
            raise
    answers = (ask(**dict(params, currency=currency)) for currency in CURRENCIES)
    return [answer for answer in answers if answer["invoices"]]


def messages(error: toolkit.ValidationError) -> str:
    """The messages of a validation error as one line for an error page."""
    return " ".join(message for field, messages in error.error_dict.items() if field != "__type"
                    for message in (messages if isinstance(messages, list) else [messages]))
