"""A visitor in a real browser opens a demo-like month and browses its rows in the DataTables preview.

The screenshot of that page is docs/images/invoice-rows-preview.png, written anew when
OPENUP_DOCS_IMAGES=1 is set (otherwise the picture goes to test-artifacts/ only, leaving the tree clean).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from ckanext.openup.demo.invoices import month_csv
from tests.browser.chromium import ARTIFACTS, require_chromium, screenshot
from tests.live_ckan import LiveCkan
from tests.supplier_invoices import SUNDSVALL, supplier_invoice

PLUGINS = "openup_search openup datastore datatables_view scheming_datasets scheming_organizations dcat"
CONFIG = ("ckanext.dcat.rdf.profiles = dcat_ap_se\nckanext.openup.rows.background = false\n"
          "ckan.locales_offered = sv en fi")
DOCS_IMAGE = Path(__file__).resolve().parents[2] / "docs" / "images" / "invoice-rows-preview.png"
YEAR, MONTH = 2026, 3


@pytest.fixture(scope="module")
def site():
    require_chromium()  # before starting a CKAN the test could not use
    ckan = LiveCkan("browser_rows", plugins=PLUGINS, extra_config=CONFIG).start()
    yield ckan
    ckan.stop()


@pytest.fixture(scope="module")
def month(site):
    """Sundsvall's year with one demo month uploaded (its rows load in the upload's request)."""
    organisation = site.action("organization_create", **SUNDSVALL)
    dataset = site.action("package_create", **supplier_invoice(organisation, year=YEAR, resources=[]))
    name = f"leverantorsfakturor-{YEAR}-{MONTH:02d}.csv"
    response = requests.post(
        f"{site.url}/api/3/action/resource_create", headers={"Authorization": site.admin_token},
        data={"package_id": dataset["id"], "name": f"{YEAR}-{MONTH:02d}", "format": "CSV",
              "period": f"{YEAR}-{MONTH:02d}", "url": name},
        files={"upload": (name, month_csv(organisation, YEAR, MONTH), "text/csv")}, timeout=120)
    assert response.json()["success"], response.text
    return dataset, response.json()["result"]



def test_visitor_browses_a_months_rows_in_the_preview(site, month, browser):
    dataset, resource = month
    browser.get(f"{site.url}/sv/supplier-invoices/{dataset['name']}/resource/{resource['id']}")
    summary = browser.find_element(By.CSS_SELECTOR, ".openup-rows-summary").text
    assert "rader" in summary and "kr" in summary

    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe.resource-view-iframe, iframe"))
    # The rows arrive from the DataStore after the page: wait until the table holds them.
    WebDriverWait(browser, 60).until(expected_conditions.presence_of_element_located(
        (By.CSS_SELECTOR, "#dtprv tbody tr td:nth-child(3)")))
    cells = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#dtprv tbody tr td")]
    assert any("Sundsvall" in cell for cell in cells), cells[:20]
    assert any(cell.startswith(f"{YEAR}-{MONTH:02d}-") for cell in cells), cells[:20]
    browser.switch_to.default_content()

    screenshot(browser, "invoice-rows-preview")  # the whole page, in test-artifacts/
    browser.set_window_size(1280, 1400)  # the guide's picture: the summary and the preview
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(DOCS_IMAGE if os.environ.get("OPENUP_DOCS_IMAGES") == "1"
                                 else ARTIFACTS / "invoice-rows-preview-docs.png"))
