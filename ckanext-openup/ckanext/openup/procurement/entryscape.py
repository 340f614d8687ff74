"""EntryScape row-store JSON: ``{"resultCount": N, "results": [{...}, ...], "next": URL}``.

Parsed incrementally with :meth:`json.JSONDecoder.raw_decode`, one result object at a time, so a
large export is never held in memory. All values are strings in these exports.

One download of a row store is often one page (``_offset``/``_limit``): ``resultCount`` says how many
rows the whole store has and ``next`` where the following page is, before or after ``results``. Such a
page is refused once its rows are counted: publishing it as the month would silently lose the rest.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from ckanext.openup.procurement.errors import IncompleteFileError, UnreadableFileError
from ckanext.openup.procurement.tables import Cell, InvoiceTable

CHUNK_CHARS = 256 * 1024
# Beyond these a file is not an export but a broken or hostile one: stop before memory runs out.
MAX_HEAD_CHARS = 1024 * 1024
# An invoice record is a few hundred characters; a batch of 256 of these stays small.
MAX_RECORD_CHARS = 256 * 1024
TAIL_CHARS = 64 * 1024
# Some exports put a BOM inside the first key, e.g. {"\ufeffresultCount": ...}.
_RESULTS_START = re.compile(r'"\ufeff?results"\s*:\s*\[')
_NEXT_URL = re.compile(r'"\ufeff?next"\s*:\s*("(?:[^"\\]|\\.)*")')
_RESULT_COUNT = re.compile(r'"\ufeff?resultCount"\s*:\s*"?([0-9]+)')
_BETWEEN_RESULTS = re.compile(r"[ \t\r\n,]*")
_decoder = json.JSONDecoder()


class _Results:
    """The objects of the ``results`` array, read from a text stream chunk by chunk."""

    def __init__(self, path: str, text: io.TextIOWrapper) -> None:
        self.path = path
        self.text = text
        self.buffer = ""
        self.position = 0
        self.eof = False
        self.records = 0
        self.head = ""
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
                self.head = self.buffer[: match.start()]
                self.position = match.end()
                return
            if len(self.buffer) > MAX_HEAD_CHARS or not self._more():
                raise UnreadableFileError(self.path, 'JSON without a "results" list: not an EntryScape export')

    def __iter__(self) -> Iterator[dict[str, object]]:
        while True:
            while True:
                self.position = _BETWEEN_RESULTS.match(self.buffer, self.position).end()
                if self.position < len(self.buffer) or not self._more():
                    break
            if self.position == len(self.buffer):
                raise UnreadableFileError(self.path, "the JSON ends inside the results list (truncated file?)")
            if self.buffer[self.position] == "]":
                self._read_tail()
                return
            try:
                record, end = _decoder.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.position > MAX_RECORD_CHARS:
                    message = (
                        f"the result is longer than {MAX_RECORD_CHARS:,} characters: the file is broken or not an "
                        "invoice export; download the export again and run again"
                    )
                    raise UnreadableFileError(self.path, message, self.records + 1, unit="record") from None
                if self._more():
                    continue
                raise UnreadableFileError(
                    self.path, f"invalid JSON ({error.msg}); the file may be truncated", error.lineno
                ) from None
            self.position = end
            if not isinstance(record, dict):
                raise UnreadableFileError(self.path, "a result is not a JSON object")
            self.records += 1
            yield record

    def _read_tail(self) -> None:
        """Keep what follows the results list (where ``next`` often is), up to :data:`TAIL_CHARS`."""
        while len(self.buffer) - self.position < TAIL_CHARS and self._more():
            pass
        self.tail = self.buffer[self.position + 1 : self.position + TAIL_CHARS]

    def paging(self) -> tuple[str, int | None]:
        """The ``next`` URL ("" when none) and the ``resultCount`` around the results, once they are read."""
        outside = self.head + self.tail
        next_url = _NEXT_URL.search(outside)
        url = json.loads(next_url.group(1)) if next_url else ""
        count = _RESULT_COUNT.search(outside)
        return url, int(count.group(1)) if count else None

    def check_complete(self, rows: int) -> None:
        """Refuse a page of a paged export: say how many rows are missing and where the next page is."""
        url, count = self.paging()
        total = rows if count is None else count
        if not url and total <= rows:
            return
        if total > rows:
            message = f"this is one page of a paged export: it holds {rows:,} of {total:,} rows; "
            message += f"{total - rows:,} rows are missing"
        else:
            message = f"this is one page of a paged export ({rows:,} rows); more rows follow"
        if url:
            message += f"; the next page is {url}"
        raise IncompleteFileError(self.path, message + ". Download every page (the whole export) and run again.")


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
    table = InvoiceTable(
        path=path,
        format="json",
        header=[key.lstrip("\ufeff").strip() for key in keys],
        rows=_json_rows(first, records, keys, results),
        size=size,
        encoding=encoding,
        row_unit="record",
        bytes_read=raw.tell,
    )
    table._closers.append(text.close)
    return table


def _json_rows(
    first: dict[str, object],
    records: Iterator[dict[str, object]],
    keys: list[str],
    results: _Results,
) -> Iterator[tuple[int, list[Cell]]]:
    yield 1, [_cell(first.get(key)) for key in keys]
    number = 1
    for number, record in enumerate(records, start=2):  # noqa: B007 - the count is used after the loop
        yield number, [_cell(record.get(key)) for key in keys]
    results.check_complete(number)


def _cell(value: object) -> Cell:
    return "" if value is None else value


class ExportPage:
    """One downloaded page of a row-store export: its results, then (once read) its paging."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.next_url = ""
        self.result_count: int | None = None

    def results(self) -> Iterator[dict[str, object]]:
        """The page's result objects, streamed; ``next_url`` and ``result_count`` are set at the end."""
        with open(self.path, encoding="utf-8-sig") as text:
            results = _Results(self.path, text)
            results.seek_start()
            yield from results
            self.next_url, self.result_count = results.paging()
