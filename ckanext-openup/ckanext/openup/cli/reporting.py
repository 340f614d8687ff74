"""Shared by ``inspect`` and ``prepare``: progress bars, plain-language reports and error handling."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator

import click

from ckanext.openup.cli.language import _, ngettext
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
    return _("{path}: could not be read ({error}). Please report this with the file.").format(
        path=path, error=f"{type(error).__name__}: {error}")


def read_safely(path: str, work: Callable[[], object]) -> tuple[object | None, str | None]:
    """Run ``work``; return its result, or a plain message instead of any exception."""
    try:
        return work(), None
    except InvoiceFileError as error:
        return None, error.describe()
    except MemoryError:
        return None, _("{path}: too large to read with the memory available").format(path=path)
    except OSError as error:
        return None, f"{path}: {error.strerror or error}"
    except Exception as error:  # noqa: BLE001 - bad input must never end in a traceback
        return None, describe_unexpected(path, error)


def number(value: object) -> str:
    """A count with its thousands apart by a space, as Swedish and Finnish write them (and SI allows)."""
    return f"{value:,}".replace(",", " ")


def _where(unit: str, example: dict[str, object]) -> str:
    """``line 12``, or ``sheet 'Mars' row 12`` in a workbook read from several sheets."""
    if "sheet" in example:
        return _("sheet {sheet} row {line}").format(sheet=repr(example["sheet"]), line=example["line"])
    if unit == "row":
        return _("row {line}").format(line=example["line"])
    return _("line {line}").format(line=example["line"])


def _in_all(unit: str, count: int) -> str:
    if unit == "row":
        return ngettext("{count} row in all", "{count} rows in all", count).format(count=number(count))
    return ngettext("{count} line in all", "{count} lines in all", count).format(count=number(count))


def _also(unit: str, places: str) -> str:
    return (_("also rows {places}") if unit == "row" else _("also lines {places}")).format(places=places)


def describe_finding(finding: Finding) -> str:
    """The finding's message in the command's language, with the column it is about."""
    message = _(finding.message)
    return f"{message} ({finding.column})" if finding.column else message


def problem_list(findings: list[Finding]) -> str:
    """The kinds of problem, each with its column: ``required value is empty (leverantor); ...``."""
    return "; ".join(describe_finding(finding) for finding in findings)


def finding_lines(path: str, unit: str, finding: Finding, labelled: bool = True) -> list[str]:
    """A finding as the publisher reads it: where first (file, line, column), what, and how often."""
    label = (_("error") if finding.severity == ERROR else _("warning")) if labelled else ""
    column = _(", column {column}").format(column=repr(finding.column)) if finding.column else ""
    message = _(finding.message)
    if not finding.examples:
        return [f"  {label}: {path}{column}: {message}" if label else f"{path}{column}: {message}"]
    first = finding.examples[0]
    value = _(" (found {value})").format(value=repr(first["value"])) if first["value"] else ""
    place = f"{path}, {_where(unit, first)}{column}: {message}{value}"
    lines = [f"  {label}: {place}" if label else place]
    if finding.count > 1:
        others = ", ".join(_where(unit, example) if "sheet" in example else str(example["line"])
                           for example in finding.examples[1:])
        also = f"; {_also(unit, others)}" if others else ""
        lines.append(f"         {_in_all(unit, finding.count)}{also}")
    return lines


def render_inspection(report: InspectionReport, with_result: bool = True) -> str:
    """The human report of one inspected file; ``with_result`` adds the closing verdict line."""
    summary = report.summary
    mapping = report.mapping
    lines = [
        report.path,
        "  " + _("layout:") + "   " + ", ".join(_(part) for part in report.layout_text.split(", ")),
        "  " + _("format:") + f"   {_(mapping.variant.title)}",
        "  " + _("columns:") + "  "
        + ", ".join(
            column if mapping.source_name(column) == column else f"{column} ← {mapping.source_name(column)!r}"
            for column in mapping.positions
        ),
    ]
    if mapping.unknown_columns:
        lines.append("  " + _("unknown columns (left out of prepared files):") + " "
                     + ", ".join(map(repr, mapping.unknown_columns)))
    if mapping.dropped_columns:
        lines.append("  " + _("known columns outside the spec (left out):") + " "
                     + ", ".join(map(repr, mapping.dropped_columns)))
    period = (
        _("{first} to {last}").format(first=summary.first_date.isoformat(), last=summary.last_date.isoformat())
        if summary.first_date
        else _("no valid dates")
    )
    lines += [
        "  " + _("rows:") + f"     {number(summary.rows)}",
        "  " + _("period:") + f"   {period}",
        "  " + _("total:") + f"    {_number_amount(summary.total_amount)}",
        "  " + _("suppliers:") + f" {number(summary.suppliers)}",
        "  " + _("credit notes:") + f" {number(summary.credit_notes)} ({_number_amount(summary.credit_amount)})",
    ]
    lines += ["  " + _("note:") + f" {_(note)}" for note in report.notes]
    unit = report.layout.get("row_unit", "line")
    for finding in report.findings:
        lines += finding_lines(report.path, unit, finding)
    if not with_result:
        return "\n".join(lines)
    errors = [finding for finding in report.findings if finding.severity == ERROR]
    verdict = _("no problems found") if report.ok else ngettext(
        "{count} kind of problem found: {problems}", "{count} kinds of problem found: {problems}", len(errors)
    ).format(count=len(errors), problems=problem_list(errors))
    lines.append("  " + _("result:") + " " + verdict)
    return "\n".join(lines)


def _number_amount(amount: object) -> str:
    whole, _, fraction = f"{amount:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = number(int(whole.lstrip("-") or 0))
    return f"{sign}{grouped}" + (f".{fraction}" if fraction else "")


def emit_json(document: object) -> None:
    """Write a JSON document to stdout (the ``--json`` output)."""
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
