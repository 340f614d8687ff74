"""Open an invoice file of any supported kind as a header plus a stream of rows.

Rows are streamed: a 1,000,000-row yearly file is never held in memory. Every reader turns the
errors of the library underneath (codecs, csv, zipfile, json) into :class:`UnreadableFileError`
with the file and line, so callers deal with one kind of error.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ckanext.openup.procurement.errors import UnreadableFileError
from ckanext.openup.procurement.sniffing import SAMPLE_SIZE, sniff_delimiter, sniff_kind

# One cell of a source row: text from CSV/JSON, or str/number/date/None from XLSX.
Cell = Any
# A row of a workbook read from several sheets is numbered sheet * SHEET_STRIDE + its row in the sheet
# (an XLSX sheet has at most 1,048,576 rows), so one number orders rows and still names the sheet.
SHEET_STRIDE = 1 << 21
# A longer field than this is not an invoice field but a broken file (e.g. a missing quote).
MAX_FIELD_CHARS = 1_000_000
csv.field_size_limit(MAX_FIELD_CHARS)

LINE_ENDING_NAMES = {"CRLF": "CRLF (Windows)", "LF": "LF (Unix)", "CR": "CR only (old Mac)", "none": "none"}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass
class InvoiceTable:
    """An opened invoice file: what it is, its header and its rows as ``(line, cells)``."""

    path: str
    format: str
    header: list[str]
    rows: Iterator[tuple[int, list[Cell]]]
    size: int
    encoding: str | None = None
    delimiter: str | None = None
    line_ending: str | None = None
    # Where rows are counted in messages: "line" (CSV), "row" (XLSX sheet) or "record" (JSON).
    row_unit: str = "line"
    notes: list[str] = field(default_factory=list)
    # Parts of the file holding invoice rows that were not read (a workbook's other sheets).
    unread_parts: list[str] = field(default_factory=list)
    # The sheets rows were read from, when more than one (their rows are numbered with SHEET_STRIDE).
    parts: list[str] = field(default_factory=list)
    bytes_read: Callable[[], int] = lambda: 0
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def describe_layout(self) -> str:
        """One line for people: ``CSV, UTF-16, semicolon-separated, CRLF (Windows)``."""
        parts = [self.format.upper()]
        if self.encoding:
            parts.append(self.encoding.upper())
        if self.delimiter:
            parts.append(f"{DELIMITER_NAMES[self.delimiter]}-separated")
        if self.line_ending:
            parts.append(f"line ends {LINE_ENDING_NAMES[self.line_ending]}")
        return ", ".join(parts)

    def locate(self, line: int) -> dict[str, object]:
        """Where a row number points, for reports: ``{"line": n}``, with ``"sheet"`` for several sheets."""
        if not self.parts:
            return {"line": line}
        return {"sheet": self.parts[line // SHEET_STRIDE], "line": line % SHEET_STRIDE}

    def close(self) -> None:
        for close in self._closers:
            close()

    def __enter__(self) -> InvoiceTable:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_invoice_table(path: str | os.PathLike[str]) -> InvoiceTable:
    """Open ``path`` (CSV/TSV, XLSX or EntryScape JSON) and read its header; rows stream on iteration."""
    path = os.fspath(path)
    try:
        raw = open(path, "rb")  # closed by InvoiceTable.close
    except IsADirectoryError:
        raise UnreadableFileError(path, "this is a directory, not a file") from None
    except OSError as error:
        raise UnreadableFileError(path, f"cannot open the file: {error.strerror}") from None
    try:
        size = os.fstat(raw.fileno()).st_size
        kind = sniff_kind(path, raw.read(SAMPLE_SIZE))
        raw.seek(0)
        if kind.format == "xlsx":
            raw.close()
            from ckanext.openup.procurement.workbook import open_workbook_table

            return open_workbook_table(path, size)
        if kind.format == "json":
            from ckanext.openup.procurement.entryscape import open_entryscape_table

            table = open_entryscape_table(path, raw, size, kind.encoding or "utf-8")
        else:
            table = _open_delimited(path, raw, size, kind.encoding or "utf-8", kind.line_ending)
        if kind.double_encoded:
            table.notes.append("the text looks double-encoded ('Ã¶' for 'ö'): export it again, as UTF-8 once")
        return table
    except BaseException:
        raw.close()
        raise


def _open_delimited(path: str, raw: BinaryIO, size: int, encoding: str, line_ending: str | None) -> InvoiceTable:
    # newline="" keeps CR, LF and CRLF as line ends and lets csv handle newlines inside quotes.
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    first_line = _read_text(path, text.readline, 0)
    if first_line.startswith("\ufeff"):
        first_line = first_line[1:]
    skipped = 0
    while first_line and not first_line.strip():
        # Blank lines above the header: seen in exports that had a title row removed.
        skipped += 1
        first_line = _read_text(path, text.readline, skipped)
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(itertools.chain([first_line], text), delimiter=delimiter)
    header = _next_record(path, reader)
    if header is None:
        raise UnreadableFileError(path, "the file is empty")
    table = InvoiceTable(
        path=path,
        format="csv",
        header=[cell.strip() for cell in header],
        rows=_delimited_rows(path, reader, skipped),
        size=size,
        encoding=encoding,
        delimiter=delimiter,
        line_ending=line_ending,
        bytes_read=raw.tell,
    )
    table._closers.append(text.close)
    return table


def _delimited_rows(path: str, reader: Any, skipped: int = 0) -> Iterator[tuple[int, list[Cell]]]:
    # csv counts lines from the header; ``skipped`` blank lines came before it.
    line = reader.line_num
    try:
        for row in reader:
            if row and any(row):
                yield line + 1 + skipped, row
            line = reader.line_num
    except (UnicodeDecodeError, csv.Error) as error:
        raise _reading_error(path, reader, error) from None


def _next_record(path: str, reader: Any) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except (UnicodeDecodeError, csv.Error) as error:
        raise _reading_error(path, reader, error) from None


def _reading_error(path: str, reader: Any, error: Exception) -> UnreadableFileError:
    if isinstance(error, UnicodeDecodeError):
        return UnreadableFileError(
            path,
            f"the text is not valid {error.encoding} here; the file may mix encodings or be truncated",
            reader.line_num + 1,
        )
    message = str(error)
    if "field larger than field limit" in message:
        message = (
            f"a field is longer than {MAX_FIELD_CHARS:,} characters; a quote is probably missing or the file is not CSV"
        )
    # csv has already counted the line it failed on.
    return UnreadableFileError(path, f"not readable as CSV: {message}", max(reader.line_num, 1))


def _read_text(path: str, read: Callable[[], str], line: int) -> str:
    try:
        return read()
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            path, f"the text is not valid {error.encoding}; the file may mix encodings", line + 1
        ) from None
