"""A second CKAN with ckanext-harvest harvests an organisation's DCAT-AP-SE feed over loopback HTTP.

The way avoindata.fi (a CKAN) would read us: ``dcat_rdf`` harvest source on the organisation's harvest URL,
``ckan harvester run-test``. Expected values come from what the test sent to the source catalogue, never
from the source's or the harvester's own output.
"""

from __future__ import annotations

import json

import pytest
import requests

from tests.live_ckan import LiveCkan
from tests.supplier_invoices import SUNDSVALL, supplier_invoice

SOURCE_PLUGINS = "openup_search openup scheming_datasets scheming_organizations dcat"
HARVESTER_PLUGINS = "openup_search openup scheming_datasets scheming_organizations harvest dcat dcat_rdf_harvester"
PROFILES = "ckanext.dcat.rdf.profiles = dcat_ap_se"

LANKADEDATA_SPECIFICATION = "https://lankadedata.se/spec/leverantorsreskontra"
SUNDSVALL_PUBLISHER = "http://dataportal.se/organisation/SE2120002411"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
YEARS = (2024, 2025)
PRIVATE_YEAR = 2023
CORRECTED_TITLE = "Supplier invoices 2025 (corrected)"


@pytest.fixture(scope="module")
def source():
    with LiveCkan("harvest_source", plugins=SOURCE_PLUGINS, extra_config=PROFILES) as ckan:
        yield ckan


@pytest.fixture(scope="module")
def harvester():
    # Stopped also when its harvest tables fail to upgrade, before any test has run.
    with LiveCkan("harvester", plugins=HARVESTER_PLUGINS, extra_config=PROFILES) as ckan:
        ckan.ckan("db", "upgrade", "-p", "harvest")
        yield ckan


@pytest.fixture(scope="module")
def sent(source):
    """What the publisher sent to the source catalogue: two public years and a private one."""
    organisation = source.action("organization_create", **SUNDSVALL)
    public = {year: supplier_invoice(organisation, year=year) for year in YEARS}
    ids = {year: source.action("package_create", **dataset)["id"] for year, dataset in public.items()}
    private = supplier_invoice(organisation, year=PRIVATE_YEAR, private=True)
    source.action("package_create", **private)
    return {"organisation": organisation, "public": public, "ids": ids, "private": private}


@pytest.fixture(scope="module")
def first_harvest(source, harvester, sent):
    """The harvester's organisation (no organisation number) with a dcat_rdf source on the feed, harvested once."""
    local_org = harvester.action("organization_create", name="sundsvall-harvested", title="Sundsvall (skördat)")
    harvester.action(
        "harvest_source_create", name="sundsvall-feed", title="Sundsvalls kommun",
        url=f"{source.url}/organization/{sent['organisation']['name']}/catalog.rdf", source_type="dcat_rdf",
        owner_org=local_org["id"], frequency="MANUAL", config=json.dumps({"rdf_format": "application/rdf+xml"}),
    )
    harvest(harvester, "sundsvall-feed")
    return {"local_org": local_org, "arrived": harvested(harvester)}


def harvest(harvester: LiveCkan, source_name: str) -> None:
    # ckanext-harvest 1.6.3 re-indexes a source after each job with its unvalidated dict as CKAN 2.12's
    # validated cache, so the next `run-test` finds no `source_type` (KeyError). CKAN's own re-index mends it.
    harvester.ckan("search-index", "rebuild", source_name)
    result = harvester.ckan("harvester", "run-test", source_name)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


def harvested(harvester: LiveCkan) -> dict[str, dict]:
    """The harvester's datasets (private ones too) by Swedish title; plain ``dataset`` ones by name."""
    found = harvester.action("package_search", rows=100, include_private=True)["results"]
    return {(dataset.get("title_translated") or {}).get("sv") or dataset["name"]: dataset for dataset in found}


def extras(dataset: dict) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in dataset.get("extras", [])}


def harvest_errors(harvester: LiveCkan) -> str:
    """The import errors of the last job, for assertion messages."""
    source_id = harvester.action("harvest_source_show", id="sundsvall-feed")["id"]
    job = harvester.action("harvest_job_list", source_id=source_id)[0]
    report = harvester.action("harvest_job_report", id=job["id"])
    return json.dumps(report.get("object_errors"), ensure_ascii=False)[:3000]


def test_every_public_dataset_arrives_as_a_supplier_invoice_dataset_with_its_description(
    source, sent, first_harvest, harvester
):
    arrived = first_harvest["arrived"]
    assert sorted(arrived) == [f"Leverantörsfakturor {year}" for year in YEARS], harvest_errors(harvester)
    for year, original in sent["public"].items():
        copy = arrived[f"Leverantörsfakturor {year}"]
        assert copy["type"] == "supplier-invoices"
        assert copy["owner_org"] == first_harvest["local_org"]["id"]
        assert copy["title_translated"] == original["title_translated"]
        assert copy["notes_translated"] == original["notes_translated"]
        assert copy["title"] == original["title_translated"]["sv"]
        assert {lang: sorted(words) for lang, words in copy["tags_translated"].items()} == {
            lang: sorted(words) for lang, words in original["tags_translated"].items()
        }
        assert sorted(copy["theme"]) == sorted(original["theme"])
        assert copy["year"] == str(year)
        assert (extras(copy)["temporal_start"], extras(copy)["temporal_end"]) == (f"{year}-01-01", f"{year}-12-31")
        assert copy["spatial_uri"] == SUNDSVALL["spatial_uri"]
        assert copy["conforms_to"] == LANKADEDATA_SPECIFICATION
        assert copy["license_id"] == original["license_id"]
        assert copy["issued"] == original["issued"]
        # The publisher and contact are the municipality's, not the harvesting organisation's.
        assert (copy["contact_name"], copy["contact_email"]) == (SUNDSVALL["title"], SUNDSVALL["contact_email"])
        publisher = extras(copy)
        assert publisher["publisher_uri"] == SUNDSVALL_PUBLISHER
        assert publisher["publisher_name"] == SUNDSVALL["title"]
        assert publisher["publisher_identifier"] == "2120002411"
        assert publisher["guid"] == f"{source.url}/dataset/{sent['ids'][year]}"

        sent_files = {r["url"]: r for r in original["resources"]}
        assert sorted(r["url"] for r in copy["resources"]) == sorted(sent_files)
        for resource in copy["resources"]:
            expected = sent_files[resource["url"]]
            for field in ("name", "description", "format", "size", "hash", "hash_algorithm", "rights"):
                assert resource[field] == expected[field], field
            assert resource["mimetype"] == "text/csv"
            assert resource["download_url"] == expected["url"]
            assert resource["license"] == CC_BY


def test_private_dataset_never_arrives(sent, first_harvest, harvester):
    private_title = sent["private"]["title_translated"]["sv"]
    assert private_title not in first_harvest["arrived"]
    assert harvester.action("package_search", q=f'"{private_title}"', include_private=True)["count"] == 0
    everything = json.dumps(harvester.action("package_search", rows=100, include_private=True),
                            ensure_ascii=False)
    assert private_title not in everything and sent["private"]["name"] not in everything


def test_harvested_titles_are_searchable_in_the_harvester(first_harvest, harvester):
    for query, language, title in (
        ("leverantörsfakturor 2025", "sv", "Leverantörsfakturor 2025"),
        ("supplier invoices 2025", "en", "Supplier invoices 2025"),
    ):
        found = harvester.action("package_search", q=query)["results"]
        assert [d["title_translated"][language] for d in found][:1] == [title], query
    page = requests.get(f"{harvester.url}/dataset/", params={"q": "Leverantörsfakturor"}, timeout=60)
    assert page.status_code == 200
    assert all(f"Leverantörsfakturor {year}" in page.text for year in YEARS)


def test_edits_and_deletions_on_the_source_arrive_with_the_next_harvest(source, sent, first_harvest, harvester):
    edited = dict(sent["public"][2025]["title_translated"], en=CORRECTED_TITLE)
    source.action("package_patch", id=sent["ids"][2025], title_translated=edited)
    source.action("package_delete", id=sent["ids"][2024])
    harvest(harvester, "sundsvall-feed")

    arrived = harvested(harvester)
    assert sorted(arrived) == ["Leverantörsfakturor 2025"], harvest_errors(harvester)
    copy = arrived["Leverantörsfakturor 2025"]
    assert copy["title_translated"] == edited
    assert copy["id"] == first_harvest["arrived"]["Leverantörsfakturor 2025"]["id"]
    assert [d["id"] for d in harvester.action("package_search", q="corrected")["results"]] == [copy["id"]]
