"""The project's own harvest feed passes its own check: nothing blocking, no rule violation, SHACL-clean."""

import pytest

from ckanext.openup.quality.checking import check_catalogue
from ckanext.openup.quality.findings import BLOCKING, VIOLATION
from tests.supplier_invoices import SUNDSVALL, create_organisation, create_supplier_invoice

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def test_organisation_feed_is_harvestable_without_violations(app, tmp_path):
    sundsvall = create_organisation(SUNDSVALL)
    for year in (2023, 2024):
        create_supplier_invoice(sundsvall, year=year)
    feed = tmp_path / "catalog.rdf"
    feed.write_bytes(app.get("/organization/sundsvall/catalog").data)

    report = check_catalogue(str(feed))

    assert report.datasets == 2 and not report.blocked
    assert [f for f in report.findings if f.severity in (BLOCKING, VIOLATION)] == []
    assert report.conforming_datasets == 2
    assert report.mqa.points > 221  # Good at least, before URL checks
