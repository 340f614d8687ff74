"""Recognise what kind of file we were given before reading it: format, encoding, delimiter, line ends.

Everything here looks only at the first bytes or the first line, so a 20 MB yearly file costs the
same to sniff as a small one.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ckanext.openup.procurement.errors import UnreadableFileError

SAMPLE_SIZE = 64 * 1024
SAVE_AS_UTF8 = "Open the file and save the file as UTF-8 (in Excel: 'CSV UTF-8'), then run again."
_LINE_END = re.compile(rb"\r\n|\n|\r")
DELIMITERS = (",", ";", "\t")
# UTF-8 once read as CP1252 and saved as UTF-8 again: "Ã¶" for "ö", "Ã¥" for "å".
_DOUBLE_ENCODED = re.compile("\u00c3[\u0080-\u00bf\u201e\u2026\u00a5\u00a4\u00b6\u2013]")
# Magic numbers of things people attach by mistake; named so the message can say what it is.
_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel/Word file (.xls/.doc); save it as XLSX or CSV",
    b"\x1f\x8b": "a gzip archive; unpack it first",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


@dataclass(frozen=True)
class FileKind:
    """What the first bytes of a file say: ``format`` is csv, xlsx or json."""

    format: str
    encoding: str | None = None
    line_ending: str | None = None
    double_encoded: bool = False


def sniff_kind(path: str, sample: bytes) -> FileKind:
    """Decide format and encoding from the first bytes of ``path``; raise for empty or binary files."""
    if not sample.strip(b" \t\r\n\x00"):
        raise UnreadableFileError(path, "the file is empty")
    if sample.startswith(b"PK\x03\x04"):
        return FileKind("xlsx")
    for magic, what in _BINARY_MAGIC.items():
        if sample.startswith(magic):
            raise UnreadableFileError(path, f"this is {what}, not an invoice file (CSV, XLSX or JSON)")
    encoding = _sniff_encoding(path, sample)
    text = _decode_sample(path, sample, encoding)
    if _looks_binary(text):
        raise UnreadableFileError(path, "this looks like a binary file, not text, XLSX or JSON")
    stripped = text.lstrip("\ufeff \t\r\n")
    file_format = "json" if stripped[:1] in ("{", "[") else "csv"
    return FileKind(file_format, encoding, _sniff_line_ending(text), bool(_DOUBLE_ENCODED.search(text)))


def _sniff_encoding(path: str, sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = sample[:200]
    if b"\x00" in head:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        if head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
            return "utf-16-le"
        if head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
            return "utf-16-be"
        raise UnreadableFileError(path, "this looks like a binary file, not text, XLSX or JSON")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # final=False: the sample may end in the middle of a multi-byte character.
        decoder.decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        _refuse_mixed_encodings(path, sample)
        return "cp1252"


def _refuse_mixed_encodings(path: str, sample: bytes) -> None:
    """Raise when some lines of the sample are UTF-8 and others are not (lines pasted from elsewhere)."""
    utf8_lines: list[int] = []
    other_lines: list[int] = []
    # The last line may be cut by the end of the sample: leave it out.
    for number, line in enumerate(_LINE_END.split(sample)[:-1], start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines.append(number)
        except UnicodeDecodeError:
            other_lines.append(number)
    if not (utf8_lines and other_lines):
        return
    # The fewer lines are the odd ones: name the first of them.
    if len(other_lines) <= len(utf8_lines):
        odd = "this line is not UTF-8 like the other lines (it looks like Windows-1252)"
        line = other_lines[0]
    else:
        odd = "this line is UTF-8 but the other lines are Windows-1252"
        line = utf8_lines[0]
    raise UnreadableFileError(path, f"the file mixes encodings: {odd}. {SAVE_AS_UTF8}", line)


def _decode_sample(path: str, sample: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError as error:
        line = sample[: error.start].count(b"\n") + 1
        raise UnreadableFileError(
            path, f"cannot decode the text as {encoding} (byte {error.start}); is it really a text file?", line
        ) from None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for char in text[:4096] if char < " " and char not in "\t\r\n\x0c")
    return controls > max(2, len(text[:4096]) // 100)


def _sniff_line_ending(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    counts = {"CRLF": crlf, "CR": cr, "LF": lf}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else "none"


def sniff_delimiter(header_line: str) -> str:
    """The delimiter used in a header line: the most frequent of ``,`` ``;`` TAB outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","
