"""``openup publish`` against a real CKAN with the extension, over loopback HTTP."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
import requests
from rdflib import Graph, Namespace, URIRef

from ckanext.openup.procurement.inspection import inspect_invoice_file
from ckanext.openup.procurement.variants import SPEC_URI
from ckanext.openup.vocabularies import COUNTRIES
from tests.file_host import hosted_folder
from tests.publishing.conftest import publish
from tests.publishing.invoices import PERSONNUMMER, month_file, prepared_months, raw_export
from tests.supplier_invoices import supplier_invoice

YEAR = 2025
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
SPDX = Namespace("http://spdx.org/rdf/terms#")


def dataset_of(site, organisation, year=YEAR):
    return site.action("package_show", id=f"{organisation['name']}-leverantorsfakturor-{year}")


def by_period(dataset):
    return {resource["period"]: resource for resource in dataset["resources"]}


def download(site, resource) -> bytes:
    response = requests.get(resource["url"], headers={"Authorization": site.admin_token}, timeout=60)
    response.raise_for_status()
    return response.content


def no_dataset(site, organisation, year=YEAR) -> bool:
    with pytest.raises(AssertionError, match="Not found"):
        dataset_of(site, organisation, year)
    return True


def test_first_publish_creates_the_year_with_one_uploaded_resource_per_month(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1, 2, 3])

    result = publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared)

    assert result.exit_code == 0, result.output
    dataset = dataset_of(site, organisation)
    assert dataset["state"] == "active"
    assert dataset["type"] == "supplier-invoices"
    assert str(dataset["year"]) == str(YEAR)
    # The dataset cites the specification (as every year of the series does), each file its version.
    assert dataset["conforms_to"] == COUNTRIES["SE"]["conforms_to"] != SPEC_URI
    assert dataset["spatial_uri"] == organisation["spatial_uri"]
    assert dataset["contact_email"] == organisation["contact_email"]
    assert dataset["title_translated"]["sv"] == f"Leverantörsfakturor {YEAR}"
    resources = by_period(dataset)
    assert sorted(resources) == ["2025-01", "2025-02", "2025-03"]
    for month, resource in resources.items():
        local = month_file(prepared, YEAR, int(month[-2:])).read_bytes()
        assert resource["name"] == month
        assert resource["url_type"] == "upload"
        assert resource["format"] == "CSV"
        assert resource["mimetype"] == "text/csv"
        assert int(resource["size"]) == len(local)
        assert resource["hash"] == hashlib.sha256(local).hexdigest()
        assert resource["hash_algorithm"] == "sha256"
        assert resource["conforms_to"] == SPEC_URI
        assert f"{month}-01" in resource["description"]
        assert download(site, resource) == local


def test_published_months_rows_are_in_the_datastore_with_the_totals_inspect_prints(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1, 2])

    result = publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared)

    assert result.exit_code == 0, result.output
    for month, resource in by_period(dataset_of(site, organisation)).items():
        summary = inspect_invoice_file(month_file(prepared, YEAR, int(month[-2:]))).summary
        found = site.action("datastore_search_sql", token=site.admin_token,
                            sql=f'SELECT count(*) AS n, sum(belopp) AS total FROM "{resource["id"]}"')
        [totals] = found["records"]
        assert (int(totals["n"]), Decimal(str(totals["total"]))) == (summary.rows, summary.total_amount)


def test_second_run_changes_nothing(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1, 2])
    args = ("--org", organisation["name"], "--year", YEAR, prepared)
    assert publish(site.url, site.admin_token, *args).exit_code == 0
    before = dataset_of(site, organisation)

    again = publish(site.url, site.admin_token, *args)

    assert again.exit_code == 0, again.output
    assert "Nothing to do" in again.output
    after = dataset_of(site, organisation)
    assert after["metadata_modified"] == before["metadata_modified"]
    assert [(r["id"], r["metadata_modified"]) for r in after["resources"]] == [
        (r["id"], r["metadata_modified"]) for r in before["resources"]
    ]


def test_a_changed_month_is_replaced_not_duplicated(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path / "first", YEAR, [1, 2, 3])
    assert publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared).exit_code == 0
    before = by_period(dataset_of(site, organisation))
    corrected = prepared_months(tmp_path / "second", YEAR, [2], rows_per_month=25)  # February re-exported

    result = publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, corrected)

    assert result.exit_code == 0, result.output
    dataset = dataset_of(site, organisation)
    assert [r["period"] for r in dataset["resources"]].count("2025-02") == 1
    after = by_period(dataset)
    assert sorted(after) == ["2025-01", "2025-02", "2025-03"]
    new_february = month_file(corrected, YEAR, 2).read_bytes()
    assert after["2025-02"]["id"] == before["2025-02"]["id"]
    assert after["2025-02"]["hash"] == hashlib.sha256(new_february).hexdigest() != before["2025-02"]["hash"]
    assert int(after["2025-02"]["size"]) == len(new_february)
    assert download(site, after["2025-02"]) == new_february
    for month in ("2025-01", "2025-03"):
        assert after[month]["metadata_modified"] == before[month]["metadata_modified"]


def test_dry_run_shows_the_plan_and_changes_nothing(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path / "first", YEAR, [1, 2])
    args = ("--org", organisation["name"], "--year", YEAR)

    first = publish(site.url, site.admin_token, *args, prepared, "--dry-run")

    assert first.exit_code == 0, first.output
    assert "would create (private until every month is in, then public)" in first.output
    assert f"2025-01  would create    {month_file(prepared, YEAR, 1)} (20 rows, 3 342 bytes; not on the site)" in (
        first.output
    )
    assert no_dataset(site, organisation)

    assert publish(site.url, site.admin_token, *args, prepared).exit_code == 0
    before = dataset_of(site, organisation)
    corrected = prepared_months(tmp_path / "second", YEAR, [2, 3], rows_per_month=7)
    dry = publish(site.url, site.admin_token, *args, corrected, "--dry-run")

    assert dry.exit_code == 0, dry.output
    assert "2025-02  would replace" in dry.output
    assert "2025-03  would create" in dry.output
    assert dataset_of(site, organisation)["metadata_modified"] == before["metadata_modified"]


def test_json_report_lists_each_month_done_and_a_second_run_keeps_them(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1, 2])
    args = ("--org", organisation["name"], "--year", YEAR, prepared, "--json")

    first = publish(site.url, site.admin_token, *args)

    assert first.exit_code == 0, first.output
    document = json.loads(first.stdout)
    assert (document["ok"], document["exit_code"], document["dry_run"]) == (True, 0, False)
    assert document["dataset"]["action"] == "create"
    assert document["dataset"]["url"] == f"{site.url}/dataset/{organisation['name']}-leverantorsfakturor-{YEAR}"
    assert [(m["month"], m["action"], m["done"]) for m in document["months"]] == [
        ("2025-01", "create", True),
        ("2025-02", "create", True),
    ]
    sha = hashlib.sha256(month_file(prepared, YEAR, 1).read_bytes()).hexdigest()
    assert document["months"][0]["sha256"] == sha

    again = json.loads(publish(site.url, site.admin_token, *args).stdout)
    assert again["dataset"]["action"] == "keep"
    assert {m["action"] for m in again["months"]} == {"keep"}


def test_json_report_of_a_refusal_says_why_without_the_number(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1])
    january = month_file(prepared, YEAR, 1)
    january.write_text(january.read_text(encoding="utf-8").replace("5560160680", PERSONNUMMER, 1), encoding="utf-8")

    result = publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared, "--json")

    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert (document["ok"], document["exit_code"]) == (False, 1)
    assert "personal identity numbers must never be published" in document["error"]["message"]
    assert any("contains a personnummer" in detail for detail in document["error"]["details"])
    assert PERSONNUMMER not in result.output
    assert no_dataset(site, organisation)


def test_a_file_with_a_personnummer_is_refused_and_nothing_is_uploaded(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1, 2])
    february = month_file(prepared, YEAR, 2)
    lines = february.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("5560160680", PERSONNUMMER)  # a sole trader's number typed in by hand
    february.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared)

    assert result.exit_code == 1
    assert f"{february}, line 4, column 'leverantor_id': contains a personnummer" in result.output
    assert "nothing was uploaded" in result.output
    assert PERSONNUMMER not in result.output
    assert no_dataset(site, organisation)


def test_bad_token_exits_2_and_is_never_shown(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1])
    token = "openup-not-a-real-token-3141592653"

    result = publish(site.url, token, "--org", organisation["name"], "--year", YEAR, prepared)

    assert result.exit_code == 2
    assert "did not accept the API token from the environment variable OPENUP_CKAN_TOKEN" in result.output
    assert token not in result.output
    assert "Traceback" not in result.output
    assert no_dataset(site, organisation)


def test_unknown_organisation_is_a_usage_error(site, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1])
    result = publish(site.url, site.admin_token, "--org", "no-such-kommun", "--year", YEAR, prepared)
    assert result.exit_code == 2
    assert "has no organisation 'no-such-kommun'" in result.output


def test_unreachable_site_is_a_usage_error_without_traceback(tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1])
    result = publish("http://127.0.0.1:9", "some-token", "--org", "x", "--year", YEAR, prepared)
    assert result.exit_code == 2
    assert "Cannot reach http://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def test_a_site_that_rejects_the_dataset_shows_each_field(site, tmp_path):
    nameless = site.action(
        "organization_create", name="kommun-without-number", title="Kommun utan organisationsnummer",
        contact_email="data@example.se",
    )
    prepared = prepared_months(tmp_path, YEAR, [1])

    result = publish(site.url, site.admin_token, "--org", nameless["name"], "--year", YEAR, prepared)

    assert result.exit_code == 1
    assert "CKAN refused package_create:" in result.output
    assert "owner_org: The organisation 'Kommun utan organisationsnummer' has no valid organisationsnummer" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_linked_files_point_at_the_given_base_and_are_kept_on_the_next_run(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1, 2])
    with hosted_folder(prepared) as base:
        args = ("--org", organisation["name"], "--year", YEAR, prepared, "--link-base", f"{base}/")

        result = publish(site.url, site.admin_token, *args)

        assert result.exit_code == 0, result.output
        resources = by_period(dataset_of(site, organisation))
        january = resources["2025-01"]
        assert january["url"] == f"{base}/leverantorsreskontra-2025-2025-01.csv"
        assert january["url_type"] in ("", None)
        assert january["hash"] == hashlib.sha256(month_file(prepared, YEAR, 1).read_bytes()).hexdigest()
        assert january["rows"] == 20
        before = dataset_of(site, organisation)["metadata_modified"]
        assert "Nothing to do" in publish(site.url, site.admin_token, *args).output
        assert dataset_of(site, organisation)["metadata_modified"] == before


def test_raw_export_is_refused_with_the_prepare_command(site, organisation, tmp_path):
    raw = raw_export(tmp_path, YEAR, [1], name="export.csv")
    raw.write_text(raw.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    result = publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, raw)
    assert result.exit_code == 2
    assert "not a prepared file" in result.output
    assert f"openup prepare {raw}" in result.output


def test_an_editor_of_the_organisation_can_publish_and_one_of_another_cannot(site, organisation, tmp_path):
    editor = f"editor-{organisation['name']}"
    site.ckan("user", "add", editor, f"email={editor}@example.org", "password=editor-password-123")
    site.action("organization_member_create", id=organisation["id"], username=editor, role="editor")
    token = site.ckan("user", "token", "add", editor, "publish").stdout.strip().splitlines()[-1].strip()
    other = site.action("organization_create", name=f"other-{organisation['name']}", title="Annan kommun",
                        organization_number="212000-1355", contact_email="data@example.se")
    prepared = prepared_months(tmp_path, YEAR, [1, 2])

    refused = publish(site.url, token, "--org", other["name"], "--year", YEAR, prepared)
    published = publish(site.url, token, "--org", organisation["name"], "--year", YEAR, prepared)

    assert refused.exit_code == 2
    assert f"The token's user may not publish datasets in '{other['name']}'" in refused.output
    assert token not in refused.output
    assert published.exit_code == 0, published.output
    dataset = dataset_of(site, organisation)
    assert dataset["state"] == "active"
    assert sorted(by_period(dataset)) == ["2025-01", "2025-02"]


def test_a_dataset_made_by_hand_under_another_name_is_found_and_its_months_replaced(site, organisation, tmp_path):
    handmade = site.action(
        "package_create", **supplier_invoice(organisation, year=YEAR, name=f"{organisation['name']}-lf")
    )
    prepared = prepared_months(tmp_path, YEAR, [1, 2])

    result = publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared)

    assert result.exit_code == 0, result.output
    assert "2025-01  replace" in result.output
    found = site.action("package_search", fq=f'owner_org:"{organisation["id"]}"', include_private=True)
    assert [dataset["name"] for dataset in found["results"]] == [handmade["name"]]
    dataset = site.action("package_show", id=handmade["id"])
    assert [r["id"] for r in dataset["resources"]] == [r["id"] for r in handmade["resources"]]
    for resource in dataset["resources"]:
        local = month_file(prepared, YEAR, int(resource["period"][-2:])).read_bytes()
        assert resource["url_type"] == "upload"
        assert download(site, resource) == local
    assert dataset["title_translated"] == handmade["title_translated"]  # the publisher's own texts stay


def test_a_deleted_dataset_for_the_year_is_not_silently_restored(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1])
    args = ("--org", organisation["name"], "--year", YEAR, prepared)
    assert publish(site.url, site.admin_token, *args).exit_code == 0
    site.action("package_delete", id=f"{organisation['name']}-leverantorsfakturor-{YEAR}")

    result = publish(site.url, site.admin_token, *args)

    assert result.exit_code == 1
    assert f"The dataset {organisation['name']}-leverantorsfakturor-{YEAR} for {YEAR} was deleted" in result.output
    assert dataset_of(site, organisation)["state"] == "deleted"


def test_the_published_dataset_describes_each_month_in_its_dcat_ap_se_record(site, organisation, tmp_path):
    prepared = prepared_months(tmp_path, YEAR, [1, 2])
    assert publish(site.url, site.admin_token, "--org", organisation["name"], "--year", YEAR, prepared).exit_code == 0
    dataset = dataset_of(site, organisation)

    record = requests.get(f"{site.url}/dataset/{dataset['name']}.ttl", timeout=60)
    graph = Graph().parse(data=record.text, format="turtle")

    [dataset_ref] = set(graph.subjects(DCAT.distribution, None))
    assert set(graph.objects(dataset_ref, DCT.conformsTo)) == {URIRef(COUNTRIES["SE"]["conforms_to"])}
    [series] = set(graph.objects(dataset_ref, DCAT.inSeries))
    assert set(graph.objects(series, DCT.conformsTo)) == set(graph.objects(dataset_ref, DCT.conformsTo))
    assert (dataset_ref, DCT.spatial, URIRef(organisation["spatial_uri"])) in graph
    checksums = set()
    for distribution in graph.objects(dataset_ref, DCAT.distribution):
        assert set(graph.objects(distribution, DCT.conformsTo)) == {URIRef(SPEC_URI)}
        assert int(graph.value(distribution, DCAT.byteSize)) in {
            month_file(prepared, YEAR, month).stat().st_size for month in (1, 2)
        }
        checksums.add(str(graph.value(graph.value(distribution, SPDX.checksum), SPDX.checksumValue)))
    assert checksums == {hashlib.sha256(month_file(prepared, YEAR, m).read_bytes()).hexdigest() for m in (1, 2)}
