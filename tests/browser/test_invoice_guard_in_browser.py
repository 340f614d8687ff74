"""A publisher in a real browser uploads a raw export holding a personnummer: the form refuses it next to the
file input, and nothing of it is kept; the prepared file is then accepted. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.chromium import log_in, press, require_chromium, screenshot
from tests.browser.publisher import CONFIG, MONTH_FILE, PASSWORD, PLUGINS
from tests.live_ckan import LiveCkan
from tests.supplier_invoices import SUNDSVALL

PERSONNUMMER = "811218-9876"  # a test number with a valid check digit, not a real person
RAW_EXPORT = MONTH_FILE + (
    f"2120002411,Sundsvalls kommun,1002,Kalle Karlsson,{PERSONNUMMER},4010,Förbrukningsmaterial,2025-01-16,"
    "Kulturförvaltningen,F-89,500.00\n"
)


@pytest.fixture(scope="module")
def site():
    require_chromium()
    ckan = LiveCkan("browser_guard", plugins=PLUGINS, extra_config=CONFIG).start()
    ckan.action("organization_create", **SUNDSVALL)
    ckan.ckan("user", "add", "publisher", "email=publisher@sundsvall.se", f"password={PASSWORD}")
    ckan.action("organization_member_create", id="sundsvall", username="publisher", role="editor")
    yield ckan
    ckan.stop()


def files_holding(folder: Path, needle: bytes) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and needle in path.read_bytes()]


def test_raw_export_with_a_personnummer_is_refused_in_the_form_and_nothing_is_kept(site, browser, tmp_path):
    raw = tmp_path / "leverantorsfakturor-2025-01.csv"
    raw.write_text(RAW_EXPORT, encoding="utf-8")
    prepared = tmp_path / "prepared-2025-01.csv"
    prepared.write_text(MONTH_FILE, encoding="utf-8")

    log_in(browser, site.url, "publisher", PASSWORD)
    browser.get(f"{site.url}/supplier-invoices/new")
    browser.find_element(By.ID, "field-title_translated-sv").send_keys("Leverantörsfakturor 2025")
    browser.execute_script("document.getElementById('field-name').value = 'sundsvall-fakturor-2025'")
    browser.find_element(By.ID, "field-notes_translated-sv").send_keys("Betalda leverantörsfakturor.")
    browser.find_element(By.ID, "field-year").clear()  # the form suggests the current year
    browser.find_element(By.ID, "field-year").send_keys("2025")
    Select(browser.find_element(By.ID, "field-license_id")).select_by_value("cc-by")
    press(browser, "button.btn-primary[name=save]")

    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(raw))
    press(browser, "button[name=save][value=go-metadata]")

    refusal = browser.find_element(By.CSS_SELECTOR, ".openup-invoice-file-error").text
    screenshot(browser, "invoice-guard-refusal")
    assert "personal identity number" in refusal
    assert "line 3, column 'leverantor_id'" in refusal
    assert "openup prepare leverantorsfakturor-2025-01.csv" in refusal
    assert "9876" not in browser.page_source and "Kalle Karlsson" not in browser.page_source
    assert files_holding(site.workdir / "storage", b"Kalle Karlsson") == []
    assert site.action("package_show", id="sundsvall-fakturor-2025")["resources"] == []
    assert "9876" not in site.server_log() and "Kalle Karlsson" not in site.server_log()

    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(prepared))  # the month is read from it
    press(browser, "button[name=save][value=go-metadata]")

    resources = site.action("package_show", id="sundsvall-fakturor-2025")["resources"]
    assert [(resource["period"], resource["rows"]) for resource in resources] == [("2025-01", 1)]
