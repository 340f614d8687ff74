"""``openup check`` against a real CKAN over loopback HTTP: ckanext-dcat's Hydra pages and our harvest feed."""

from __future__ import annotations

import pytest

from ckanext.openup.quality.checking import check_catalogue
from ckanext.openup.quality.findings import BLOCKING, VIOLATION
from ckanext.openup.quality.loading import LoadLimits
from tests.live_ckan import LiveCkan
from tests.supplier_invoices import SUNDSVALL, supplier_invoice

PLUGINS = "openup_search openup scheming_datasets scheming_organizations dcat"
# Two datasets a page, so three datasets make /catalog.rdf page.
CONFIG = "ckanext.dcat.rdf.profiles = dcat_ap_se\nckanext.dcat.datasets_per_page = 2"
LOOPBACK = LoadLimits(allow_private_addresses=True)  # the test site is on 127.0.0.1


@pytest.fixture(scope="module")
def site():
    ckan = LiveCkan("quality_check", plugins=PLUGINS, extra_config=CONFIG).start()
    organisation = ckan.action("organization_create", **SUNDSVALL)
    for year in (2023, 2024, 2025):
        ckan.action("package_create", **supplier_invoice(organisation, year))
    yield ckan
    ckan.stop()


def test_paged_site_catalogue_is_read_whole(site):
    report = check_catalogue(site.url + "/catalog.rdf", limits=LOOPBACK)
    assert report.load_error is None
    assert report.datasets == 3
    assert report.documents[0] == site.url + "/catalog.rdf" and len(report.documents) == 2


def test_organisation_harvest_url_passes_without_violations(site):
    report = check_catalogue(f"{site.url}/organization/sundsvall/catalog", limits=LOOPBACK)
    assert report.load_error is None and not report.blocked
    assert report.datasets == 3 and len(report.documents) == 1
    assert [f for f in report.findings if f.severity in (BLOCKING, VIOLATION)] == []
    assert report.conforming_datasets == 3
