"""EntryScape row-store JSON: ``{"resultCount": N, "results": [{...}, ...], "next": URL}``.

Parsed incrementally with :meth:`json.JSONDecoder.raw_decode`, one result object at a time, so a
large export is never held in memory. All values are strings in these exports.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from ckanext.openup.procurement.errors import UnreadableFileError
from ckanext.openup.procurement.tables import Cell, InvoiceTable

CHUNK_CHARS = 256 * 1024
# Some exports put a BOM inside the first key, e.g. {"\ufeffresultCount": ...}.
_RESULTS_START = re.compile(r'"\ufeff?results"\s*:\s*\[')
_NEXT_URL = re.compile(r'"\ufeff?next"\s*:\s*"([^"]*)"')
_decoder = json.JSONDecoder()


class _Results:
    """The objects of the ``results`` array, read from a text stream chunk by chunk."""

    def __init__(self, path: str, text: io.TextIOWrapper) -> None:
        self.path = path
        self.text = text
        self.buffer = ""
        self.position = 0
        self.eof = False
        self.tail = ""

    def _more(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.text.read(CHUNK_CHARS)
        except UnicodeDecodeError as error:
            raise UnreadableFileError(self.path, f"the text is not valid {error.encoding}") from None
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0
        return True

    def seek_start(self) -> None:
        """Move to just after ``[`` of the results (or of a top-level array)."""
        while True:
            stripped = self.buffer.lstrip("\ufeff \t\r\n")
            if stripped.startswith("["):
                self.position = len(self.buffer) - len(stripped) + 1
                return
            match = _RESULTS_START.search(self.buffer)
            if match:
                self.position = match.end()
                return
            if not self._more():
                raise UnreadableFileError(self.path, 'JSON without a "results" list: not an EntryScape export')

    def __iter__(self) -> Iterator[dict[str, object]]:
        while True:
            while True:
                stripped = self.buffer[self.position :].lstrip(" \t\r\n,")
                self.position = len(self.buffer) - len(stripped)
                if stripped or not self._more():
                    break
            if not stripped:
                raise UnreadableFileError(self.path, "the JSON ends inside the results list (truncated file?)")
            if stripped[0] == "]":
                self.tail = stripped[1:4096]
                return
            try:
                record, end = _decoder.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                if self._more():
                    continue
                raise UnreadableFileError(
                    self.path, f"invalid JSON ({error.msg}); the file may be truncated", error.lineno
                ) from None
            self.position = end
            if not isinstance(record, dict):
                raise UnreadableFileError(self.path, "a result is not a JSON object")
            yield record


def open_entryscape_table(path: str, raw: BinaryIO, size: int, encoding: str) -> InvoiceTable:
    """Read the header (the keys of the first result) and stream the rest."""
    text = io.TextIOWrapper(raw, encoding=encoding)
    results = _Results(path, text)
    results.seek_start()
    records = iter(results)
    first = next(records, None)
    if first is None:
        text.close()
        raise UnreadableFileError(path, "the JSON results list is empty")
    keys = list(first)
    notes: list[str] = []
    table = InvoiceTable(
        path=path,
        format="json",
        header=[key.lstrip("\ufeff").strip() for key in keys],
        rows=_json_rows(first, records, keys, results, notes),
        size=size,
        encoding=encoding,
        row_unit="record",
        bytes_read=raw.tell,
        notes=notes,
    )
    table._closers.append(text.close)
    return table


def _json_rows(
    first: dict[str, object],
    records: Iterator[dict[str, object]],
    keys: list[str],
    results: _Results,
    notes: list[str],
) -> Iterator[tuple[int, list[Cell]]]:
    yield 1, [_cell(first.get(key)) for key in keys]
    for number, record in enumerate(records, start=2):
        yield number, [_cell(record.get(key)) for key in keys]
    next_url = _NEXT_URL.search(results.tail)
    if next_url and next_url.group(1):
        notes.append(f"this is one page of a paged export; more results at {next_url.group(1)}")


def _cell(value: object) -> Cell:
    return "" if value is None else value
