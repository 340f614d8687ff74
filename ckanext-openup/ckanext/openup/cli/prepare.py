"""``openup prepare``: write canonical, redacted invoice files ready to publish."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ckanext.openup.cli.language import N_, _, ngettext
from ckanext.openup.cli.reporting import (
    EXIT_OK,
    EXIT_PROBLEMS,
    emit_json,
    number,
    problem_list,
    progress_bar,
    read_safely,
    render_inspection,
)
from ckanext.openup.procurement.preparation import (
    OutputConflictError,
    PreparationReport,
    check_outputs_free,
    prepare_invoice_file,
)
from ckanext.openup.procurement.prepared import MANIFEST_NAME, PreparedFile, read_manifest, write_manifest


@click.command("prepare", help=N_(
    "Write canonical files per the national specification, with personal data removed.\n\n"
    "Output: UTF-8, comma-separated, decimal point, ISO dates and the specification's column names (Swedish spec "
    "1.1 for Swedish files, the Kuntaliitto 2021 guide for Finnish ones), one file per input (or per month with "
    "--by-month) and a manifest (openup-manifest.json) with the rows, period, size and sha256 of each file. "
    "Personal identity numbers and sole traders' names are redacted (see docs/privacy-redaction.md). Input files "
    "are never changed. Exit code 0 when the output has no problems left, 1 when it has, 2 for usage errors.\n\n"
    "\b\n"
    "Examples:\n"
    "  openup prepare leverantorsreskontra-2024.csv --out prepared/\n"
    "  openup prepare ostolaskut-2023.xlsx --out prepared/ --by-month --json"
))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help=N_("Folder for the prepared files (created if missing). Never the inputs' own folder."),
)
@click.option("--by-month", is_flag=True, help=N_("Write one file per calendar month (NAME-YYYY-MM.csv)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON report for machines instead of text."))
def prepare_command(files: tuple[str, ...], out_dir: str, by_month: bool, as_json: bool) -> None:
    """Write canonical files per the national specification, with personal data removed."""
    try:
        check_outputs_free(files, out_dir)
    except OutputConflictError as error:
        raise click.UsageError(error.describe()) from None
    documents: list[dict[str, object]] = []
    prepared: list[PreparedFile] = []
    problems = False
    for path in files:
        with progress_bar(path, "Preparing") as progress:
            report, message = read_safely(
                path, lambda path=path, progress=progress: prepare_invoice_file(path, out_dir, by_month, progress)
            )
        if message:
            problems = True
            documents.append({"file": path, "ok": False, "error": message})
            if not as_json:
                click.echo(_("error: {message} (nothing written for this file)").format(message=message), err=True)
            continue
        assert isinstance(report, PreparationReport)
        problems = problems or not report.ok
        prepared += report.files
        documents.append(report.as_dict())
        if not as_json:
            click.echo(render_preparation(report) + "\n")
    if prepared:
        _update_manifest(out_dir, prepared)
    if as_json:
        emit_json({"ok": not problems, "out": out_dir, "files": documents})
    raise SystemExit(EXIT_PROBLEMS if problems else EXIT_OK)


def _update_manifest(out_dir: str, prepared: list[PreparedFile]) -> None:
    # Keep entries of earlier runs whose files are still there and were not rewritten now.
    try:
        earlier = read_manifest(out_dir) if (Path(out_dir) / MANIFEST_NAME).exists() else []
    except (ValueError, KeyError, TypeError):
        earlier = []
    now = {os.path.abspath(entry.path) for entry in prepared}
    kept = [entry for entry in earlier if os.path.abspath(entry.path) not in now and os.path.exists(entry.path)]
    write_manifest(out_dir, kept + prepared)


def render_preparation(report: PreparationReport) -> str:
    """The human report of one prepared file: the inspection, then what changed and what was written."""
    changes = report.as_dict()["changes"]
    assert isinstance(changes, dict)
    lines = [render_inspection(report.inspection, with_result=False), "  " + _("changes:")]
    lines.append("    " + _("dates rewritten to YYYY-MM-DD: {count}").format(count=f"{report.dates_rewritten:,}"))
    lines.append("    " + _("amounts rewritten with a decimal point: {count}").format(
        count=f"{report.amounts_rewritten:,}"))
    lines.append("    " + _("personal identity numbers removed: {count}").format(
        count=f"{report.redaction.identity_numbers:,}"))
    names = len(report.redaction.sole_trader_names)
    lines.append("    " + ngettext(
        "sole-trader rows redacted: {rows} ({names} supplier name)",
        "sole-trader rows redacted: {rows} ({names} supplier names)", names,
    ).format(rows=f"{report.redaction.sole_trader_rows:,}", names=f"{names:,}"))
    if changes["columns_dropped"]:
        lines.append("    " + _("columns left out (not in the layout):") + " "
                     + ", ".join(map(repr, changes["columns_dropped"])))
    lines.append("  " + _("written as {layout}:").format(layout=_(report.layout.title)))
    for prepared in report.files:
        size = ngettext("{rows} row", "{rows} rows", prepared.rows).format(rows=number(prepared.rows))
        size += ", " + ngettext("{bytes} byte", "{bytes} bytes", prepared.bytes).format(bytes=number(prepared.bytes))
        lines.append(f"    {prepared.path}  {size}, sha256 {prepared.sha256[:12]}…")
    remaining = [f for f in report.inspection.findings if f.severity == "error" and f.code != "identity-number"]
    verdict = _("ready to publish") if report.ok else ngettext(
        "{count} kind of problem left in the output: {problems}",
        "{count} kinds of problem left in the output: {problems}",
        len(remaining),
    ).format(count=len(remaining), problems=problem_list(remaining))
    lines.append("  " + _("result:") + " " + verdict)
    return "\n".join(lines)
