"""``openup publish``: put prepared monthly files into the organisation's supplier-invoice dataset for a year."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import click

from ckanext.openup.cli.language import N_, _, ngettext
from ckanext.openup.cli.reporting import EXIT_OK, EXIT_PROBLEMS, emit_json, finding_lines
from ckanext.openup.procurement.checks import ERROR
from ckanext.openup.procurement.errors import InvoiceFileError
from ckanext.openup.procurement.inspection import inspect_invoice_file
from ckanext.openup.publishing.apply import apply_plan
from ckanext.openup.publishing.buyer import check_buyer
from ckanext.openup.publishing.credentials import default_config_path, read_credentials
from ckanext.openup.publishing.errors import PersonalDataError, PublishingError, UsageProblem
from ckanext.openup.publishing.local_files import MonthlyFile, collect_monthly_files
from ckanext.openup.publishing.metadata import LICENCES, dataset_name
from ckanext.openup.publishing.plan import (
    CREATE,
    CREATE_DATASET,
    FINISH_DATASET,
    KEEP,
    REMOVE_DUPLICATE,
    REPLACE,
    UPDATE_DATASET,
    MonthAction,
    PublicationPlan,
    plan_publication,
)
from ckanext.openup.publishing.privacy import UnreadableForCheckError, find_personal_data
from ckanext.openup.publishing.site import Progress, Site, check_site_url


@click.command("publish", help=N_(
    "Publish prepared monthly files as the organisation's supplier-invoice dataset for YEAR.\n\n"
    "FILES are files written by `openup prepare --by-month` (or its output folder). Each becomes the resource of "
    "its month, uploaded (default) or linked (--link-base); the dataset is created when missing. A month whose "
    "file is unchanged (same sha256 and size) is kept, a changed one replaced, never duplicated, also when two "
    "runs publish the same year at once. A new year stays private until every month is in, whatever the token's "
    "role; running it again after an interruption finishes the job. A file that still holds a personal identity "
    "number, or whose buyer is another organisation than --org, is refused and nothing is uploaded.\n\n"
    "The API token comes from the environment variable OPENUP_CKAN_TOKEN or from the config file ([ckan] token = "
    "...); it is never accepted as an option. Exit code 0 when done, 1 when a file was refused (personal data) or "
    "the site rejected a change or did not keep the year hidden, 2 for usage errors (bad URL, no token, unknown "
    "organisation, files of another buyer).\n\n"
    "\b\n"
    "Example (the monthly routine):\n"
    "  openup prepare leverantorsreskontra-2025-03.csv --out prepared/ --by-month\n"
    "  read -rs OPENUP_CKAN_TOKEN && export OPENUP_CKAN_TOKEN   # paste it; or put it in the config file\n"
    "  openup publish --ckan https://ckan.example.se --org sundsvall --year 2025 prepared/ --dry-run\n"
    "  openup publish --ckan https://ckan.example.se --org sundsvall --year 2025 prepared/\n"
    "  openup publish --org sundsvall --year 2025 prepared/ --json   # site URL from the config file"
))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--ckan", "site_url", metavar="URL", help=N_("The CKAN site, e.g. https://ckan.example.se "
              "(default: 'url' in the config file)."))
@click.option("--org", "organisation_name", required=True, metavar="NAME", help=N_("The organisation's URL name."))
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help=N_("The calendar year of the dataset."))
@click.option("--link-base", metavar="URL", help=N_("Link the files at URL/<file name> instead of uploading them."))
@click.option("--licence", type=click.Choice(LICENCES), default="cc-zero", show_default=True,
              help=N_("Licence of a new dataset (an existing dataset keeps its own)."))
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="PATH",
              show_default=str(default_config_path()), help=N_("Config file with the API token."))
@click.option("--token", hidden=True, expose_value=False, callback=lambda ctx, param, value: _refuse_token(value),
              help=N_("Refused: a token on the command line lands in shell history."))
@click.option("--dry-run", is_flag=True,
              help=N_("Show what would change (create/replace/keep per month); change nothing."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON report for machines instead of text."))
def publish_command(
    files: tuple[str, ...],
    site_url: str | None,
    organisation_name: str,
    year: int,
    link_base: str | None,
    licence: str,
    config_path: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Publish prepared monthly files as the organisation's supplier-invoice dataset for YEAR."""
    report = PublicationReport(as_json, dry_run)
    try:
        code = _publish(list(files), site_url, organisation_name, year, link_base, licence, config_path, report)
    except PublishingError as error:
        report.error(error.message, error.details)
        code = error.exit_code
    except KeyboardInterrupt:
        report.error(_("interrupted: run the same command again to finish; nothing is duplicated."))
        code = EXIT_PROBLEMS
    except Exception as error:  # noqa: BLE001 - never a traceback; the token is in no exception of ours
        report.error(_("unexpected {error}. Please report this.").format(error=f"{type(error).__name__}: {error}"))
        code = EXIT_PROBLEMS
    report.finish(code)
    raise SystemExit(code)


class PublicationReport:
    """What publish tells the publisher: lines of text as it goes, or one JSON document at the end."""

    def __init__(self, as_json: bool, dry_run: bool) -> None:
        self.as_json = as_json
        self.dry_run = dry_run
        self.document: dict[str, object] = {"ok": False, "dry_run": dry_run}

    def say(self, text: str) -> None:
        if not self.as_json:
            click.echo(text)

    def warn(self, text: str) -> None:
        self.document.setdefault("warnings", []).append(text)  # type: ignore[union-attr]
        if not self.as_json:
            click.echo(_("warning: {message}").format(message=text), err=True)

    def plan(self, plan: PublicationPlan, dataset_name: str, dataset_url: str) -> None:
        self.document["dataset"] = {"name": dataset_name, "url": dataset_url, "action": plan.dataset_action}
        self.document["months"] = [_month_document(action) for action in plan.months]
        self.say(render_plan(plan, dataset_url, self.dry_run))

    def done(self, action: MonthAction, outcome: str) -> None:
        for month in self.document.get("months", []):  # type: ignore[union-attr]
            if month["month"] == action.month and month["action"] == action.kind:
                month["done"] = True
                month["outcome"] = outcome
        self.say(f"  {action.month}  {_(outcome)}")

    def error(self, message: str, details: list[str] | None = None) -> None:
        self.document["error"] = {"message": message, "details": details or []}
        if not self.as_json:
            described = "\n".join([message, *(f"  {detail}" for detail in details or [])])
            click.echo(_("error: {message}").format(message=described), err=True)

    def finish(self, code: int) -> None:
        self.document["ok"] = code == EXIT_OK
        self.document["exit_code"] = code
        if self.as_json:
            emit_json(self.document)


def _month_document(action: MonthAction) -> dict[str, object]:
    monthly = action.file
    return {
        "month": action.month,
        "action": action.kind,
        "reason": action.reason,
        "resource_id": action.resource_id,
        "file": monthly.path if monthly else None,
        "rows": monthly.rows if monthly else None,
        "bytes": monthly.bytes if monthly else None,
        "sha256": monthly.sha256 if monthly else None,
        "link_url": action.link_url,
        "done": action.kind == KEEP,
        "outcome": "kept" if action.kind == KEEP else None,
    }


def _publish(
    paths: list[str],
    site_url: str | None,
    organisation_name: str,
    year: int,
    link_base: str | None,
    licence: str,
    config_path: str | None,
    report: PublicationReport,
) -> int:
    credentials = read_credentials(config_path)
    if credentials.warning:
        report.warn(credentials.warning)
    site_url = site_url or credentials.url
    if not site_url:
        raise UsageProblem(_("Which site? Give --ckan URL (or 'url = ...' under [ckan] in the config file)."))
    if link_base:
        try:
            link_base = check_site_url(link_base)
        except UsageProblem:
            raise UsageProblem(_("--link-base {url} is not an http(s) address").format(url=repr(link_base))) from None
    monthly_files = collect_monthly_files(paths, year)
    _refuse_personal_data(monthly_files)
    _refuse_files_with_problems(monthly_files, report)

    site = Site(site_url, credentials.token, credentials.source)
    try:
        organisation = site.check_publisher(organisation_name)
        check_buyer(monthly_files, organisation)
        dataset = site.find_dataset(organisation, year)
        plan = plan_publication(dataset, monthly_files, link_base)
        name = dataset["name"] if dataset else dataset_name(organisation["name"], year, organisation.get("country"))
        report.plan(plan, name, f"{site.url}/dataset/{name}")
        if report.dry_run:
            report.say(_("dry run: nothing was changed."))
            return EXIT_OK
        if not plan.changes_anything:
            report.say(_("Nothing to do: the site already has these files."))
            return EXIT_OK
        result = apply_plan(
            site, plan, organisation, year, licence, progress_for=_upload_bar, on_done=report.done
        )
        report.say(ngettext("Published: {url} ({count} change).", "Published: {url} ({count} changes).",
                            len(result.done)).format(url=f"{site.url}/dataset/{result.dataset['name']}",
                                                     count=len(result.done)))
        return EXIT_OK
    finally:
        site.close()


def _refuse_token(value: str | None) -> None:
    if value is not None:
        # The value is not repeated: it is a secret, and now in the shell's history.
        raise click.UsageError(_(
            "--token is not accepted: a token on the command line lands in shell history and the process list. "
            "Set OPENUP_CKAN_TOKEN or use the config file (docs/publishing.md); "
            "and since this one was typed, revoke it and create a new one."
        ))


def _refuse_personal_data(monthly_files: list[MonthlyFile]) -> None:
    try:
        findings = [finding for monthly in monthly_files for finding in find_personal_data(monthly.path)]
    except UnreadableForCheckError as error:
        raise PersonalDataError(_("refused: {problem}; nothing was uploaded.").format(problem=error)) from None
    if findings:
        raise PersonalDataError(
            _("refused: personal identity numbers must never be published; nothing was uploaded."),
            [finding.describe() for finding in findings]
            + [_("Run `openup prepare` on the source file again (it removes them), then publish its output.")],
        )


def _refuse_files_with_problems(monthly_files: list[MonthlyFile], report: PublicationReport) -> None:
    """Check each file as ``inspect`` does: refuse errors (an edited file, problems prepare left), warn about the rest.

    Identity numbers were refused just before, with their own message.
    """
    refusals: list[str] = []
    for monthly in monthly_files:
        try:
            inspection = inspect_invoice_file(monthly.path)
        except InvoiceFileError as error:
            refusals.append(error.describe())
            continue
        unit = str(inspection.layout.get("row_unit", "line"))
        for finding in inspection.findings:
            if finding.code == "identity-number":
                continue
            lines = finding_lines(monthly.path, unit, finding, labelled=False)
            if finding.severity == ERROR:
                refusals += lines
            else:
                report.warn("; ".join(line.strip() for line in lines))
    if refusals:
        raise PublishingError(
            _("refused: the files have problems a harvester or reader would trip on; nothing was uploaded."),
            refusals + [_("Correct the source file and run `openup prepare` on it again, then publish its output.")],
        )


def render_plan(plan: PublicationPlan, dataset_url: str, dry_run: bool) -> str:
    """The plan as the publisher reads it: the dataset, then one line per month."""
    kept_private = plan.dataset_action == UPDATE_DATASET and (plan.dataset or {}).get("private")
    what = _("update (private: it stays private)") if kept_private else _dataset_action(plan.dataset_action)
    heading = _("Dataset {url}: would {action}") if dry_run else _("Dataset {url}: {action}")
    lines = [heading.format(url=dataset_url, action=what)]
    for action in plan.months:
        kind = (_("would {action}") if dry_run else "{action}").format(action=f"{_month_action(action.kind):<8}")
        lines.append(f"  {action.month}  {kind}  {_detail(action)}")
    return "\n".join(lines)


def _dataset_action(action: str) -> str:
    if action in (CREATE_DATASET, FINISH_DATASET):
        hidden = _("private until every month is in, then public")
        return (_("create ({hidden})") if action == CREATE_DATASET else _("finish ({hidden})")).format(hidden=hidden)
    return _("update") if action == UPDATE_DATASET else _("unchanged")


def _month_action(kind: str) -> str:
    words = {CREATE: _("create"), REPLACE: _("replace"), KEEP: _("keep"), REMOVE_DUPLICATE: _("remove duplicate")}
    return words.get(kind, kind)


# Why a month is created, replaced, kept or removed, and how it went (publishing/ keeps them in English for --json).
PLAN_TEXTS = (N_("not on the site"), N_("unchanged"), N_("content changed"), N_("link changed"),
              N_("switching between upload and link"), N_("second copy"), N_("created"), N_("replaced"),
              N_("duplicate removed"), N_("already there (put in by another run)"))


def _detail(action: MonthAction) -> str:
    if action.file is None:
        return _(action.reason)
    size = (ngettext("{rows} row", "{rows} rows", action.file.rows).format(rows=_number(action.file.rows)) + ", "
            + ngettext("{bytes} byte", "{bytes} bytes", action.file.bytes).format(bytes=_number(action.file.bytes)))
    where = f" -> {action.link_url}" if action.link_url and action.kind != KEEP else ""
    return f"{action.file.path} ({size}; {_(action.reason)}){where}"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


@contextlib.contextmanager
def _upload_bar(monthly: MonthlyFile) -> Iterator[Progress | None]:
    if not sys.stderr.isatty() or monthly.bytes == 0:
        yield None
        return
    label = _("Uploading {month}").format(month=monthly.month)
    with click.progressbar(length=monthly.bytes, label=label, file=sys.stderr) as bar:
        shown = 0

        def update(sent: int, total: int) -> None:
            nonlocal shown
            # The request body is the file plus a few hundred bytes of form fields.
            step = min(sent, monthly.bytes) - shown
            if step > 0:
                bar.update(step)
                shown += step

        yield update

