"""``openup inspect``: recognise, check and summarise supplier-invoice files without changing them."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ckanext.openup.cli.language import N_, _
from ckanext.openup.cli.reporting import (
    EXIT_OK,
    EXIT_PROBLEMS,
    emit_json,
    progress_bar,
    read_safely,
    render_inspection,
)
from ckanext.openup.procurement.errors import InvoiceFileError
from ckanext.openup.procurement.export_download import download_paged_export, is_export_url
from ckanext.openup.procurement.inspection import InspectionReport, Progress, inspect_invoice_file


class FileOrExportUrl(click.ParamType):
    """An existing file, or the http(s) address of an EntryScape row-store export."""

    name = "file_or_url"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if is_export_url(value):
            return value
        return click.Path(exists=True, dir_okay=False).convert(value, param, ctx)


@click.command("inspect", help=N_(
    "Check supplier-invoice files (CSV/TSV, XLSX or EntryScape JSON) and summarise them.\n\n"
    "An http(s) address is read as an EntryScape row-store export: every page is fetched (following ``next`` on "
    "the same site) and the pages are checked as one file.\n\n"
    "Recognises the header variant (Swedish spec 1.1 and 1.0, Finnish Kuntaliitto 2021 and 2016, tutkihankintoja), "
    "checks every row (required fields, organisation numbers, dates, amounts), finds personal identity numbers, "
    "and reports rows, period, total, suppliers and credit notes. Exit code 0 when no problems are found, 1 when "
    "there are, 2 for usage errors.\n\n"
    "\b\n"
    "Examples:\n"
    "  openup inspect leverantorsreskontra-2024.csv\n"
    "  openup inspect --json ostolaskut-2023.xlsx th_data_2023.csv > report.json\n"
    "  openup inspect \"https://example.org/store/1/dataset/abc/json?_limit=1000\""
))
@click.argument("files", nargs=-1, required=True, type=FileOrExportUrl())
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON report for machines instead of text."))
def inspect_command(files: tuple[str, ...], as_json: bool) -> None:
    """Check supplier-invoice files (CSV/TSV, XLSX or EntryScape JSON) and summarise them."""
    reports: list[dict[str, object]] = []
    problems = False
    for path in files:
        with progress_bar(path, "Checking") as progress:
            report, message = read_safely(path, lambda path=path, progress=progress: _inspect(path, progress))
        if message:
            problems = True
            reports.append({"file": path, "ok": False, "error": message})
            if not as_json:
                click.echo(_("error: {message}").format(message=message), err=True)
            continue
        assert isinstance(report, InspectionReport)
        problems = problems or not report.ok
        reports.append(report.as_dict())
        if not as_json:
            click.echo(render_inspection(report) + "\n")
    if as_json:
        emit_json({"ok": not problems, "files": reports})
    raise SystemExit(EXIT_PROBLEMS if problems else EXIT_OK)


def _inspect(path: str, progress: Progress | None) -> InspectionReport:
    """Inspect a file, or every page of an export at a URL (downloaded to a folder removed afterwards)."""
    if not is_export_url(path):
        return inspect_invoice_file(path, progress)
    with tempfile.TemporaryDirectory(prefix="openup-export-") as folder:
        export = Path(folder) / "export.json"
        download_paged_export(path, export)
        try:
            report = inspect_invoice_file(export)
        except InvoiceFileError as error:
            error.file = path  # name what the user gave, not the temporary copy
            raise
    report.path = path
    return report
