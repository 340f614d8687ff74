"""Typed errors for invoice files: each names the file and, where known, the line and column."""

from __future__ import annotations


class InvoiceFileError(Exception):
    """A file that cannot be read as supplier invoices (the whole file, not one row)."""

    def __init__(
        self, file: str, message: str, line: int | None = None, column: str | None = None, unit: str = "line"
    ) -> None:
        self.file = file
        self.message = message
        self.line = line
        self.column = column
        # What ``line`` counts: a line of text, or a row of a sheet.
        self.unit = unit
        super().__init__(self.describe())

    def describe(self) -> str:
        """The message in plain language, prefixed with ``file, line N, column X`` (``row N`` in a sheet)."""
        where = [self.file]
        if self.line is not None:
            where.append(f"{self.unit} {self.line}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class UnreadableFileError(InvoiceFileError):
    """Empty, binary, truncated or wrongly encoded file."""


class UnknownHeaderError(InvoiceFileError):
    """The header row matches none of the known invoice formats."""


class IncompleteFileError(InvoiceFileError):
    """The file says it holds only part of the rows (one page of a paged export)."""
