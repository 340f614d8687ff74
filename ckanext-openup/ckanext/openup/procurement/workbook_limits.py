"""Limits an XLSX must keep before openpyxl reads it, so a small hostile file cannot take hours or gigabytes.

An XLSX is a zip: a 4 MB file can unpack to 1.5 GB, and openpyxl holds each row and all shared
strings in memory. The central directory says how large each part unpacks (and :mod:`zipfile` never
unpacks more than that), so parts are refused by their declared size and packing ratio first; then
each sheet is streamed once to find its longest row, which is what openpyxl holds at once.
"""

from __future__ import annotations

import re
import zipfile

from ckanext.openup.procurement.errors import UnreadableFileError

MB = 1024 * 1024
# A yearly sheet of 400,000 invoices unpacks to a few hundred MB and packs 5-20 fold.
MAX_SHEET_BYTES = 1024 * MB
MAX_OTHER_PART_BYTES = 128 * MB
MAX_WORKBOOK_BYTES = 2048 * MB
MAX_PACKING_RATIO = 100
# Parts smaller than this may pack better (a sheet of empty cells): their size is harmless.
RATIO_FROM_BYTES = MB
# A row of 16,384 numbers is about 0.5 MB of XML.
MAX_ROW_BYTES = 4 * MB
SCAN_CHUNK = 4 * MB
# <row ...>, also with a namespace prefix (<x:row>); <rowBreaks> is not matched.
_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_TAG_LONGEST = 64
_WHAT_TO_DO = "this is not an ordinary export; save the sheet as CSV and run again"


def check_workbook_limits(path: str) -> None:
    """Raise :class:`UnreadableFileError` when a part of the XLSX at ``path`` is too large to read safely."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        total = sum(part.file_size for part in parts)
        if total > MAX_WORKBOOK_BYTES:
            raise UnreadableFileError(path, f"the workbook unpacks to {total:,} bytes: {_WHAT_TO_DO}")
        for part in parts:
            _check_part_size(path, part)
        for part in parts:
            if _is_sheet(part.filename):
                _check_rows(path, archive, part)


def _is_sheet(name: str) -> bool:
    return "worksheets/" in name and name.endswith(".xml")


def _check_part_size(path: str, part: zipfile.ZipInfo) -> None:
    limit = MAX_SHEET_BYTES if _is_sheet(part.filename) else MAX_OTHER_PART_BYTES
    ratio = part.file_size / max(part.compress_size, 1)
    if part.file_size > limit or (part.file_size > RATIO_FROM_BYTES and ratio > MAX_PACKING_RATIO):
        message = (
            f"the workbook's part {part.filename!r} unpacks to {part.file_size:,} bytes from "
            f"{part.compress_size:,} ({ratio:,.0f} fold; ordinary sheets pack at most {MAX_PACKING_RATIO} fold): "
            + _WHAT_TO_DO
        )
        raise UnreadableFileError(path, message)


def _check_rows(path: str, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Stream a sheet and stop at the first row longer than :data:`MAX_ROW_BYTES`."""
    rows = 0
    row_start = 0  # where the current row (or, before the first, the sheet) starts
    offset = 0  # of ``carried`` in the unpacked sheet
    carried = b""
    with archive.open(part) as sheet:
        while chunk := sheet.read(SCAN_CHUNK):
            # Keep the end of the last chunk: a <row tag may be cut in two.
            text = carried + chunk
            for match in _ROW_START.finditer(text):
                start = offset + match.start()
                if start <= row_start and rows:
                    continue  # seen in the carried part already
                _check_row_length(path, part, rows, start - row_start)
                rows += 1
                row_start = start
            end = offset + len(text)
            _check_row_length(path, part, rows, end - row_start)
            carried = text[-_ROW_TAG_LONGEST:]
            offset = end - len(carried)


def _check_row_length(path: str, part: zipfile.ZipInfo, row: int, length: int) -> None:
    if length <= MAX_ROW_BYTES:
        return
    where = f"of the workbook's part {part.filename!r}" if row else f"before the first row of {part.filename!r}"
    message = f"the row is longer than {MAX_ROW_BYTES:,} bytes of XML {where}: {_WHAT_TO_DO}"
    raise UnreadableFileError(path, message, row or None, unit="row")
