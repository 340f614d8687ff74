"""XLSX invoice exports: the first sheet whose first non-empty row is an invoice header is read.

Sheets before it (a cover page, notes) are skipped. Later sheets with invoice rows are not read:
rows in two sheets would share row numbers in every message, so the report asks for one sheet.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ckanext.openup.procurement.errors import UnknownHeaderError, UnreadableFileError
from ckanext.openup.procurement.tables import Cell, InvoiceTable
from ckanext.openup.procurement.variants import recognise_header


def open_workbook_table(path: str, size: int) -> InvoiceTable:
    """Open an XLSX file in openpyxl's streaming (read-only) mode."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is an install requirement
        raise UnreadableFileError(path, "reading XLSX needs the openpyxl package") from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        found = _invoice_sheets(path, workbook.worksheets)
    except UnreadableFileError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, EOFError) as error:
        raise UnreadableFileError(path, f"not a readable XLSX workbook (damaged or truncated?): {error}") from None
    if not found:
        workbook.close()
        raise UnreadableFileError(path, "every sheet of the workbook is empty")
    chosen = next((sheet for sheet in found if sheet.invoice), found[0])
    table = InvoiceTable(
        path=path,
        format="xlsx",
        header=chosen.header,
        rows=_workbook_rows(path, chosen.rows, chosen.header_row),
        size=size,
        row_unit="row",
    )
    for sheet in found:
        if sheet is chosen or not (chosen.invoice or sheet.invoice):
            continue
        if sheet.invoice:
            table.unread_parts.append(f"sheet {sheet.name!r}")
        else:
            table.notes.append(f"sheet {sheet.name!r} was skipped: its first row is not an invoice header")
    if len(workbook.worksheets) > 1:
        table.notes.append(f"rows were read from sheet {chosen.name!r}")
    table._closers.append(workbook.close)
    return table


@dataclass
class _Sheet:
    name: str
    header_row: int
    header: list[str]
    rows: Iterator[tuple[Any, ...]]
    invoice: bool


def _invoice_sheets(path: str, worksheets: list[Any]) -> list[_Sheet]:
    """The non-empty sheets, each with its header and whether that is an invoice header."""
    sheets = []
    for worksheet in worksheets:
        rows = worksheet.iter_rows(values_only=True)
        header_row, header_cells = _find_header(rows)
        if header_cells is None:
            continue
        header = [("" if cell is None else str(cell)).strip() for cell in header_cells]
        try:
            recognise_header(path, header)
            invoice = True
        except UnknownHeaderError:
            invoice = False
        sheets.append(_Sheet(worksheet.title, header_row, header, rows, invoice))
    return sheets


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
