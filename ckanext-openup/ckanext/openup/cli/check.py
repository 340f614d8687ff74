"""``openup check``: would dataportal.se harvest this catalogue, and what would it score?"""

from __future__ import annotations

import logging

import click

from ckanext.openup.cli.check_report import render_check_report
from ckanext.openup.cli.language import N_, _
from ckanext.openup.cli.reporting import EXIT_OK, EXIT_PROBLEMS, emit_json
from ckanext.openup.quality.checking import check_catalogue
from ckanext.openup.quality.loading import LoadLimits, is_url
from ckanext.openup.quality.urls import UrlCheckSettings


@click.command("check", help=N_(
    "Check a DCAT-AP-SE catalogue (URL or file) as dataportal.se harvests it.\n\n"
    "Reads the catalogue as the harvester does (RDF/XML, its dct:hasPart sub-catalogues, Hydra pages), then "
    "reports RDF that does not parse, breaches of dataportal.se's rules, DCAT-AP 3.0.1 SHACL results and the MQA "
    "score (405 points). Exit code 1 when something would make the harvest fail (unreadable or unparseable "
    "catalogue, relative or invalid IRIs, a failing sub-catalogue), 0 otherwise, 2 for usage errors.\n\n"
    "The catalogue is someone else's input, so reading it is bounded: public addresses only (checked after DNS and "
    "on every redirect), a size cap per document and in all, a number of documents, sub-catalogues one level deep, "
    "and no DTDs in RDF/XML.\n\n"
    "\b\n"
    "Examples:\n"
    "  openup check https://data.example.se/organization/sundsvall/catalog\n"
    "  openup check --check-urls --json feed.rdf > report.json"
))
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON report for machines instead of text."))
@click.option("--check-urls", is_flag=True, help=N_("Ask every access and download URL whether it answers (HEAD, "
              "then GET); without it the two URL indicators of the MQA score are not checked."))
@click.option("--url-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help=N_("Seconds to wait for each URL."))
@click.option("--url-workers", type=click.IntRange(min=1, max=32), default=8, show_default=True,
              help=N_("URLs asked at the same time."))
@click.option("--per-host", type=click.IntRange(min=1, max=8), default=2, show_default=True,
              help=N_("URLs asked at the same time from one host."))
@click.option("--max-urls", type=click.IntRange(min=1), default=5000, show_default=True,
              help=N_("Distinct URLs asked at most; the rest count as not answering."))
@click.option("--allow-private-addresses", is_flag=True,
              help=N_("Also ask loopback, private and link-local addresses (a catalogue on your own network). "
              "Without it, the catalogue, its pages, sub-catalogues, redirects and checked URLs must be on "
              "public addresses, as dataportal.se needs them; cloud metadata addresses are never asked."))
@click.option("--max-mb", type=click.FloatRange(min=0.001), default=50, show_default=True,
              help=N_("Megabytes read at most from one document (a page or sub-catalogue)."))
@click.option("--max-total-mb", type=click.FloatRange(min=0.001), default=500, show_default=True,
              help=N_("Megabytes read at most from all documents together."))
@click.option("--max-documents", type=click.IntRange(min=1), default=1000, show_default=True,
              help=N_("Documents read at most: the catalogue, its Hydra pages and its sub-catalogues together."))
def check_command(source: str, as_json: bool, check_urls: bool, url_timeout: float, url_workers: int,
                  per_host: int, max_urls: int, allow_private_addresses: bool, max_mb: float,
                  max_total_mb: float, max_documents: int) -> None:
    """Check a DCAT-AP-SE catalogue (URL or file) as dataportal.se harvests it."""
    # rdflib and pyshacl log (with tracebacks) about ill-typed literals; the report says what matters.
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    logging.getLogger("pyshacl").setLevel(logging.CRITICAL)
    settings = UrlCheckSettings(url_timeout, url_workers, per_host, max_urls,
                                allow_private_addresses) if check_urls else None
    limits = LoadLimits(max_document_bytes=int(max_mb * 1_000_000), max_total_bytes=int(max_total_mb * 1_000_000),
                        max_documents=max_documents, allow_private_addresses=allow_private_addresses)
    if not is_url(source) and not _readable_file(source):
        raise click.BadParameter(_("{source} is neither an http(s) URL nor a readable file").format(
            source=repr(source)), param_hint="SOURCE")
    try:
        report = check_catalogue(source, settings, limits)
    except MemoryError:
        click.echo(_("error: {source}: too large to check with the memory available").format(source=source), err=True)
        raise SystemExit(EXIT_PROBLEMS) from None
    except Exception as error:  # noqa: BLE001 - never a traceback; say enough to report it
        click.echo(_("error: {source}: the check failed ({error}). Please report this.").format(
            source=source, error=f"{type(error).__name__}: {error}"), err=True)
        raise SystemExit(EXIT_PROBLEMS) from None
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(render_check_report(report))
    if report.load_error is not None and report.load_error.refused_address and not allow_private_addresses:
        click.echo(_("hint: dataportal.se can only harvest a catalogue on a public address; to check one on your "
                     "own network, add --allow-private-addresses"), err=True)
    raise SystemExit(EXIT_PROBLEMS if report.blocked else EXIT_OK)


def _readable_file(path: str) -> bool:
    try:
        with open(path, "rb"):
            return True
    except OSError:
        return False
