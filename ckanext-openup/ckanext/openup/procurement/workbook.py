"""XLSX invoice exports: the first non-empty row of the first sheet is the header."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any

from ckanext.openup.procurement.errors import UnreadableFileError
from ckanext.openup.procurement.tables import Cell, InvoiceTable


def open_workbook_table(path: str, size: int) -> InvoiceTable:
    """Open an XLSX file in openpyxl's streaming (read-only) mode."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is an install requirement
        raise UnreadableFileError(path, "reading XLSX needs the openpyxl package") from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row, header = _find_header(rows)
    except UnreadableFileError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, EOFError) as error:
        raise UnreadableFileError(path, f"not a readable XLSX workbook (damaged or truncated?): {error}") from None
    if header is None:
        workbook.close()
        raise UnreadableFileError(path, "the workbook's first sheet is empty")
    table = InvoiceTable(
        path=path,
        format="xlsx",
        header=[("" if cell is None else str(cell)).strip() for cell in header],
        rows=_workbook_rows(path, rows, header_row),
        size=size,
        row_unit="row",
    )
    if len(workbook.worksheets) > 1:
        table.notes.append(f"the workbook has {len(workbook.worksheets)} sheets; only the first was read")
    table._closers.append(workbook.close)
    return table


def _find_header(rows: Iterator[tuple[Any, ...]]) -> tuple[int, tuple[Any, ...] | None]:
    for number, row in enumerate(rows, start=1):
        if any(cell not in (None, "") for cell in row):
            return number, row
    return 0, None


def _workbook_rows(path: str, rows: Iterator[tuple[Any, ...]], header_row: int) -> Iterator[tuple[int, list[Cell]]]:
    number = header_row
    try:
        for number, row in enumerate(rows, start=header_row + 1):  # noqa: B007 - used after the loop
            if any(cell not in (None, "") for cell in row):
                yield number, list(row)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        raise UnreadableFileError(path, f"the workbook is damaged after this row: {error}", number) from None
