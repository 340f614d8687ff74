"""``inspect``: read one invoice file, recognise its layout, check every row and summarise it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ckanext.openup.procurement.checks import ERROR, CheckedBatch, Finding, InvoiceChecker
from ckanext.openup.procurement.summary import InvoiceSummary
from ckanext.openup.procurement.tables import InvoiceTable, open_invoice_table
from ckanext.openup.procurement.totals import TotalsRowFilter
from ckanext.openup.procurement.variants import ColumnMapping, recognise_header

# Called with (bytes read, file size) after each batch of rows.
Progress = Callable[[int, int], None]


@dataclass
class InspectionReport:
    """What ``inspect`` found in one file; ``as_dict`` is the ``--json`` form."""

    path: str
    layout: dict[str, object]
    layout_text: str
    mapping: ColumnMapping
    summary: InvoiceSummary
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    # Rows read but not counted (a trailing totals row): where, why and their amount.
    left_out_rows: list[dict[str, object]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(finding.severity == ERROR for finding in self.findings)

    def as_dict(self) -> dict[str, object]:
        variant = self.mapping.variant
        return {
            "file": self.path,
            "ok": self.ok,
            "layout": self.layout,
            "variant": {"name": variant.name, "title": variant.title},
            "columns": {column: self.mapping.source_name(column) for column in self.mapping.positions},
            "unknown_columns": list(self.mapping.unknown_columns),
            "dropped_columns": list(self.mapping.dropped_columns),
            "summary": self.summary.as_dict(),
            "findings": [finding.as_dict() for finding in self.findings],
            "notes": self.notes,
            "left_out_rows": self.left_out_rows,
        }


def _finding_order(finding: Finding) -> tuple[bool, int, str]:
    """Errors first, then by the first line where each was found."""
    first_line = finding.examples[0]["line"] if finding.examples else 0
    return (finding.severity != ERROR, int(str(first_line)), finding.code)


def table_layout(table: InvoiceTable) -> dict[str, object]:
    """Format, encoding, delimiter and line ending of an opened file, JSON-ready."""
    return {
        "format": table.format,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "line_ending": table.line_ending,
        "bytes": table.size,
        "row_unit": table.row_unit,
    }


def run_with_progress(
    table: InvoiceTable, batches: Iterator[CheckedBatch], progress: Progress | None
) -> Iterator[CheckedBatch]:
    """Wrap an iterator of checked batches so ``progress`` hears about bytes read after each."""
    if progress is None:
        return batches
    return _counted(table, batches, progress)


def _counted(table: InvoiceTable, batches: Iterator[CheckedBatch], progress: Progress) -> Iterator[CheckedBatch]:
    for batch in batches:
        progress(table.bytes_read(), table.size)
        yield batch
    progress(table.size, table.size)


def inspect_invoice_file(path: str | os.PathLike[str], progress: Progress | None = None) -> InspectionReport:
    """Read and check every row of ``path``; raise :class:`InvoiceFileError` if it cannot be read at all."""
    with open_invoice_table(path) as table:
        mapping = recognise_header(table.path, table.header)
        checker = InvoiceChecker(mapping)
        totals = TotalsRowFilter(mapping)
        batches = checker.check_batches(totals.rows(table.rows), all_text=table.format == "csv")
        for _batch in run_with_progress(table, batches, progress):
            pass
        return finish_inspection(table, mapping, checker, totals)


def finish_inspection(
    table: InvoiceTable, mapping: ColumnMapping, checker: InvoiceChecker, totals: TotalsRowFilter | None = None
) -> InspectionReport:
    """The report of a file whose rows have all been through ``checker`` (and ``totals``, which left one out)."""
    note = totals.note(table, checker.summary.total_amount) if totals else None
    if note:
        table.notes.append(note)
    if checker.summary.rows == 0:
        checker.report(ERROR, "no-rows", "", None, "the file has a header but no rows")
    if table.unread_parts:
        verb = "holds" if len(table.unread_parts) == 1 else "hold"
        message = (
            f"{' and '.join(table.unread_parts)} also {verb} invoice rows, which were not read; give every "
            "sheet the same columns, or save each sheet as a file of its own, and run again"
        )
        checker.report(ERROR, "unread-rows", "", None, message)
    findings = sorted(checker.findings.values(), key=_finding_order)
    if table.parts:
        for finding in findings:
            finding.examples = [{**example, **table.locate(int(example["line"]))} for example in finding.examples]
    return InspectionReport(
        path=table.path,
        layout=table_layout(table),
        layout_text=table.describe_layout(),
        mapping=mapping,
        summary=checker.summary,
        findings=findings,
        notes=table.notes,
        left_out_rows=totals.left_out(table) if totals else [],
    )
