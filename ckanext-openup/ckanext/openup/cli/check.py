"""``openup check``: would dataportal.se harvest this catalogue, and what would it score?"""

from __future__ import annotations

import logging

import click

from ckanext.openup.cli.reporting import EXIT_OK, EXIT_PROBLEMS, emit_json
from ckanext.openup.quality.checking import check_catalogue
from ckanext.openup.quality.loading import is_url
from ckanext.openup.quality.report import render_text
from ckanext.openup.quality.urls import UrlCheckSettings


@click.command("check")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report for machines instead of text.")
@click.option("--check-urls", is_flag=True, help="Ask every access and download URL whether it answers (HEAD, "
              "then GET); without it the two URL indicators of the MQA score are not checked.")
@click.option("--url-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds to wait for each URL.")
@click.option("--url-workers", type=click.IntRange(min=1, max=32), default=8, show_default=True,
              help="URLs asked at the same time.")
@click.option("--per-host", type=click.IntRange(min=1, max=8), default=2, show_default=True,
              help="URLs asked at the same time from one host.")
@click.option("--max-urls", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Distinct URLs asked at most; the rest count as not answering.")
def check_command(source: str, as_json: bool, check_urls: bool, url_timeout: float, url_workers: int,
                  per_host: int, max_urls: int) -> None:
    """Check a DCAT-AP-SE catalogue (URL or file) as dataportal.se harvests it.

    Reads the catalogue as the harvester does (RDF/XML, its dct:hasPart sub-catalogues, Hydra pages),
    then reports RDF that does not parse, breaches of dataportal.se's rules, DCAT-AP 3.0.1 SHACL results
    and the MQA score (405 points). Exit code 1 when something would make the harvest fail (unreadable
    or unparseable catalogue, relative or invalid IRIs, a failing sub-catalogue), 0 otherwise, 2 for
    usage errors.

    \b
    Examples:
      openup check https://data.example.se/organization/sundsvall/catalog
      openup check --check-urls --json feed.rdf > report.json
    """
    # rdflib and pyshacl log (with tracebacks) about ill-typed literals; the report says what matters.
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    logging.getLogger("pyshacl").setLevel(logging.CRITICAL)
    settings = UrlCheckSettings(url_timeout, url_workers, per_host, max_urls) if check_urls else None
    if not is_url(source) and not _readable_file(source):
        raise click.BadParameter(f"{source!r} is neither an http(s) URL nor a readable file", param_hint="SOURCE")
    try:
        report = check_catalogue(source, settings)
    except MemoryError:
        click.echo(f"error: {source}: too large to check with the memory available", err=True)
        raise SystemExit(EXIT_PROBLEMS) from None
    except Exception as error:  # noqa: BLE001 - never a traceback; say enough to report it
        click.echo(f"error: {source}: the check failed ({type(error).__name__}: {error}). Please report this.",
                   err=True)
        raise SystemExit(EXIT_PROBLEMS) from None
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(render_text(report))
    raise SystemExit(EXIT_PROBLEMS if report.blocked else EXIT_OK)


def _readable_file(path: str) -> bool:
    try:
        with open(path, "rb"):
            return True
    except OSError:
        return False
