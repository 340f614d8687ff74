"""DCAT-AP-SE profile, RDF -> CKAN: a harvester's parser (plain ``dataset`` type) gets supplier-invoice datasets
with their own type and schema fields; other datasets stay plain."""


import ckan.plugins.toolkit as toolkit
import pytest
from ckanext.dcat.processors import RDFParser

from tests.profiles.feeds import catalogue_graph
from tests.reference import OBLIGATORISKT
from tests.supplier_invoices import (
    SUNDSVALL,
    TAMPERE,
    VASTERAS,
    create_organisation,
    create_supplier_invoice,
    sysadmin_context,
)


def parse_as_a_harvester(text: str) -> list[dict]:
    parser = RDFParser()  # what ckanext-dcat's dcat_rdf harvester builds: dataset_type "dataset"
    parser.parse(text, _format="xml")
    return list(parser.datasets())


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.parametrize(
    ("fields", "title_language", "specification"),
    [
        (SUNDSVALL, "sv", "https://lankadedata.se/spec/leverantorsreskontra"),
        (TAMPERE, "fi", "https://www.kuntaliitto.fi/julkaisut/2021/"
                        "2112-kuntien-ja-kuntayhtymien-ostolaskudatan-avaamisen-ohje"),
    ],
)
def test_supplier_invoice_dataset_is_parsed_with_its_own_type_and_fields(fields, title_language, specification):
    organisation = create_organisation(fields)
    text, _ = catalogue_graph(organisation, [create_supplier_invoice(organisation, year=2024)])
    [dataset] = parse_as_a_harvester(text)

    assert dataset["type"] == "supplier-invoices"
    expected_titles = {"sv": "Leverantörsfakturor 2024", "en": "Supplier invoices 2024"}
    if title_language == "fi":
        expected_titles["fi"] = "Ostolaskut 2024"
    assert {lang: text for lang, text in dataset["title_translated"].items() if text} == expected_titles
    notes = f"Supplier invoices paid by {fields['title']} in 2024, one file per month."
    assert dataset["notes_translated"]["en"] == notes
    assert dataset["year"] == "2024"
    assert dataset["conforms_to"] in (specification, [specification], f'["{specification}"]')
    assert dataset["contact_email"] == fields["contact_email"]
    extras = {extra["key"] for extra in dataset["extras"]}
    assert not {"title_translated", "year", "theme", "conforms_to", "contact_email"} & extras


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_harvested_supplier_invoice_dataset_is_created_as_parsed():
    # What the dcat_rdf harvester does with each parsed dataset. Agents as lists of records are left out
    # when the schema has no such field (the publisher and contact are kept as publisher_* and contact_*):
    # CKAN 2.11 refuses records it has no schema for, where 2.12 silently drops them.
    organisation = create_organisation(SUNDSVALL)
    text, _ = catalogue_graph(organisation, [create_supplier_invoice(organisation, year=2024)])
    [dataset] = parse_as_a_harvester(text)
    assert not {"contact", "publisher", "creator", "qualified_relation"} & set(dataset)

    # A harvesting organisation with an organisation number (without one, only the harvest plugin's own
    # imports are accepted; tests/harvest covers those).
    harvesting = create_organisation(VASTERAS)
    dataset.update(name="harvested-2024", owner_org=harvesting["id"])
    created = toolkit.get_action("package_create")(sysadmin_context(), dataset)

    assert created["type"] == "supplier-invoices"
    assert created["contact_email"] == SUNDSVALL["contact_email"]
    extras = {extra["key"]: extra["value"] for extra in created["extras"]}
    assert extras["publisher_uri"] == "http://dataportal.se/organisation/SE2120002411"
    assert extras["publisher_identifier"] == "2120002411"


@pytest.mark.usefixtures("with_plugins")
def test_other_datasets_stay_plain_datasets():
    [dataset] = parse_as_a_harvester(OBLIGATORISKT.read_text(encoding="utf-8"))
    assert dataset.get("type") in (None, "dataset")
    assert dataset["title"] == "Matvaruaffärer i Sverige"
    assert "title_translated" not in dataset
