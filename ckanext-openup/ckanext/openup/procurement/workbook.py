"""XLSX invoice exports: the sheets whose first non-empty row is an invoice header are read.

The first such sheet gives the header; later sheets with the same header (one sheet per month, say)
follow it. Sheets without an invoice header (a cover page, notes) are skipped with a note; a sheet
with another invoice header is not read and is reported, since its columns mean something else.
Row numbers of a workbook read from several sheets carry the sheet: see :data:`SHEET_STRIDE`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ckanext.openup.procurement.errors import UnknownHeaderError, UnreadableFileError
from ckanext.openup.procurement.tables import SHEET_STRIDE, Cell, InvoiceTable
from ckanext.openup.procurement.variants import normalise_header, recognise_header
from ckanext.openup.procurement.workbook_limits import check_workbook_limits


def open_workbook_table(path: str, size: int) -> InvoiceTable:
    """Open an XLSX file in openpyxl's streaming (read-only) mode."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is an install requirement
        raise UnreadableFileError(path, "reading XLSX needs the openpyxl package") from None
    # Opened here and handed over as a file: openpyxl refuses a path without an Excel file ending, and CKAN
    # stores uploads under the resource's id (the content already said this is a workbook).
    raw = open(path, "rb")  # noqa: SIM115 - closed with the table
    try:
        check_workbook_limits(path)
        workbook = openpyxl.load_workbook(raw, read_only=True, data_only=True)
        found = _invoice_sheets(path, workbook.worksheets)
    except UnreadableFileError:
        raw.close()
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, EOFError) as error:
        raw.close()
        raise UnreadableFileError(path, f"not a readable XLSX workbook (damaged or truncated?): {error}") from None
    if not found:
        workbook.close()
        raw.close()
        raise UnreadableFileError(path, "every sheet of the workbook is empty")
    chosen = next((sheet for sheet in found if sheet.invoice), found[0])
    same = [sheet for sheet in found if sheet.invoice and _same_header(sheet, chosen)] or [chosen]
    table = InvoiceTable(
        path=path,
        format="xlsx",
        header=chosen.header,
        rows=_sheets_rows(path, same),
        size=size,
        row_unit="row",
    )
    if len(same) > 1:
        table.parts = [sheet.name for sheet in same]
    for sheet in found:
        if sheet in same:
            continue
        if sheet.invoice:
            table.unread_parts.append(f"sheet {sheet.name!r} (other columns than sheet {chosen.name!r})")
        elif chosen.invoice:
            table.notes.append(f"sheet {sheet.name!r} was skipped: its first row is not an invoice header")
    if len(workbook.worksheets) > 1:
        table.notes.append("rows were read from sheet(s) " + ", ".join(repr(sheet.name) for sheet in same))
    table._closers.extend([workbook.close, raw.close])
    return table


def _same_header(sheet: _Sheet, other: _Sheet) -> bool:
    return [normalise_header(name) for name in sheet.header] == [normalise_header(name) for name in other.header]


def _sheets_rows(path: str, sheets: list[_Sheet]) -> Iterator[tuple[int, list[Cell]]]:
    if len(sheets) == 1:
        yield from _workbook_rows(path, sheets[0], 0)
        return
    for number, sheet in enumerate(sheets):
        yield from _workbook_rows(path, sheet, number * SHEET_STRIDE)


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


def _workbook_rows(path: str, sheet: _Sheet, offset: int) -> Iterator[tuple[int, list[Cell]]]:
    number = sheet.header_row
    try:
        for number, row in enumerate(sheet.rows, start=sheet.header_row + 1):  # noqa: B007 - used after the loop
            if any(cell not in (None, "") for cell in row):
                yield offset + number, list(row)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        where = f"sheet {sheet.name!r}: " if offset else ""
        raise UnreadableFileError(path, f"{where}the workbook is damaged after this row: {error}", number) from None
