"""A publisher in a real browser, in Swedish and in Finnish, follows the guide from an empty organisation: creates
the year's dataset in one save, uploads a month (typing nothing the server reads from the file), fixes what the
"Harvest readiness" page asks for and sees it turn green.

The guides' pictures are docs/images/readiness-{before,after}-fix-<sv|fi>.png and dataset-badge-ready-<sv|fi>.png,
written anew when OPENUP_DOCS_IMAGES=1 is set (otherwise they go to test-artifacts/ only, leaving the tree clean).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from ckanext.openup.procurement.layouts import FINNISH as FINNISH_LAYOUT
from tests.browser.chromium import ARTIFACTS, log_in, press, require_chromium, screenshot
from tests.browser.publisher import CONFIG, PASSWORD, PLUGINS
from tests.live_ckan import LiveCkan
from tests.supplier_invoices import SUNDSVALL, TAMPERE

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
YEAR = date.today().year  # the form suggests the current year; the month must fall in it


@dataclass(frozen=True)
class Publisher:
    """What one publisher types: the texts only a person knows, in the languages the organisation's country asks."""

    lang: str
    organisation: dict
    user: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    keywords: dict[str, str]
    rights: str
    month: str
    ready_word: str


SWEDISH = Publisher(
    lang="sv",
    organisation=SUNDSVALL,
    user="publisher-sv",
    titles={"sv": f"Leverantörsfakturor {YEAR}", "en": f"Supplier invoices {YEAR}"},
    descriptions={"sv": "Betalda leverantörsfakturor, en fil per månad.",
                  "en": "Paid supplier invoices, one file a month."},
    keywords={"sv": "leverantörsfakturor, inköp", "en": "supplier invoices, procurement"},
    rights="Fri att använda enligt licensen.",
    month=(
        "kopare_id,kopare,verifikationsnummer,leverantor,leverantor_id,konto_nr,konto_text,datum,forvaltning,"
        "fakturanummer,belopp\n"
        f"2120002411,Sundsvalls kommun,1001,Åkeriet i Norr AB,5560160680,4010,Förbrukningsmaterial,{YEAR}-01-15,"
        "Kulturförvaltningen,F-88,1302.03\n"
    ),
    ready_word="Redo",
)
FINNISH = Publisher(
    lang="fi",
    organisation=TAMPERE,
    user="publisher-fi",
    titles={"fi": f"Ostolaskut {YEAR}", "sv": f"Inköpsfakturor {YEAR}"},
    descriptions={"fi": "Maksetut ostolaskut, yksi tiedosto kuukaudessa.",
                  "sv": "Betalda inköpsfakturor, en fil per månad."},
    keywords={"fi": "ostolaskut, hankinnat", "sv": "inköpsfakturor, upphandling"},
    rights="Vapaasti käytettävissä lisenssin ehdoin.",
    month=(
        f"{FINNISH_LAYOUT.header_line}\n"
        f"837,Tampere,0211675-2,Kasvatus,Rakennus Oy,2000001-6,4300,Palvelut,A-1,1302.03,{YEAR}-01-15\n"
    ),
    ready_word="Valmis",
)


@pytest.fixture(scope="module")
def site():
    require_chromium()  # before starting a CKAN the test could not use
    ckan = LiveCkan("browser_readiness", plugins=PLUGINS, extra_config=CONFIG).start()
    ckan.start_jobs_worker()
    for publisher in (SWEDISH, FINNISH):
        organisation = publisher.organisation
        ckan.action("organization_create", **organisation)
        ckan.ckan("user", "add", publisher.user, f"email={publisher.user}@example.org", f"password={PASSWORD}")
        ckan.action("organization_member_create", id=organisation["name"], username=publisher.user, role="editor")
    yield ckan
    ckan.stop()


def readiness_status(browser, url: str, want: str, timeout: float = 90) -> str:
    """Open the readiness page until it shows ``want`` (a background job may still be checking)."""
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        browser.get(url)
        status = browser.find_element(By.ID, "readiness").get_attribute("data-status")
        if status == want:
            return status
        time.sleep(1)
    return status


def picture(browser, name: str) -> None:
    """The guides' picture of this page: into docs/images when asked for, else beside the other artifacts."""
    if os.environ.get("OPENUP_DOCS_IMAGES") == "1":
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1280, max(900, min(int(height), 4000)))
        browser.save_screenshot(str(DOCS_IMAGES / f"{name}.png"))
    else:
        screenshot(browser, name)
    assert (DOCS_IMAGES / f"{name}.png").exists() or (ARTIFACTS / f"{name}.png").exists()


@pytest.mark.parametrize("publisher", [SWEDISH, FINNISH], ids=lambda publisher: publisher.lang)
def test_publisher_reaches_green_from_an_empty_organisation_in_their_language(site, browser, tmp_path, publisher):
    lang, organisation = publisher.lang, publisher.organisation["name"]
    month = tmp_path / f"{YEAR}-01.csv"
    month.write_text(publisher.month, encoding="utf-8")
    log_in(browser, site.url, publisher.user, PASSWORD)
    assert browser.find_elements(By.CSS_SELECTOR, f"a[href$='/user/{publisher.user}']"), "not logged in"

    # One save: the address comes from the title and the year is already suggested.
    browser.get(f"{site.url}/{lang}/supplier-invoices/new")
    assert browser.find_element(By.ID, "field-year").get_attribute("value") == str(YEAR)
    for code, title in publisher.titles.items():
        browser.find_element(By.ID, f"field-title_translated-{code}").send_keys(title)
    for code, text in publisher.descriptions.items():
        browser.find_element(By.ID, f"field-notes_translated-{code}").send_keys(text)
    Select(browser.find_element(By.ID, "field-license_id")).select_by_value("cc-by")
    browser.find_element(By.ID, "field-rights").send_keys(publisher.rights)
    Select(browser.find_element(By.ID, "field-private")).select_by_value("False")
    press(browser, "button.btn-primary[name=save]")
    assert "/resource/new" in browser.current_url, browser.find_element(By.TAG_NAME, "main").text[:500]
    dataset = browser.current_url.split("/supplier-invoices/")[1].split("/")[0]

    # The month: only the file; month, size, checksum and media type are the server's.
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(month))
    press(browser, "button[name=save][value=go-metadata]")

    readiness = f"{site.url}/{lang}/organization/{organisation}/readiness"
    assert readiness_status(browser, readiness, "improvable") == "improvable"
    problem = browser.find_element(By.CSS_SELECTOR,
                                   f"#readiness-{dataset} .readiness-problem[data-field=tags_translated]")
    picture(browser, f"readiness-before-fix-{lang}")

    problem.find_element(By.CSS_SELECTOR, "a.readiness-fix").click()
    for code, keywords in publisher.keywords.items():
        browser.find_element(By.ID, f"field-tags_translated-{code}").send_keys(keywords)
    press(browser, "button.btn-primary[name=save]")  # not "Unpublish"

    assert readiness_status(browser, readiness, "ready") == "ready"
    assert publisher.ready_word in browser.find_element(By.CSS_SELECTOR, ".readiness-status").text
    picture(browser, f"readiness-after-fix-{lang}")

    browser.get(f"{site.url}/{lang}/supplier-invoices/{dataset}")
    badge = browser.find_element(By.CSS_SELECTOR, ".openup-readiness-badge a")
    assert badge.get_attribute("data-status") == "ready", badge.text
    picture(browser, f"dataset-badge-ready-{lang}")
