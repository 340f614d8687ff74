"""Typed errors of publishing; each knows its exit code and says what to do in plain language."""

from __future__ import annotations

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class PublishingError(Exception):
    """Something stopped a publication; ``describe()`` is the message for the publisher."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        self.message = message
        self.details = details or []
        super().__init__(message)

    def describe(self) -> str:
        return "\n".join([self.message, *(f"  {detail}" for detail in self.details)])


class UsageProblem(PublishingError):
    """Wrong input from the publisher: a file that is not prepared, a missing token, a bad URL."""

    exit_code = EXIT_USAGE


class NotPreparedError(UsageProblem):
    """A raw finance export (or any file that is not ``openup prepare`` output)."""


class SiteError(UsageProblem):
    """The site cannot be used as given: unreachable, not CKAN, token refused, unknown organisation."""


class PersonalDataError(PublishingError):
    """A file still holds a personal identity number: it must never be uploaded."""


class RejectedError(PublishingError):
    """CKAN refused a change (validation, permission); the details name the fields."""


class TransferError(PublishingError):
    """The connection failed half-way; running the command again finishes the job."""


class WrongBuyerError(UsageProblem):
    """A file's invoices were bought by another organisation than the one named with --org."""


class VisibilityError(PublishingError):
    """The site did not keep an unfinished year out of the public's sight (or did not make it public)."""
