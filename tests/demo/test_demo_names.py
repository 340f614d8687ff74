"""The demo names its datasets and monthly files the way `openup publish` and the guides do."""

from __future__ import annotations

import ckan.plugins.toolkit as toolkit
import pytest

from ckanext.openup.demo import seed
from ckanext.openup.demo.invoices import month_csv
from ckanext.openup.publishing.metadata import dataset_name, monthly_file_name

YEAR = 2026
# The national names: leverantörsfakturor (Sweden), ostolaskut (Finland), after the organisation's URL name.
EXPECTED = {
    "sundsvalls-kommun": ("sundsvalls-kommun-leverantorsfakturor-2026",
                          "sundsvalls-kommun-leverantorsfakturor-2026-01.csv"),
    "tampereen-kaupunki": ("tampereen-kaupunki-ostolaskut-2026", "tampereen-kaupunki-ostolaskut-2026-01.csv"),
}


def demo_municipality(name: str) -> dict:
    return next(organisation for organisation in seed.municipalities() if organisation["name"] == name)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_demo_dataset_and_month_file_carry_the_national_names_publish_uses(name):
    organisation = demo_municipality(name)
    context = {"user": seed._ensure_admin()["name"], "ignore_auth": True}
    seed._ensure_organization(context, organisation)

    dataset, _created = seed._ensure_dataset(context, organisation, YEAR)
    seed._upload_month(context, dataset, organisation, YEAR, 1, month_csv(organisation, YEAR, 1, rows=3))

    shown = toolkit.get_action("package_show")(dict(context), {"id": dataset["id"]})
    expected_dataset, expected_file = EXPECTED[name]
    assert shown["name"] == expected_dataset == dataset_name(name, YEAR, organisation["country"])
    assert [resource["name"] for resource in shown["resources"]] == [f"{YEAR}-01"]
    assert shown["resources"][0]["url"].rsplit("/", 1)[-1] == expected_file
    assert monthly_file_name(name, f"{YEAR}-01", organisation["country"]) == expected_file


def test_every_demo_dataset_is_named_after_its_organisation_and_country():
    for organisation in seed.municipalities():
        word = "ostolaskut" if organisation["country"] == "FI" else "leverantorsfakturor"
        expected = f"{organisation['name']}-{word}-{YEAR}"
        assert dataset_name(organisation["name"], YEAR, organisation["country"]) == expected
