"""``prepare``: write canonical files (spec 1.1 columns, UTF-8, comma, decimal point, ISO dates).

One pass over each input: rows are checked, normalised, redacted and written as they are read.
A supplier found to be a sole trader late in a file may have had rows written before that; those
output files are then rewritten with the name redacted (rare, and cheap on canonical files).
The input files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ckanext.openup.procurement.checks import ERROR, CheckedRow, InvoiceChecker
from ckanext.openup.procurement.errors import InvoiceFileError
from ckanext.openup.procurement.inspection import InspectionReport, Progress, finish_inspection, run_with_progress
from ckanext.openup.procurement.prepared import OUTPUT_ENCODING, PreparedFile, file_sha256
from ckanext.openup.procurement.redaction import (
    SOLE_TRADER_NAME,
    SUPPLIER,
    SUPPLIER_ID,
    RedactionLog,
    SoleTraderRegister,
    redact_row,
)
from ckanext.openup.procurement.summary import InvoiceSummary
from ckanext.openup.procurement.tables import open_invoice_table
from ckanext.openup.procurement.values import format_amount, format_date
from ckanext.openup.procurement.variants import SPEC_COLUMNS, recognise_header

_DATE = SPEC_COLUMNS.index("datum")
_AMOUNT = SPEC_COLUMNS.index("belopp")
UNDATED = "undated"
CELLS_PER_ROW = len(SPEC_COLUMNS)
FLUSH_EVERY_ROWS = 2000


class OutputConflictError(InvoiceFileError):
    """An output file would overwrite an input or another output: a usage error, not bad data."""


@dataclass
class PreparationReport:
    """What ``prepare`` did with one input file."""

    inspection: InspectionReport
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

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.inspection.path,
            "ok": self.ok,
            "inspection": self.inspection.as_dict(),
            "changes": {
                "dates_rewritten": self.dates_rewritten,
                "amounts_rewritten": self.amounts_rewritten,
                **self.redaction.as_dict(),
                "columns_dropped": list(
                    self.inspection.mapping.unknown_columns + self.inspection.mapping.dropped_columns
                ),
            },
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


class _MonthWriters:
    """Open canonical CSV writers lazily, one per month (or one for the whole file)."""

    def __init__(self, out_dir: Path, stem: str, by_month: bool) -> None:
        self.out_dir = out_dir
        self.stem = stem
        self.by_month = by_month
        self.streams: dict[str | None, TextIO] = {}
        self.pending: dict[str | None, list[list[str]]] = {}
        self.rows: Counter[str | None] = Counter()

    def path(self, month: str | None) -> Path:
        return self.out_dir / (f"{self.stem}-{month}.csv" if month else f"{self.stem}.csv")

    def write(self, month: str | None, cells: list[str]) -> None:
        key = month if self.by_month else None
        batch = self.pending.get(key)
        if batch is None:
            self._open(key)
            batch = self.pending[key]
        batch.append(cells)
        if len(batch) >= FLUSH_EVERY_ROWS:
            self._flush(key)

    def _open(self, key: str | None) -> None:
        stream = open(self._partial(key), "w", encoding=OUTPUT_ENCODING, newline="")  # closed in finish() or abandon()
        self.streams[key] = stream
        stream.write(",".join(SPEC_COLUMNS) + "\n")
        self.pending[key] = []

    def _flush(self, key: str | None) -> None:
        batch = self.pending[key]
        if not batch:
            return
        text = "\n".join([",".join(cells) for cells in batch]) + "\n"
        # Most batches need no quoting at all, which a few counts over the whole text show; csv
        # writes the batches that do (a comma, quote or line end inside a value).
        if (
            text.count(",") != (CELLS_PER_ROW - 1) * len(batch)
            or text.count("\n") != len(batch)
            or '"' in text
            or "\r" in text
        ):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(batch)
            text = buffer.getvalue()
        self.streams[key].write(text)
        self.rows[key] += len(batch)
        batch.clear()

    def describe(self, key: str | None, path: Path, source: str, summary: InvoiceSummary) -> PreparedFile:
        """The manifest entry of a finished file, from what was counted while writing it."""
        # The period comes from the checked rows' dates: those of the file's month, or all.
        dates = [] if key == UNDATED else summary.dates(key if self.by_month else None)
        return PreparedFile(
            path=os.fspath(path),
            source=source,
            month=key if self.by_month else None,
            rows=self.rows[key],
            period_start=min(dates).isoformat() if dates else None,
            period_end=max(dates).isoformat() if dates else None,
            bytes=path.stat().st_size,
            sha256=file_sha256(path),
        )

    def _partial(self, key: str | None) -> Path:
        return self.path(key).with_suffix(".csv.partial")

    def finish(self) -> list[tuple[str | None, Path]]:
        """Close every file and move it into place; written under ``.partial`` until complete."""
        done = []
        for key, stream in sorted(self.streams.items(), key=lambda item: item[0] or ""):
            self._flush(key)
            stream.close()
            os.replace(self._partial(key), self.path(key))
            done.append((key, self.path(key)))
        return done

    def abandon(self) -> None:
        for key, stream in self.streams.items():
            stream.close()
            self._partial(key).unlink(missing_ok=True)


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
        writers = _MonthWriters(out, output_stem(source), by_month)
        log = RedactionLog()
        report_counts = {"dates": 0, "amounts": 0}
        sole_traders = SoleTraderRegister()
        try:
            rows = checker.check_rows(table.rows, all_text=table.format == "csv")
            for row in run_with_progress(table, rows, progress):
                month = _normalise(row, report_counts)
                redact_row(row.cells, row.identity_numbers, country, sole_traders, log)
                writers.write(month, row.cells)
        except BaseException:
            writers.abandon()
            raise
        written = writers.finish()
        _redact_late_sole_traders(written, sole_traders.late_names, country)
        inspection = finish_inspection(table, mapping, checker)
    files = [writers.describe(month, path, table.path, checker.summary) for month, path in written]
    return PreparationReport(inspection, files, log, report_counts["dates"], report_counts["amounts"])


def _normalise(row: CheckedRow, counts: dict[str, int]) -> str | None:
    """ISO date and decimal-point amount in place; returns the row's month (``YYYY-MM``) or ``undated``."""
    cells = row.cells
    text = cells[_DATE]
    # A date that parsed and looks like YYYY-MM-DD is already canonical.
    if row.date is not None and not (len(text) == 10 and text[4] == "-" and text[7] == "-"):
        cells[_DATE] = format_date(row.date)
        counts["dates"] += 1
    if row.amount is not None:
        canonical = format_amount(row.amount)
        if cells[_AMOUNT] != canonical:
            cells[_AMOUNT] = canonical
            counts["amounts"] += 1
    return cells[_DATE][:7] if row.date is not None else UNDATED


def _redact_late_sole_traders(written: list[tuple[str | None, Path]], late: set[str], country: str) -> None:
    # Rows written before their supplier was known to be a sole trader still carry the name.
    if not late:
        return
    for _month, path in written:
        partial = path.with_suffix(".csv.redacting")
        with (
            open(path, encoding=OUTPUT_ENCODING, newline="") as src,
            open(partial, "w", encoding=OUTPUT_ENCODING, newline="") as dst,
        ):
            writer = csv.writer(dst, lineterminator="\n")
            for row in csv.reader(src):
                if len(row) > SUPPLIER_ID and row[SUPPLIER] in late:
                    row[SUPPLIER] = SOLE_TRADER_NAME[country]
                    row[SUPPLIER_ID] = ""
                writer.writerow(row)
        os.replace(partial, path)
