"""Each language of a dataset is stemmed with its own rules, in one catalogue of Swedish and Finnish publishers."""

import ckan.plugins.toolkit as toolkit
import pytest

from tests.supplier_invoices import SUNDSVALL, TAMPERE, create_organisation, create_supplier_invoice

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def found(q: str) -> list[str]:
    result = toolkit.get_action("package_search")({"ignore_auth": True}, {"q": q, "rows": 50})
    return sorted(dataset["name"] for dataset in result["results"])


@pytest.fixture
def catalogue() -> dict[str, str]:
    """Sundsvall's (Swedish) and Tampere's (Finnish, with Swedish and English too) datasets for 2025."""
    sundsvall = create_supplier_invoice(
        create_organisation(SUNDSVALL),
        title_translated={"sv": "Betalda leverantörsfakturor 2025", "en": "Paid supplier invoices 2025"},
        notes_translated={"sv": "En fil per månad.", "en": "One file per month."},
        tags_translated={"sv": ["leverantörsfakturor", "inköp"], "en": ["procurement"]},
        resources=[],
    )
    tampere = create_supplier_invoice(
        create_organisation(TAMPERE),
        title_translated={"fi": "Ostolaskut 2025", "sv": "Inköpsfakturor 2025", "en": "Purchase invoices 2025"},
        notes_translated={"fi": "Kaupungin hankinnat kuukausittain.", "sv": "Stadens inköp per månad.",
                          "en": "The city's purchases by month."},
        tags_translated={"fi": ["ostolaskut", "hankinnat"], "sv": ["inköp"], "en": ["purchases"]},
        resources=[],
    )
    return {"sundsvall": sundsvall["name"], "tampere": tampere["name"]}


@pytest.mark.parametrize("q", ["ostolasku", "ostolaskuja", "ostolaskujen", "Ostolaskut"])
def test_finnish_inflections_find_the_finnish_dataset(catalogue, q):
    assert found(q) == [catalogue["tampere"]]


@pytest.mark.parametrize("q", ["laskut", "laskuja"])
def test_last_part_of_a_finnish_compound_finds_it(catalogue, q):
    assert found(q) == [catalogue["tampere"]]


@pytest.mark.parametrize("q", ["fakturor", "faktura", "fakturorna"])
def test_swedish_inflections_find_the_last_part_of_both_swedish_compounds(catalogue, q):
    # leverantörsfakturor (Sundsvall) and inköpsfakturor (Tampere's Swedish title)
    assert found(q) == sorted(catalogue.values())


def test_a_whole_swedish_compound_in_another_form_finds_its_dataset(catalogue):
    assert found("leverantörsfaktura") == [catalogue["sundsvall"]]


def test_english_plural_finds_the_singular(catalogue):
    assert found("invoice") == sorted(catalogue.values())
    assert found("purchase") == [catalogue["tampere"]]


@pytest.mark.parametrize("q", ["hankinta", "hankinnan"])
def test_finnish_word_for_procurement_finds_only_what_says_it_in_finnish(catalogue, q):
    # Snowball's Finnish rules do not undo consonant gradation: "hankintoja" stems apart (docs/search-backend.md).
    assert found(q) == [catalogue["tampere"]]


@pytest.mark.parametrize("q", ["fakturor och inköp", "ostolaskut ja hankinnat", "the invoices"])
def test_a_stop_word_of_any_language_does_not_hide_a_match(catalogue, q):
    assert found(q) != []
