"""Shared by ``inspect`` and ``prepare``: progress bars, plain-language reports and error handling."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator

import click

from ckanext.openup.procurement.checks import ERROR, Finding
from ckanext.openup.procurement.errors import InvoiceFileError
from ckanext.openup.procurement.inspection import InspectionReport

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
# Files this large get a progress bar even when stderr is not a terminal (e.g. in a CI log).
LONG_FILE_BYTES = 50 * 1024 * 1024


@contextlib.contextmanager
def progress_bar(path: str, verb: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing a bar on stderr, or None when no bar should be shown."""
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    if not (sys.stderr.isatty() or size >= LONG_FILE_BYTES) or size == 0:
        yield None
        return
    with click.progressbar(length=size, label=f"{verb} {os.path.basename(path)}", file=sys.stderr) as bar:
        done = 0

        def update(read: int, total: int) -> None:
            nonlocal done
            step = min(read, total) - done
            if step > 0:
                bar.update(step)
                done += step

        yield update


def describe_unexpected(path: str, error: Exception) -> str:
    """An error we did not foresee, said without a traceback but with enough to report it."""
    return f"{path}: could not be read ({type(error).__name__}: {error}). Please report this with the file."


def read_safely(path: str, work: Callable[[], object]) -> tuple[object | None, str | None]:
    """Run ``work``; return its result, or a plain message instead of any exception."""
    try:
        return work(), None
    except InvoiceFileError as error:
        return None, error.describe()
    except MemoryError:
        return None, f"{path}: too large to read with the memory available"
    except OSError as error:
        return None, f"{path}: {error.strerror or error}"
    except Exception as error:  # noqa: BLE001 - bad input must never end in a traceback
        return None, describe_unexpected(path, error)


def _number(value: object) -> str:
    return f"{value:,}".replace(",", " ")


def _where(unit: str, example: dict[str, object]) -> str:
    """``line 12``, or ``sheet 'Mars' row 12`` in a workbook read from several sheets."""
    if "sheet" in example:
        return f"sheet {example['sheet']!r} row {example['line']}"
    return f"{unit} {example['line']}".strip()


def _finding_lines(report: InspectionReport, finding: Finding) -> list[str]:
    unit = report.layout.get("row_unit", "line")
    label = "error" if finding.severity == ERROR else "warning"
    column = f", column {finding.column!r}" if finding.column else ""
    if not finding.examples:
        return [f"  {label}: {report.path}{column}: {finding.message}"]
    first = finding.examples[0]
    value = f" (found {first['value']!r})" if first["value"] else ""
    lines = [f"  {label}: {report.path}, {_where(unit, first)}{column}: {finding.message}{value}"]
    if finding.count > 1:
        others = ", ".join(_where("", example) for example in finding.examples[1:])
        also = f"; also {unit}s {others}" if others else ""
        lines.append(f"         {_number(finding.count)} {unit}s in all{also}")
    return lines


def render_inspection(report: InspectionReport, with_result: bool = True) -> str:
    """The human report of one inspected file; ``with_result`` adds the closing verdict line."""
    summary = report.summary
    mapping = report.mapping
    lines = [
        report.path,
        f"  layout:   {report.layout_text}",
        f"  format:   {mapping.variant.title}",
        "  columns:  "
        + ", ".join(
            column if mapping.source_name(column) == column else f"{column} ← {mapping.source_name(column)!r}"
            for column in mapping.positions
        ),
    ]
    if mapping.unknown_columns:
        lines.append("  unknown columns (left out of prepared files): " + ", ".join(map(repr, mapping.unknown_columns)))
    if mapping.dropped_columns:
        lines.append("  known columns outside the spec (left out): " + ", ".join(map(repr, mapping.dropped_columns)))
    period = (
        f"{summary.first_date.isoformat()} to {summary.last_date.isoformat()}"
        if summary.first_date
        else "no valid dates"
    )
    lines += [
        f"  rows:     {_number(summary.rows)}",
        f"  period:   {period}",
        f"  total:    {_number_amount(summary.total_amount)}",
        f"  suppliers: {_number(summary.suppliers)}",
        f"  credit notes: {_number(summary.credit_notes)} ({_number_amount(summary.credit_amount)})",
    ]
    lines += [f"  note: {note}" for note in report.notes]
    for finding in report.findings:
        lines += _finding_lines(report, finding)
    if not with_result:
        return "\n".join(lines)
    errors = sum(1 for finding in report.findings if finding.severity == ERROR)
    lines.append("  result: " + ("no problems found" if report.ok else f"{errors} kind(s) of problem found"))
    return "\n".join(lines)


def _number_amount(amount: object) -> str:
    whole, _, fraction = f"{amount:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = _number(int(whole.lstrip("-") or 0))
    return f"{sign}{grouped}" + (f".{fraction}" if fraction else "")


def emit_json(document: object) -> None:
    """Write a JSON document to stdout (the ``--json`` output)."""
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
