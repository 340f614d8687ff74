"""Prepared (canonical) invoice files and the manifest that lists them.

``openup prepare`` writes these and ``openup publish`` uploads them: a manifest entry carries
everything a CKAN resource needs (period covered, rows, byte size, sha256) so publish does not
have to read the files again.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ckanext.openup.procurement.layouts import SWEDISH, layout_for_header
from ckanext.openup.procurement.values import parse_date
from ckanext.openup.procurement.variants import SPEC_URI

MANIFEST_NAME = "openup-manifest.json"
OUTPUT_ENCODING = "utf-8"


@dataclass(frozen=True)
class PreparedFile:
    """One canonical file: where it is, what it covers and its checksum."""

    path: str
    source: str
    month: str | None
    rows: int
    period_start: str | None
    period_end: str | None
    bytes: int
    sha256: str
    conforms_to: str = SPEC_URI
    media_type: str = "text/csv"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def describe_prepared_file(path: str | os.PathLike[str], source: str = "", month: str | None = None) -> PreparedFile:
    """Read a canonical file back and describe it: rows, period covered, byte size and sha256."""
    rows = 0
    first: datetime.date | None = None
    last: datetime.date | None = None
    with open(path, encoding=OUTPUT_ENCODING, newline="") as stream:
        layout = layout_for_header(stream.readline().rstrip("\r\n")) or SWEDISH
        date_index = layout.position("datum")
        reader = csv.reader(stream)
        for row in reader:
            rows += 1
            date = parse_date(row[date_index]) if len(row) > date_index else None
            if date is not None:
                first = date if first is None or date < first else first
                last = date if last is None or date > last else last
    return PreparedFile(
        path=os.fspath(path),
        source=source,
        month=month,
        rows=rows,
        period_start=first.isoformat() if first else None,
        period_end=last.isoformat() if last else None,
        bytes=os.path.getsize(path),
        sha256=file_sha256(path),
        conforms_to=layout.conforms_to,
    )


def write_manifest(out_dir: str | os.PathLike[str], files: list[PreparedFile]) -> Path:
    """Write (replace) the manifest listing ``files`` in ``out_dir``; paths are stored relative to it."""
    out = Path(out_dir)
    entries = []
    for prepared in files:
        entry = prepared.as_dict()
        entry["path"] = os.path.relpath(prepared.path, out)
        entries.append(entry)
    manifest = out / MANIFEST_NAME
    manifest.write_text(json.dumps({"files": entries}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def read_manifest(out_dir: str | os.PathLike[str]) -> list[PreparedFile]:
    """The prepared files listed in ``out_dir``'s manifest, with absolute paths."""
    out = Path(out_dir)
    data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    return [PreparedFile(**{**entry, "path": str(out / entry["path"])}) for entry in data["files"]]
