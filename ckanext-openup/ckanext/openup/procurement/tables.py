"""Open an invoice file of any supported kind as a header plus a stream of rows.

Rows are streamed: a 1,000,000-row yearly file is never held in memory. Every reader turns the
errors of the library underneath (codecs, csv, zipfile, json) into :class:`UnreadableFileError`
with the file and line, so callers deal with one kind of error.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ckanext.openup.procurement.errors import UnreadableFileError
from ckanext.openup.procurement.messages import N_
from ckanext.openup.procurement.sniffing import SAMPLE_SIZE, SAVE_AS_UTF8, sniff_delimiter, sniff_kind

# One cell of a source row: text from CSV/JSON, or str/number/date/None from XLSX.
Cell = Any
# A row of a workbook read from several sheets is numbered sheet * SHEET_STRIDE + its row in the sheet
# (an XLSX sheet has at most 1,048,576 rows), so one number orders rows and still names the sheet.
SHEET_STRIDE = 1 << 21
# A longer field than this is not an invoice field but a broken file (e.g. a missing quote).
# (The csv module's own default; the limit is process-wide.)
MAX_FIELD_CHARS = 128 * 1024
csv.field_size_limit(MAX_FIELD_CHARS)
# A line is read at most this far (an invoice line is a few hundred characters): a file without line
# ends then stops at once instead of being read whole into memory, and a batch of rows stays small.
MAX_LINE_CHARS = 64 * 1024
# One invoice spread over several lines by quoted line ends is at most this long.
MAX_RECORD_CHARS = 256 * 1024
MAX_BLANK_LINES_ABOVE_HEADER = 1000
# "Ã" or "Â" followed by what CP1252 shows for a UTF-8 continuation byte (0x80-0xBF).
_UTF8_READ_AS_CP1252 = re.compile(
    "[\u00c2\u00c3][" + re.escape(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")) + "]"
)

LINE_ENDING_NAMES = {"CRLF": "CRLF (Windows)", "LF": "LF (Unix)", "CR": "CR only (old Mac)", "none": "none"}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
# Whole phrases of the layout line, so the `openup` command can show each in the publisher's language.
_SEPARATED = {",": N_("comma-separated"), ";": N_("semicolon-separated"), "\t": N_("tab-separated")}
_LINE_ENDS = {
    "CRLF": N_("line ends CRLF (Windows)"), "LF": N_("line ends LF (Unix)"),
    "CR": N_("line ends CR only (old Mac)"), "none": N_("line ends none"),
}


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
            parts.append(_SEPARATED[self.delimiter])
        if self.line_ending:
            parts.append(_LINE_ENDS[self.line_ending])
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
            table.notes.append(N_("the text looks double-encoded ('Ã¶' for 'ö'): export it again, as UTF-8 once"))
        return table
    except BaseException:
        raw.close()
        raise


def _open_delimited(path: str, raw: BinaryIO, size: int, encoding: str, line_ending: str | None) -> InvoiceTable:
    # newline="" keeps CR, LF and CRLF as line ends and lets csv handle newlines inside quotes.
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    lines = _physical_lines(path, text, line_ending)
    first_line = next(lines, "")
    if first_line.startswith("\ufeff"):
        first_line = first_line[1:]
    skipped = 0
    while first_line and not first_line.strip():
        # Blank lines above the header: seen in exports that had a title row removed.
        skipped += 1
        if skipped > MAX_BLANK_LINES_ABOVE_HEADER:
            raise UnreadableFileError(path, "the file starts with blank lines only: no header found", skipped)
        first_line = next(lines, "")
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(itertools.chain([first_line], lines), delimiter=delimiter)
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


def _physical_lines(path: str, text: io.TextIOWrapper, line_ending: str | None) -> Iterator[str]:
    """The file's lines, each at most :data:`MAX_LINE_CHARS` long, so one endless line cannot fill memory."""
    # In a CP1252 file, UTF-8 bytes read as "Ã¶" for "ö": a line pasted from a UTF-8 file.
    utf8_inside = _UTF8_READ_AS_CP1252 if text.encoding == "cp1252" else None
    readline = text.readline
    number = 0
    while True:
        try:
            line = readline(MAX_LINE_CHARS)
        except UnicodeDecodeError as error:
            raise _decoding_error(path, text.encoding, line_ending, error) from None
        if not line:
            return
        number += 1
        if len(line) == MAX_LINE_CHARS and line[-1] not in "\r\n":
            message = (
                f"the line is longer than {MAX_LINE_CHARS:,} characters: its line ends are missing or this is not "
                "an invoice file; export it again as CSV with one invoice per line"
            )
            raise UnreadableFileError(path, message, number)
        if utf8_inside is not None and utf8_inside.search(line):
            message = "the file mixes encodings: this line is UTF-8 but the lines above it are Windows-1252. "
            raise UnreadableFileError(path, message + SAVE_AS_UTF8, number)
        yield line


def _decoding_error(
    path: str, encoding: str, line_ending: str | None, error: UnicodeDecodeError
) -> UnreadableFileError:
    """Name the line that does not decode: the text layer reads ahead, so find it in the bytes again."""
    line, truncated = _first_undecodable_line(path, encoding, line_ending)
    if truncated:
        return UnreadableFileError(path, f"the text is not valid {error.encoding}; the file may be truncated", line)
    if encoding.startswith("utf-8"):
        message = f"the file mixes encodings: this line is not UTF-8 like the lines above it. {SAVE_AS_UTF8}"
    else:
        message = f"the text is not valid {error.encoding} here; the file may mix encodings or be truncated"
    return UnreadableFileError(path, message, line)


def _first_undecodable_line(path: str, encoding: str, line_ending: str | None) -> tuple[int, bool]:
    """The line (from 1) of the first bytes ``encoding`` cannot decode, and whether that is the file's end."""
    line_end = "\r" if line_ending == "CR" else "\n"
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with open(path, "rb") as raw:
        if encoding == "utf-16":
            # What follows the BOM is decoded below without it: name the byte order it gave.
            encoding = "utf-16-le" if raw.read(2) == codecs.BOM_UTF16_LE else "utf-16-be"
            raw.seek(0)
        while True:
            chunk = raw.read(1024 * 1024)
            try:
                line += decoder.decode(chunk, final=not chunk).count(line_end)
            except UnicodeDecodeError as error:
                # error.object is what the decoder held: this chunk, after a character cut by the last one.
                before = error.object[: error.start].decode(encoding, errors="replace")
                return line + before.count(line_end), not chunk
            if not chunk:
                return line, True


def _delimited_rows(path: str, reader: Any, skipped: int = 0) -> Iterator[tuple[int, list[Cell]]]:
    # csv counts lines from the header; ``skipped`` blank lines came before it.
    line = reader.line_num
    try:
        for row in reader:
            end = reader.line_num
            # Lines are capped; only a record over several lines (quoted line ends) can be longer.
            if end - line > 1 and sum(map(len, row)) > MAX_RECORD_CHARS:
                message = (
                    f"this row runs over {end - line:,} lines and {MAX_RECORD_CHARS:,} characters: a closing quote "
                    "is probably missing; correct the quotes in the file and run again"
                )
                raise UnreadableFileError(path, message, line + 1 + skipped)
            if row and any(row):
                yield line + 1 + skipped, row
            line = end
    except (UnicodeDecodeError, csv.Error) as error:
        raise _reading_error(path, reader, error, line + 1 + skipped) from None


def _next_record(path: str, reader: Any) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except (UnicodeDecodeError, csv.Error) as error:
        raise _reading_error(path, reader, error) from None


def _reading_error(path: str, reader: Any, error: Exception, row_start: int | None = None) -> UnreadableFileError:
    """The error of a CSV that broke; a runaway field is named by the line where its row starts."""
    if isinstance(error, UnicodeDecodeError):
        return UnreadableFileError(
            path,
            f"the text is not valid {error.encoding} here; the file may mix encodings or be truncated",
            reader.line_num + 1,
        )
    message = str(error)
    if "field larger than field limit" in message:
        message = (
            f"a field is longer than {MAX_FIELD_CHARS:,} characters; a closing quote is probably missing "
            "(correct the quotes in the file and run again) or the file is not CSV"
        )
        if row_start is not None:
            return UnreadableFileError(path, f"not readable as CSV: {message}", row_start)
    # csv has already counted the line it failed on.
    return UnreadableFileError(path, f"not readable as CSV: {message}", max(reader.line_num, 1))
