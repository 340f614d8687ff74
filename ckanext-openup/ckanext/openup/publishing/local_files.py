"""The files to publish: prepared (canonical) monthly files, described by prepare's manifest.

Only ``openup prepare`` output is accepted: its header, encoding and quoting are known, so the checks
here stay small. A raw finance export is refused with the command that turns it into one.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

# Messages in the publisher's language: publishing/ serves the `openup` command only.
from ckanext.openup.cli.language import _
from ckanext.openup.procurement.layouts import layout_for_header
from ckanext.openup.procurement.prepared import (
    MANIFEST_NAME,
    OUTPUT_ENCODING,
    PreparedFile,
    describe_prepared_file,
    file_sha256,
    read_manifest,
)
from ckanext.openup.publishing.errors import NotPreparedError, UsageProblem


@dataclass(frozen=True)
class MonthlyFile:
    """One prepared file that becomes one monthly resource."""

    path: str
    month: str
    rows: int
    period_start: str | None
    period_end: str | None
    bytes: int
    sha256: str
    conforms_to: str
    media_type: str

    @property
    def file_name(self) -> str:
        return os.path.basename(self.path)


def collect_monthly_files(paths: list[str], year: int) -> list[MonthlyFile]:
    """The monthly files named by ``paths`` (files, or folders holding a prepare manifest), by month.

    Raises NotPreparedError for a file that is not prepare output and UsageProblem for a file that
    covers several months, another year, or the same month as another file.
    """
    files: list[MonthlyFile] = []
    for path in paths:
        if os.path.isdir(path):
            if not (Path(path) / MANIFEST_NAME).exists():
                raise NotPreparedError(
                    _("{path}: no {manifest} in this folder").format(path=path, manifest=MANIFEST_NAME),
                    [_("Run `openup prepare SOURCE --out {path} --by-month` first.").format(path=path)],
                )
            files += [_monthly_file(entry.path, year) for entry in _manifest_entries(path)]
        else:
            files.append(_monthly_file(path, year))
    by_month: dict[str, MonthlyFile] = {}
    for monthly in files:
        earlier = by_month.get(monthly.month)
        if earlier and os.path.abspath(earlier.path) != os.path.abspath(monthly.path):
            raise UsageProblem(_("{path} and {other} both cover {month}: give one file per month").format(
                path=monthly.path, other=earlier.path, month=monthly.month))
        by_month[monthly.month] = monthly
    return [by_month[month] for month in sorted(by_month)]


def _monthly_file(path: str, year: int) -> MonthlyFile:
    _require_canonical(path)
    try:
        prepared = _described(path)
    except (UnicodeDecodeError, csv.Error) as error:
        raise NotPreparedError(_("{path}: not readable as a prepared file ({error})").format(
            path=path, error=error)) from None
    month = prepared.month or _single_month(prepared)
    if not month or month == "undated":
        raise UsageProblem(_("{path}: its rows have no valid dates, so it belongs to no month; fix them, prepare again")
                           .format(path=path))
    if not month.startswith(f"{year}-"):
        raise UsageProblem(_("{path}: covers {month}, not the year {year} given with --year").format(
            path=path, month=month, year=year))
    return MonthlyFile(
        path=path,
        month=month,
        rows=prepared.rows,
        period_start=prepared.period_start,
        period_end=prepared.period_end,
        bytes=prepared.bytes,
        sha256=prepared.sha256,
        conforms_to=prepared.conforms_to,
        media_type=prepared.media_type,
    )


def _require_canonical(path: str) -> None:
    try:
        with open(path, encoding=OUTPUT_ENCODING, newline="") as stream:
            header = stream.readline().rstrip("\r\n")
    except UnicodeDecodeError:
        header = None
    except OSError as error:
        raise UsageProblem(f"{path}: {error.strerror or error}") from None
    if header is None or layout_for_header(header) is None:
        raise NotPreparedError(
            _("{path}: not a prepared file (the header is not the columns prepare writes, in UTF-8)").format(path=path),
            [_("Run `openup prepare {path} --out prepared/ --by-month` first, then publish the files in prepared/.")
             .format(path=path)],
        )


def _described(path: str) -> PreparedFile:
    """The manifest's entry when it still matches the file on disk, else the file read again."""
    folder = os.path.dirname(os.path.abspath(path))
    for entry in _manifest_entries(folder, quiet=True):
        if os.path.abspath(entry.path) == os.path.abspath(path):
            # A file edited after prepare no longer matches its entry: trust the bytes, not the manifest.
            if entry.bytes == os.path.getsize(path) and entry.sha256 == file_sha256(path):
                return entry
            break
    return describe_prepared_file(path)


def _manifest_entries(folder: str, quiet: bool = False) -> list[PreparedFile]:
    if not (Path(folder) / MANIFEST_NAME).exists():
        return []
    try:
        return read_manifest(folder)
    except (ValueError, KeyError, TypeError, OSError):
        if quiet:
            return []
        raise UsageProblem(_("{path}: not a manifest written by `openup prepare`").format(
            path=Path(folder) / MANIFEST_NAME)) from None


def _single_month(prepared: PreparedFile) -> str | None:
    start, end = prepared.period_start, prepared.period_end
    if not start or not end:
        return None
    if start[:7] != end[:7]:
        raise UsageProblem(
            _("{path}: covers {start} to {end}, more than one month").format(path=prepared.path, start=start, end=end),
            [_("Publish one file per month: `openup prepare SOURCE --out DIR --by-month` writes them.")],
        )
    return start[:7]
