"""A live CKAN with the extension, reached over loopback HTTP the way the publish command reaches a site."""

from __future__ import annotations

import itertools

import pytest

from tests.live_ckan import LiveCkan
from tests.supplier_invoices import SUNDSVALL

PLUGINS = "openup_search openup datastore scheming_datasets scheming_organizations dcat"
# Published months' rows go to the DataStore in the request (no jobs worker runs beside this site).
EXTRA_CONFIG = ("ckanext.dcat.rdf.profiles = dcat_ap_se\nckanext.openup.rows.background = false\n"
                "ckan.datastore.sqlsearch.enabled = true")
_organisation_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def site():
    # The guard fetches linked files: the tests host them on loopback.
    config = EXTRA_CONFIG + "\nckanext.openup.guard.allow_private_urls = true"
    ckan = LiveCkan("publishing", plugins=PLUGINS, extra_config=config).start()
    yield ckan
    ckan.stop()


@pytest.fixture
def organisation(site):
    """A fresh organisation per test, so tests never see each other's datasets."""
    name = f"sundsvall-{next(_organisation_numbers)}-{id(site) % 1000}"
    return site.action("organization_create", **dict(SUNDSVALL, name=name, title=f"Sundsvalls kommun {name}"))


def publish(site_url: str, token: str, *args: str):
    """Run ``openup publish`` in-process with the token in the environment; returns click's Result."""
    from click.testing import CliRunner

    from ckanext.openup.cli.publish import publish_command

    # No config file of the machine's user may stand in for the token under test.
    env = {"OPENUP_CKAN_TOKEN": token, "XDG_CONFIG_HOME": "/nonexistent/openup-tests"}
    return CliRunner().invoke(publish_command, ["--ckan", site_url, *map(str, args)], env=env, catch_exceptions=False)


@pytest.fixture(scope="session")
def editor_token(site):
    """An API token of a user who is no sysadmin: the organisation's editor, as most publishers are."""
    site.ckan("user", "add", "editor", "email=editor@example.org", "password=live-test-password")
    return site.ckan("user", "token", "add", "editor", "tests").stdout.strip().splitlines()[-1].strip()


@pytest.fixture
def edited_organisation(site, organisation, editor_token):
    """The test's organisation with ``editor`` as its editor."""
    site.action("organization_member_create", id=organisation["id"], username="editor", role="editor")
    return organisation
