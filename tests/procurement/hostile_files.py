"""Hostile invoice files, made quickly in a test's folder: an endless line and an XLSX zip bomb.

The zip bomb's sheet is built from independent deflate pieces (each ended by a full flush), so a
1.5 GB sheet costs one compression of a 16 MB block; the zip around it is written by hand, since
:mod:`zipfile` cannot store data compressed elsewhere.
"""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

HEADER = (
    "kopare_id,kopare,verifikationsnummer,leverantor,leverantor_id,konto_nr,konto_text,datum,"
    "forvaltning,fakturanummer,belopp,grund,avtal,kommun_id,s_kod_nr"
)
MB = 1024 * 1024


def write_single_line_csv(path: Path, line_bytes: int) -> Path:
    """An invoice header, then one line of ``line_bytes`` bytes without a line end (a missing quote, say)."""
    block = b"x" * MB
    with open(path, "wb") as stream:
        stream.write(HEADER.encode() + b"\n2120001355,\"")
        for _ in range(line_bytes // MB):
            stream.write(block)
    return path


def write_single_record_json(path: Path, record_bytes: int) -> Path:
    """An EntryScape export whose first result holds a string of ``record_bytes`` bytes that never ends."""
    block = b"x" * MB
    with open(path, "wb") as stream:
        stream.write(b'{"resultCount": 1, "results": [{"kopare": "')
        for _ in range(record_bytes // MB):
            stream.write(block)
    return path


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Fakturor" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)


def _inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return f'<row r="{number}">{cells}</row>'


def _piece(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def write_xlsx_bomb(path: Path, unpacked_bytes: int, shape: str = "one-row") -> Path:
    """An XLSX whose sheet unpacks to about ``unpacked_bytes`` of one kind (``shape``).

    ``one-row``: one endless row of the same cell (a zip bomb); ``numbers``: one endless row of
    varied numbers, which packs only about threefold like ordinary sheets; ``empty-rows``: millions of
    empty rows.
    """
    one_row = shape != "empty-rows"
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + _inline_row(1, HEADER.split(","))
        + ('<row r="2">' if one_row else "")
    ).encode()
    tail = (("</row>" if one_row else "") + "</sheetData></worksheet>").encode()
    if shape == "numbers":
        numbers = random.Random(2024)
        block = b"".join(b"<c><v>%d</v></c>" % numbers.randrange(10**9) for _ in range(16 * MB // 20))
    else:
        unit = b'<c t="inlineStr"><is><t>x</t></is></c>' if one_row else b"<row/>"
        block = unit * (16 * MB // len(unit))
    repeats = max(1, (unpacked_bytes - len(head) - len(tail)) // len(block))
    block_piece = _piece(block)
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    sheet = (_piece(head), [block_piece] * repeats, _piece(tail) + b"\x03\x00")
    sheet_size = len(head) + len(block) * repeats + len(tail)
    members = [
        ("[Content_Types].xml", _CONTENT_TYPES.encode()),
        ("_rels/.rels", _ROOT_RELS.encode()),
        ("xl/workbook.xml", _WORKBOOK.encode()),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()),
    ]
    with open(path, "wb") as stream:
        central = []
        for name, data in members:
            compressed = _piece(data) + b"\x03\x00"
            central.append(_write_member(stream, name, [compressed], zlib.crc32(data), len(data)))
        pieces = [sheet[0], *sheet[1], sheet[2]]
        central.append(_write_member(stream, "xl/worksheets/sheet1.xml", pieces, crc, sheet_size))
        start = stream.tell()
        for entry in central:
            stream.write(entry)
        size = stream.tell() - start
        stream.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0))
    return path


def _write_member(stream, name: str, pieces: list[bytes], crc: int, size: int) -> bytes:
    """Write a deflated member's local header and data; return its central directory entry."""
    offset = stream.tell()
    compressed = sum(map(len, pieces))
    encoded = name.encode()
    fields = (20, 0, 8, 0, 0x21, crc, compressed, size, len(encoded))
    stream.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded)
    for piece in pieces:
        stream.write(piece)
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
