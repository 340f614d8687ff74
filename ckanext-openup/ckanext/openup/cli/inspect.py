"""``openup inspect``: recognise, check and summarise supplier-invoice files without changing them."""

from __future__ import annotations

import click

from ckanext.openup.cli.reporting import (
    EXIT_OK,
    EXIT_PROBLEMS,
    emit_json,
    progress_bar,
    read_safely,
    render_inspection,
)
from ckanext.openup.procurement.inspection import InspectionReport, inspect_invoice_file


@click.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report for machines instead of text.")
def inspect_command(files: tuple[str, ...], as_json: bool) -> None:
    """Check supplier-invoice files (CSV/TSV, XLSX or EntryScape JSON) and summarise them.

    Recognises the header variant (Swedish spec 1.1 and 1.0, Finnish Kuntaliitto 2021 and 2016,
    tutkihankintoja), checks every row (required fields, organisation numbers, dates, amounts),
    finds personal identity numbers, and reports rows, period, total, suppliers and credit notes.
    Exit code 0 when no problems are found, 1 when there are, 2 for usage errors.

    \b
    Examples:
      openup inspect leverantorsreskontra-2024.csv
      openup inspect --json ostolaskut-2023.xlsx th_data_2023.csv > report.json
    """
    reports: list[dict[str, object]] = []
    problems = False
    for path in files:
        with progress_bar(path, "Checking") as progress:
            report, message = read_safely(
                path, lambda path=path, progress=progress: inspect_invoice_file(path, progress)
            )
        if message:
            problems = True
            reports.append({"file": path, "ok": False, "error": message})
            if not as_json:
                click.echo(f"error: {message}", err=True)
            continue
        assert isinstance(report, InspectionReport)
        problems = problems or not report.ok
        reports.append(report.as_dict())
        if not as_json:
            click.echo(render_inspection(report) + "\n")
    if as_json:
        emit_json({"ok": not problems, "files": reports})
    raise SystemExit(EXIT_PROBLEMS if problems else EXIT_OK)
