"""A citizen in a real browser answers "how much did Sundsvalls kommun pay this supplier in 2026?" from the
home page in at most three clicks, and the figure is the DataStore's own sum over the same rows.

Pictures of every explorer page in Swedish and Finnish are docs/images/spending-<page>-<sv|fi>.png, written
anew when OPENUP_DOCS_IMAGES=1 is set (otherwise they go to test-artifacts/ only, leaving the tree clean).
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from ckanext.openup.demo.invoices import month_csv
from ckanext.openup.demo.seed import municipalities
from ckanext.openup.publishing.metadata import dataset_name
from tests.browser.chromium import ARTIFACTS, require_chromium
from tests.live_ckan import LiveCkan

PLUGINS = "openup_search openup datastore datatables_view scheming_datasets scheming_organizations dcat"
CONFIG = ("ckanext.dcat.rdf.profiles = dcat_ap_se\nckanext.openup.rows.background = false\n"
          "ckan.locales_offered = sv en fi\nckan.datastore.sqlsearch.enabled = true")
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
YEAR = 2026
MONTHS = (1,)


@pytest.fixture(scope="module")
def site():
    require_chromium()  # before starting a CKAN the test could not use
    ckan = LiveCkan("browser_spending", plugins=PLUGINS, extra_config=CONFIG).start()
    yield ckan
    ckan.stop()


@pytest.fixture(scope="module")
def demo(site):
    """Sundsvall's and Tampere's demo organisations with the first months of 2026, loaded on upload."""
    organisations, months = {}, {}
    for organisation in municipalities():
        if organisation["name"] not in ("sundsvalls-kommun", "tampereen-kaupunki"):
            continue
        site.action("organization_create", **{key: value for key, value in organisation.items()
                                               if key not in ("dataset", "ledger")})
        spec = organisation["dataset"]
        name = dataset_name(organisation["name"], YEAR, organisation["country"])
        dataset = site.action("package_create", type="supplier-invoices", name=name,
                              owner_org=organisation["name"], title_translated=spec["title"],
                              notes_translated=spec["notes"], year=YEAR, license_id="cc-zero", resources=[])
        months[organisation["name"]] = [_upload(site, dataset, organisation, month) for month in MONTHS]
        organisations[organisation["name"]] = organisation
    return organisations, months


def _upload(site, dataset: dict, organisation: dict, month: int) -> dict:
    name = f"invoices-{YEAR}-{month:02d}.csv"
    response = requests.post(
        f"{site.url}/api/3/action/resource_create", headers={"Authorization": site.admin_token},
        data={"package_id": dataset["id"], "name": f"{YEAR}-{month:02d}", "format": "CSV",
              "period": f"{YEAR}-{month:02d}", "url": name},
        files={"upload": (name, month_csv(organisation, YEAR, month), "text/csv")}, timeout=300)
    assert response.json()["success"], response.text
    return response.json()["result"]


def _largest_supplier(site, organisation: str) -> dict:
    """The organisation's largest supplier of 2026 known by an organisation number or Y-tunnus."""
    groups = site.action("openup_spending", organization=organisation, year=YEAR, group_by="supplier",
                         limit=20)["groups"]
    return next(group for group in groups if group["kind"] in ("orgnr", "ytunnus"))


def _swedish_amount(text: str) -> Decimal:
    """``1 234 567,89 kr`` as a number."""
    return Decimal(text.replace("kr", "").replace("\xa0", "").replace("\u202f", "").replace(" ", "")
                   .replace(",", ".").replace("−", "-"))


def test_citizen_finds_what_sundsvall_paid_a_supplier_in_2026_in_three_clicks(site, demo, browser):
    _organisations, months = demo
    supplier = _largest_supplier(site, "sundsvalls-kommun")
    tables = " UNION ALL ".join(f'SELECT belopp FROM "{month["id"]}" WHERE leverantor_id = \'{supplier["number"]}\''
                                for month in months["sundsvalls-kommun"])
    response = requests.get(f"{site.url}/api/3/action/datastore_search_sql", timeout=60,
                            params={"sql": f"SELECT sum(belopp) AS total FROM ({tables}) AS rows"},
                            headers={"Authorization": site.admin_token})
    assert response.ok, response.text
    [row] = response.json()["result"]["records"]
    datastore_sum = Decimal(str(row["total"])).quantize(Decimal("0.01"))

    clicks = 0
    browser.get(f"{site.url}/sv/")
    search = browser.find_element(By.ID, "spending-supplier-search")
    search.send_keys(supplier["label"].lower() + Keys.ENTER)  # 1: search (typing is no click)
    clicks += 1
    browser.find_element(By.LINK_TEXT, supplier["label"]).click()  # 2: the supplier
    clicks += 1
    buyer = browser.find_element(By.XPATH, "//table[caption[contains(., 'per köpare och år')]]"
                                           "//tr[th[contains(., 'Sundsvalls kommun')]]")
    headings = [cell.text for cell in browser.find_elements(
        By.XPATH, "//table[caption[contains(., 'per köpare och år')]]//thead//th")]
    shown = buyer.find_elements(By.CSS_SELECTOR, "td")[headings.index(str(YEAR)) - 1].text
    assert clicks <= 3
    assert shown.endswith("kr") and _swedish_amount(shown) == datastore_sum
    assert Decimal(supplier["amount"]) == datastore_sum


PAGES = {
    "home": "/{lang}/",
    "catalogue": "/{lang}/spending",
    "organisation": "/{lang}/organization/{organisation}/spending",
    "supplier": "/{lang}/spending/supplier/{supplier}",
    "suppliers": "/{lang}/spending/suppliers?q={query}",
}
# Swedish pictures show Sundsvall, Finnish ones Tampere (euros written the Finnish way).
LANGUAGES = {"sv": "sundsvalls-kommun", "fi": "tampereen-kaupunki"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_explorer_page_in_swedish_and_finnish(site, demo, browser, lang):
    organisation = LANGUAGES[lang]
    supplier = _largest_supplier(site, organisation)
    money = "kr" if lang == "sv" else "€"
    for page, address in PAGES.items():
        browser.set_window_size(1280, 1400)
        browser.get(site.url + address.format(lang=lang, organisation=organisation, supplier=supplier["key"],
                                              query=supplier["label"].split()[0]))
        text = browser.find_element(By.TAG_NAME, "body").text
        assert money in text, (page, text[:500])
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith(lang)
        name = f"spending-{page}-{lang}.png"
        browser.save_screenshot(str(DOCS_IMAGES / name if os.environ.get("OPENUP_DOCS_IMAGES") == "1"
                                    else _artifact(name)))


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
