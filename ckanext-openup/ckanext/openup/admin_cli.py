"""``ckan openup ...``: commands for catalogue administrators, run inside CKAN's CLI."""

from __future__ import annotations

import json

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
