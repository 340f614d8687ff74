"""A dataset's keywords (tags_translated) fill CKAN's tags: tag facets and the home page's popular tags."""

import ckan.plugins.toolkit as toolkit
import pytest
from bs4 import BeautifulSoup

from tests.supplier_invoices import SUNDSVALL, TAMPERE, create_organisation, create_supplier_invoice

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def search(**params) -> dict:
    return toolkit.get_action("package_search")({"ignore_auth": True}, params)


@pytest.fixture
def catalogue() -> dict[str, str]:
    sundsvall = create_organisation(SUNDSVALL)
    datasets = [create_supplier_invoice(sundsvall, year=year) for year in (2024, 2025)]
    tampere = create_supplier_invoice(create_organisation(TAMPERE))
    return {"sundsvall-2024": datasets[0]["name"], "sundsvall-2025": datasets[1]["name"], "tampere": tampere["name"]}


def test_tag_facet_counts_every_language_of_the_keywords(catalogue):
    facets = search(**{"facet.field": ["tags"], "rows": 0})["facets"]["tags"]
    assert facets == {"leverantörsfakturor": 3, "inköp": 3, "supplier invoices": 3, "procurement": 3,
                      "ostolaskut": 1, "hankinnat": 1}


def test_clicking_a_keyword_in_the_tag_facet_finds_its_datasets(catalogue):
    found = search(fq='tags:"ostolaskut"')["results"]
    assert [dataset["name"] for dataset in found] == [catalogue["tampere"]]
    assert search(fq='tags:"leverantörsfakturor"')["count"] == 3


def test_home_page_shows_the_keywords_as_popular_tags(app, catalogue):
    page = BeautifulSoup(app.get("/sv/").get_data(as_text=True), "html.parser")
    shown = [link.get_text(strip=True) for link in page.select(".tags a.tag")]
    assert len(shown) == 3
    assert set(shown) <= {"leverantörsfakturor", "inköp", "supplier invoices", "procurement"}
