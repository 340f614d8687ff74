"""The XLSX limits refuse zip bombs and endless rows, and never an ordinary workbook."""

from __future__ import annotations

import zipfile

import pytest

from ckanext.openup.procurement.errors import UnreadableFileError
from ckanext.openup.procurement.workbook_limits import MAX_ROW_BYTES, SCAN_CHUNK, check_workbook_limits


def _workbook(path, sheet: bytes, level: int = 6):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def _rows(count: int, width: int) -> bytes:
    # Varied digits, so the sheet packs like an ordinary one rather than like a bomb.
    return b"".join(b'<row r="%d"><c><v>%0*d</v></c></row>' % (n, width, n * 7919 % 10**width) for n in range(1, count))


def test_sheet_of_many_ordinary_rows_across_scan_chunks_is_accepted(tmp_path):
    sheet = b"<worksheet><sheetData>" + _rows(300_000, 12) + b"</sheetData></worksheet>"
    assert len(sheet) > 2 * SCAN_CHUNK  # row tags are cut by chunk ends somewhere
    check_workbook_limits(str(_workbook(tmp_path / "ordinary.xlsx", sheet)))


def test_namespaced_rows_are_rows(tmp_path):
    rows = b"".join(b'<x:row r="%d"><x:c><x:v>%d</x:v></x:c></x:row>' % (n, n * 7919) for n in range(1, 200_000))
    sheet = b"<x:worksheet><x:sheetData>" + rows + b"</x:sheetData></x:worksheet>"
    check_workbook_limits(str(_workbook(tmp_path / "prefixed.xlsx", sheet)))


def test_row_longer_than_the_limit_is_named_by_its_number(tmp_path):
    cells = b"".join(b"<c><v>%d</v></c>" % (n * 7919) for n in range(MAX_ROW_BYTES // 10))
    long_row = b'<row r="3">' + cells + b"</row>"
    sheet = b"<worksheet><sheetData>" + _rows(3, 6) + long_row + b"</sheetData></worksheet>"
    with pytest.raises(UnreadableFileError) as raised:
        check_workbook_limits(str(_workbook(tmp_path / "long.xlsx", sheet)))
    assert raised.value.line == 3
    assert raised.value.describe().startswith(f"{tmp_path / 'long.xlsx'}, row 3: the row is longer than")


def test_highly_packed_part_is_refused_by_its_ratio(tmp_path):
    sheet = b"<worksheet><sheetData>" + b"<row/>" * 2_000_000 + b"</sheetData></worksheet>"
    with pytest.raises(UnreadableFileError, match="fold"):
        check_workbook_limits(str(_workbook(tmp_path / "packed.xlsx", sheet, level=9)))
