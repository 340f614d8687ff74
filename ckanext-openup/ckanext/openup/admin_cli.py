"""``ckan openup ...``: commands for catalogue administrators, run inside CKAN's CLI."""

from __future__ import annotations

import json
import sys

import click


@click.group(name="openup")
def openup_admin() -> None:
    """ckanext-openup administration."""


@openup_admin.command("seed-demo")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def seed_demo(as_json: bool) -> None:
    """Create the demo administrator, municipalities and invoice datasets (idempotent).

    \b
    Example:
      ckan -c .openup/demo.ini openup seed-demo --json
    """
    from ckanext.openup.demo.seed import seed_demo as run

    result = run()
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"administrator {result['admin']}, token {result['token']}, created {result['created']}")


@openup_admin.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print every organisation's full result as JSON.")
@click.option("--refresh", is_flag=True, help="Check again even where the cached result is current.")
@click.argument("organisations", nargs=-1)
def check(as_json: bool, refresh: bool, organisations: tuple[str, ...]) -> None:
    """Harvest readiness of every organisation (or those named): exit 1 when a harvest would fail.

    Uses the cached result where the organisation has not changed since; checks the others now.

    \b
    Example:
      ckan -c /etc/ckan/ckan.ini openup check
      ckan -c /etc/ckan/ckan.ini openup check --json sundsvall > readiness.json
    """
    from ckanext.openup.readiness.summary import check_organisations, render_table

    results = check_organisations(list(organisations), refresh=refresh)
    click.echo(json.dumps(results, indent=2, ensure_ascii=False) if as_json else render_table(results))
    if any(not result.get("harvestable", True) for result in results):
        sys.exit(1)


@openup_admin.group("rows")
def rows() -> None:
    """Invoice rows in the DataStore."""


@rows.command("rebuild")
@click.option("--organization", "organisation", help="Only this organisation's datasets (name or id).")
def rebuild(organisation: str | None) -> None:
    """Load the rows of every supplier-invoice file into the DataStore again, replacing what is there.

    Exit 1 when a file could not be loaded (its previous rows stay).

    \b
    Example:
      ckan -c /etc/ckan/ckan.ini openup rows rebuild
      ckan -c /etc/ckan/ckan.ini openup rows rebuild --organization sundsvall
    """
    import ckan.plugins as plugins
    import ckan.plugins.toolkit as toolkit

    from ckanext.openup.rows.rebuild import rebuild_rows

    if not plugins.plugin_loaded("datastore"):
        raise click.ClickException("the datastore plugin is not enabled: add `datastore` to ckan.plugins")
    try:
        report = rebuild_rows(organisation, progress=click.echo)
    except toolkit.ObjectNotFound as error:
        raise click.ClickException(f"no organisation {organisation!r}") from error
    click.echo(f"{len(report.loaded)} files, {report.rows} rows loaded")
    for resource_id, reason in report.refused.items():
        click.echo(f"not loaded (previous rows kept): resource {resource_id}: {reason}", err=True)
    if report.refused:
        sys.exit(1)


@openup_admin.command("solr-schema")
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the schema to this file instead of printing it.")
def solr_schema(output: str | None) -> None:
    """CKAN's Solr schema.xml plus Swedish, Finnish and English analysis of this extension's texts.

    The languages are those of ckanext.openup.search.languages. Install the file as the core's or
    collection's schema.xml (docs/administrators-guide.md, "Search on Solr"), then rebuild the index.

    \b
    Example:
      ckan -c /etc/ckan/ckan.ini openup solr-schema --output /var/solr/data/ckan/conf/schema.xml
      ckan -c /etc/ckan/ckan.ini search-index rebuild
    """
    from pathlib import Path

    import ckan

    from ckanext.openup.search.backend import languages
    from ckanext.openup.solr_schema import openup_schema

    ckan_schema = Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"
    schema = openup_schema(ckan_schema.read_text(encoding="utf-8"), languages())
    if output:
        Path(output).write_text(schema, encoding="utf-8")
        click.echo(f"wrote {output} (languages: {', '.join(languages())})", err=True)
    else:
        click.echo(schema, nl=False)
