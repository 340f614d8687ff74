"""``prepare``: write canonical files (the country's columns, UTF-8, comma, decimal point, ISO dates).

One pass over each input: batches of rows are checked (which also makes dates and amounts
canonical), redacted and written as they are read.
A supplier found to be a sole trader late in a file may have had rows written before that; those
output files are then rewritten with the name redacted (rare, and cheap on canonical files).
The input files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import hashlib
import io
import operator
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ckanext.openup.procurement.checks import ERROR, CheckedBatch, InvoiceChecker
from ckanext.openup.procurement.errors import InvoiceFileError
from ckanext.openup.procurement.inspection import InspectionReport, Progress, finish_inspection, run_with_progress
from ckanext.openup.procurement.layouts import LAYOUTS, SWEDISH, OutputLayout
from ckanext.openup.procurement.prepared import OUTPUT_ENCODING, PreparedFile, file_sha256
from ckanext.openup.procurement.redaction import (
    SOLE_TRADER_NAME,
    RedactionLog,
    SoleTraderRegister,
    redact_rows,
)
from ckanext.openup.procurement.summary import InvoiceSummary
from ckanext.openup.procurement.tables import open_invoice_table
from ckanext.openup.procurement.totals import TotalsRowFilter
from ckanext.openup.procurement.variants import recognise_header

UNDATED = "undated"


class OutputConflictError(InvoiceFileError):
    """An output file would overwrite an input or another output: a usage error, not bad data."""


@dataclass
class PreparationReport:
    """What ``prepare`` did with one input file."""

    inspection: InspectionReport
    layout: OutputLayout
    files: list[PreparedFile]
    redaction: RedactionLog
    dates_rewritten: int = 0
    amounts_rewritten: int = 0

    @property
    def ok(self) -> bool:
        """No problems left in the output (identity numbers were removed, so they do not count)."""
        return not any(
            finding.severity == ERROR and finding.code != "identity-number" for finding in self.inspection.findings
        )

    @property
    def columns_dropped(self) -> list[str]:
        """The source's columns that are not in the written layout."""
        mapping = self.inspection.mapping
        outside = [mapping.source_name(column) for column in self.layout.left_out if column in mapping.positions]
        return [*mapping.unknown_columns, *mapping.dropped_columns, *outside]

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.inspection.path,
            "ok": self.ok,
            "inspection": self.inspection.as_dict(),
            "changes": {
                "dates_rewritten": self.dates_rewritten,
                "amounts_rewritten": self.amounts_rewritten,
                **self.redaction.as_dict(),
                "columns_dropped": self.columns_dropped,
            },
            "layout": {"name": self.layout.name, "conforms_to": self.layout.conforms_to},
            "outputs": [prepared.as_dict() for prepared in self.files],
        }


def output_stem(source: str | os.PathLike[str]) -> str:
    """The stem used for a source's output files: ``ledger-2024.xlsx`` gives ``ledger-2024``."""
    return Path(source).stem


def check_outputs_free(sources: Iterable[str | os.PathLike[str]], out_dir: str | os.PathLike[str]) -> None:
    """Refuse when two inputs share a name, or the output folder is where an input would be overwritten."""
    seen: dict[str, str] = {}
    out = Path(out_dir)
    for source in sources:
        stem = output_stem(source)
        if stem in seen:
            raise OutputConflictError(
                os.fspath(source), f"has the same name as {seen[stem]}; their prepared files would collide"
            )
        seen[stem] = os.fspath(source)
        if out.exists() and Path(source).resolve().parent == out.resolve() and Path(source).suffix.lower() == ".csv":
            raise OutputConflictError(
                os.fspath(source), "the output folder is the input's own folder; choose another --out folder"
            )


class _CanonicalFile:
    """One output file being written: under ``.partial`` until complete, hashed and counted as it goes."""

    def __init__(self, path: Path, layout: OutputLayout) -> None:
        self.path = path
        self.layout = layout
        # A layout other than spec 1.1 takes some of the spec cells, in its own order.
        self._project = None if layout is SWEDISH else operator.itemgetter(*layout.spec_indexes)
        self.partial = path.with_suffix(".csv.partial")
        self.stream: BinaryIO = open(self.partial, "wb")  # closed in finish() or abandon()
        self.sha256 = hashlib.sha256()
        self.bytes = 0
        self.rows = 0
        self._write_text(layout.header_line + "\n")

    def write(self, rows: Sequence[Sequence[str]]) -> None:
        if self._project is not None:
            rows = list(map(self._project, rows))
        text = "\n".join(map(",".join, rows)) + "\n"
        # Most batches need no quoting at all, which a few counts over the whole text show; csv
        # writes the batches that do (a comma, quote or line end inside a value).
        if (
            text.count(",") != (len(self.layout.columns) - 1) * len(rows)
            or text.count("\n") != len(rows)
            or '"' in text
            or "\r" in text
        ):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows)
            text = buffer.getvalue()
        self._write_text(text)
        self.rows += len(rows)

    def _write_text(self, text: str) -> None:
        data = text.encode(OUTPUT_ENCODING)
        self.stream.write(data)
        self.sha256.update(data)
        self.bytes += len(data)

    def finish(self) -> None:
        self.stream.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        self.stream.close()
        self.partial.unlink(missing_ok=True)


class _MonthWriters:
    """Canonical CSV files opened lazily, one per month (or one for the whole file)."""

    def __init__(self, out_dir: Path, stem: str, by_month: bool, layout: OutputLayout) -> None:
        self.out_dir = out_dir
        self.layout = layout
        self.stem = stem
        self.by_month = by_month
        self.files: dict[str | None, _CanonicalFile] = {}

    def path(self, month: str | None) -> Path:
        return self.out_dir / (f"{self.stem}-{month}.csv" if month else f"{self.stem}.csv")

    def write(self, months: list[str], rows: list[Sequence[str]]) -> None:
        """Write a batch of rows, each to the file of its month (``YYYY-MM`` or ``undated``)."""
        if not self.by_month:
            self._file(None).write(rows)
        elif len(set(months)) == 1:
            self._file(months[0]).write(rows)  # a file sorted by date: most batches are within one month
        else:
            by_month: dict[str, list[Sequence[str]]] = {}
            for month, row in zip(months, rows, strict=True):
                by_month.setdefault(month, []).append(row)
            for month, month_rows in by_month.items():
                self._file(month).write(month_rows)

    def _file(self, key: str | None) -> _CanonicalFile:
        file = self.files.get(key)
        if file is None:
            file = self.files[key] = _CanonicalFile(self.path(key), self.layout)
        return file

    def describe(self, key: str | None, source: str, summary: InvoiceSummary, rewritten: bool) -> PreparedFile:
        """The manifest entry of a finished file, from what was counted while writing it."""
        file = self.files[key]
        # The period comes from the checked rows' dates: those of the file's month, or all.
        dates = [] if key == UNDATED else summary.dates(key if self.by_month else None)
        return PreparedFile(
            path=os.fspath(file.path),
            source=source,
            month=key if self.by_month else None,
            rows=file.rows,
            period_start=min(dates).isoformat() if dates else None,
            period_end=max(dates).isoformat() if dates else None,
            bytes=file.path.stat().st_size if rewritten else file.bytes,
            sha256=file_sha256(file.path) if rewritten else file.sha256.hexdigest(),
            conforms_to=self.layout.conforms_to,
        )

    def finish(self) -> list[tuple[str | None, Path]]:
        """Close every file and move it into place."""
        done = []
        for key, file in sorted(self.files.items(), key=lambda item: item[0] or ""):
            file.finish()
            done.append((key, file.path))
        return done

    def abandon(self) -> None:
        for file in self.files.values():
            file.abandon()


def prepare_invoice_file(
    source: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    by_month: bool = False,
    progress: Progress | None = None,
) -> PreparationReport:
    """Write the canonical file(s) for ``source`` into ``out_dir`` and report what changed."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with open_invoice_table(source) as table:
        mapping = recognise_header(table.path, table.header)
        checker = InvoiceChecker(mapping)
        country = mapping.variant.country
        layout = LAYOUTS[country]
        writers = _MonthWriters(out, output_stem(source), by_month, layout)
        log = RedactionLog()
        rewrites = {"dates": 0, "amounts": 0}
        sole_traders = SoleTraderRegister()
        totals = TotalsRowFilter(mapping)
        try:
            batches = checker.check_batches(totals.rows(table.rows), all_text=table.format == "csv")
            for batch in run_with_progress(table, batches, progress):
                rewrites["dates"] += batch.dates_rewritten
                rewrites["amounts"] += batch.amounts_rewritten
                redact_rows(batch.rows, batch.identity_numbers, country, sole_traders, log)
                writers.write(_months(batch) if by_month else [], batch.rows)
        except BaseException:
            writers.abandon()
            raise
        written = writers.finish()
        redacted_again = _redact_late_sole_traders(written, sole_traders.late_names, layout, country)
        inspection = finish_inspection(table, mapping, checker, totals)
    files = [writers.describe(month, table.path, checker.summary, path in redacted_again) for month, path in written]
    return PreparationReport(inspection, layout, files, log, rewrites["dates"], rewrites["amounts"])


def _months(batch: CheckedBatch) -> list[str]:
    """Each row's month (``YYYY-MM``), or ``undated`` when its date could not be read."""
    # A batch has a few distinct dates: name each one's month once.
    month_of = {date: date.isoformat()[:7] if date else UNDATED for date in set(batch.dates)}
    return list(map(month_of.__getitem__, batch.dates))


def _redact_late_sole_traders(
    written: list[tuple[str | None, Path]], late: set[str], layout: OutputLayout, country: str
) -> set[Path]:
    """Rewrite the files whose rows were written before their supplier was known to be a sole trader."""
    if not late:
        return set()
    supplier, supplier_id = layout.position("leverantor"), layout.position("leverantor_id")
    for _month, path in written:
        partial = path.with_suffix(".csv.redacting")
        with (
            open(path, encoding=OUTPUT_ENCODING, newline="") as src,
            open(partial, "w", encoding=OUTPUT_ENCODING, newline="") as dst,
        ):
            writer = csv.writer(dst, lineterminator="\n")
            rows = csv.reader(src)
            writer.writerow(next(rows))  # the header
            for row in rows:
                if row[supplier] in late:
                    row[supplier] = SOLE_TRADER_NAME[country]
                    row[supplier_id] = ""
                writer.writerow(row)
        os.replace(partial, path)
    return {path for _month, path in written}
