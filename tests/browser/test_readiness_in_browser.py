"""A publisher in a real browser: creates a supplier-invoice dataset, uploads a month, fixes what the
"Harvest readiness" page reports and sees it turn green. Screenshots go to test-artifacts/."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.chromium import log_in, press, require_chromium, screenshot
from tests.browser.publisher import CONFIG, MONTH_FILE, PASSWORD, PLUGINS
from tests.live_ckan import LiveCkan
from tests.supplier_invoices import SUNDSVALL


@pytest.fixture(scope="module")
def site():
    require_chromium()  # before starting a CKAN the test could not use
    ckan = LiveCkan("browser_readiness", plugins=PLUGINS, extra_config=CONFIG).start()
    ckan.start_jobs_worker()
    ckan.action("organization_create", **SUNDSVALL)
    ckan.ckan("user", "add", "publisher", "email=publisher@sundsvall.se", f"password={PASSWORD}")
    ckan.action("organization_member_create", id="sundsvall", username="publisher", role="editor")
    yield ckan
    ckan.stop()


def readiness_status(browser, site, want: str, timeout: float = 90) -> str:
    """Open the readiness page until it shows ``want`` (a background job may still be checking)."""
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        browser.get(f"{site.url}/organization/sundsvall/readiness")
        status = browser.find_element(By.ID, "readiness").get_attribute("data-status")
        if status == want:
            return status
        time.sleep(1)
    return status


def test_publisher_fixes_a_problem_and_the_readiness_page_turns_green(site, browser, tmp_path):
    month = tmp_path / "2025-01.csv"
    month.write_text(MONTH_FILE, encoding="utf-8")

    log_in(browser, site.url, "publisher", PASSWORD)
    assert browser.find_elements(By.CSS_SELECTOR, "a[href='/user/publisher']"), "the publisher is not logged in"

    browser.get(f"{site.url}/supplier-invoices/new")
    browser.find_element(By.ID, "field-title_translated-sv").send_keys("Leverantörsfakturor 2025")
    browser.find_element(By.ID, "field-title_translated-en").send_keys("Supplier invoices 2025")
    browser.execute_script("document.getElementById('field-name').value = 'sundsvall-leverantorsfakturor-2025'")
    browser.find_element(By.ID, "field-notes_translated-sv").send_keys("Betalda leverantörsfakturor, en fil per månad.")
    browser.find_element(By.ID, "field-notes_translated-en").send_keys("Paid supplier invoices, one file a month.")
    browser.find_element(By.ID, "field-year").send_keys("2025")
    Select(browser.find_element(By.ID, "field-license_id")).select_by_value("cc-by")
    Select(browser.find_element(By.ID, "field-private")).select_by_value("False")
    press(browser, "button.btn-primary[name=save]")

    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(month))
    browser.find_element(By.ID, "field-period").send_keys("2025-01")
    browser.find_element(By.ID, "field-rights").send_keys("Fri användning enligt licensen.")
    browser.find_element(By.ID, "field-description").send_keys("Leverantörsfakturor januari 2025")
    press(browser, "button[name=save][value=go-metadata]")

    assert readiness_status(browser, site, "improvable") == "improvable"
    problem = browser.find_element(By.CSS_SELECTOR, "#readiness-sundsvall-leverantorsfakturor-2025 "
                                                    ".readiness-problem[data-field=tags_translated]")
    assert "keyword" in problem.text
    screenshot(browser, "readiness-before-fix")

    problem.find_element(By.CSS_SELECTOR, "a.readiness-fix").click()
    assert browser.current_url.endswith("#field-tags_translated-sv")
    browser.find_element(By.ID, "field-tags_translated-sv").send_keys("leverantörsfakturor, inköp")
    browser.find_element(By.ID, "field-tags_translated-en").send_keys("supplier invoices, procurement")
    press(browser, "button.btn-primary[name=save]")  # not "Unpublish"

    assert readiness_status(browser, site, "ready") == "ready"
    assert "Ready" in browser.find_element(By.CSS_SELECTOR, ".readiness-status").text
    screenshot(browser, "readiness-after-fix")

    browser.get(f"{site.url}/supplier-invoices/sundsvall-leverantorsfakturor-2025")
    badge = browser.find_element(By.CSS_SELECTOR, ".openup-readiness-badge a")
    assert badge.get_attribute("data-status") == "ready", badge.text
    screenshot(browser, "dataset-badge-ready")
