"""``ckan openup rows rebuild``: reloads an organisation's rows; a wrong name is a clear error."""

from __future__ import annotations

import ckan.plugins.toolkit as toolkit
from ckan.cli.cli import ckan

from tests.rows.invoice_months import month_text, upload_month
from tests.supplier_invoices import sysadmin_context


def test_rebuild_command_reloads_the_organisations_rows(dataset, sundsvall, cli):
    resource = upload_month(dataset, 1, month_text(1, 90))
    toolkit.get_action("datastore_delete")(sysadmin_context(), {"resource_id": resource["id"], "force": True})
    result = cli.invoke(ckan, ["openup", "rows", "rebuild", "--organization", sundsvall["name"]])
    assert result.exit_code == 0, result.output
    assert "1 files, 90 rows loaded" in result.output
    found = toolkit.get_action("datastore_search")(sysadmin_context(), {"resource_id": resource["id"]})
    assert found["total"] == 90


def test_rebuild_command_names_an_unknown_organisation(dataset, cli):
    result = cli.invoke(ckan, ["openup", "rows", "rebuild", "--organization", "no-such-kommun"])
    assert result.exit_code != 0
    assert "no organisation 'no-such-kommun'" in result.output and "Traceback" not in result.output
