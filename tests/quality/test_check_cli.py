"""``openup check``: text and JSON reports, exit codes 0/1/2, and never a traceback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import XSD, Literal, URIRef

from ckanext.openup.cli import openup
from ckanext.openup.profiles.namespaces import DCAT, DCT
from tests.quality.conftest import CATALOGUE, complete_catalogue, distribution_uri


def run(*args: str):
    result = CliRunner().invoke(openup, ["check", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


@pytest.fixture
def feed(tmp_path):
    path = tmp_path / "feed.rdf"
    complete_catalogue().serialize(path, format="xml")
    return path


def test_clean_catalogue_file_is_harvestable(feed):
    result = run(str(feed))
    assert result.exit_code == 0
    assert "Result: harvestable" in result.output
    assert "Total: 325 / 405: Good for the checked indicators; 80 points not checked, so at most 405" \
        in result.output
    assert "access URL accessible" in result.output and "not checked" in result.output


def test_json_report(feed):
    result = run("--json", str(feed))
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["harvestable"] is True and report["datasets"] == 2
    assert report["mqa"]["points"] == 325 and report["mqa"]["not_checked_points"] == 80
    assert report["shacl"]["conforming_datasets"] == 2
    assert {item["indicator"]: item["checked"] for item in report["mqa"]["indicators"]}["access_url_accessible"] \
        is False


def test_invalid_iri_exits_1_and_names_the_distribution(tmp_path):
    graph = complete_catalogue()
    graph.set((distribution_uri(0), DCAT.accessURL, URIRef("https://example.se/fakturor 2024.csv")))
    path = tmp_path / "feed.rdf"
    graph.serialize(path, format="xml")
    result = run(str(path))
    assert result.exit_code == 1
    assert "BLOCKING  dcat:accessURL: invalid IRI" in result.output
    assert str(distribution_uri(0)) in result.output
    assert "Result: NOT harvestable (1 blocking problem)" in result.output


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty document"),
    (b"supplier;amount\nACME;100\n", "not well-formed RDF/XML"),
    (b"<!DOCTYPE html>\n<html><body>Inloggning</body></html>", "an HTML page, not RDF"),
])
def test_broken_files_exit_1_with_a_message(tmp_path, content, message):
    path = tmp_path / "feed.rdf"
    path.write_bytes(content)
    result = run(str(path))
    assert result.exit_code == 1
    assert message in result.output and "NOT harvestable" in result.output
    result = run("--json", str(path))
    assert result.exit_code == 1 and message in json.loads(result.output)["error"]["message"]


def test_missing_file_is_a_usage_error(tmp_path):
    result = run(str(tmp_path / "nowhere.rdf"))
    assert result.exit_code == 2
    assert "neither an http(s) URL nor a readable file" in result.output


def test_url_answering_404_exits_1(loopback):
    result = run("--allow-private-addresses", loopback.url + "/organization/sundsvall/catalog")
    assert result.exit_code == 1
    assert "the server answered 404" in result.output


def test_html_login_page_exits_1(loopback):
    url = loopback.serve("/catalog", body=b"<html><body>Log in</body></html>", content_type="text/html")
    result = run("--allow-private-addresses", url)
    assert result.exit_code == 1 and "text/html, not RDF/XML" in result.output


def test_failing_sub_catalogue_exits_1(loopback):
    graph = complete_catalogue()
    graph.add((CATALOGUE, DCT.hasPart, URIRef(loopback.url + "/part.rdf")))
    url = loopback.serve("/catalog", body=graph.serialize(format="xml").encode())
    result = run("--allow-private-addresses", url)
    assert result.exit_code == 1
    assert "sub-catalogue could not be loaded" in result.output


def test_check_urls_scores_and_reports_urls_that_do_not_answer(loopback):
    graph = complete_catalogue(url_base=loopback.url + "/files")
    loopback.serve("/files/0.csv", body=b"a;b\n", content_type="text/csv")
    loopback.serve("/files/1.csv", body=b"", delay=3)
    url = loopback.serve("/catalog", body=graph.serialize(format="xml").encode())
    result = run("--allow-private-addresses", "--check-urls", "--url-timeout", "0.5", "--json", url)
    assert result.exit_code == 0  # a dead link is scored down, but does not stop the harvest
    report = json.loads(result.output)
    by_key = {item["indicator"]: item for item in report["mqa"]["indicators"]}
    assert by_key["access_url_accessible"]["points"] == 25
    assert by_key["download_url_accessible"]["points"] == 15
    assert report["mqa"]["points"] == 365 and report["mqa"]["rating"] == "Excellent"
    dead = [f for f in report["harvest_rules"]["findings"] if f["message"].startswith("URL does not answer")]
    assert {(f["property"], f["subject"]) for f in dead} == {
        ("dcat:accessURL", str(distribution_uri(1))), ("dcat:downloadURL", str(distribution_uri(1)))}


def test_help_shows_an_example():
    result = run("--help")
    assert result.exit_code == 0 and "openup check https://" in result.output


def test_unexpected_failure_is_a_message_not_a_traceback(feed, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr("ckanext.openup.cli.check.check_catalogue", broken)
    result = run(str(feed))
    assert result.exit_code == 1
    assert "the check failed (KeyError: 'surprise'). Please report this." in result.output


def test_text_report_lists_shacl_results_by_property(tmp_path):
    graph = complete_catalogue()
    graph.remove((distribution_uri(0), DCAT.byteSize, None))
    graph.add((distribution_uri(0), DCAT.byteSize, Literal("1.5", datatype=XSD.decimal)))
    path = tmp_path / "feed.rdf"
    graph.serialize(path, format="xml")
    result = run(str(path))
    assert "DCAT-AP 3.0.1 SHACL: 1 of 2 datasets conform; 1 violations" in result.output
    assert f"Violation dcat:byteSize DatatypeConstraintComponent: 1 × e.g. {distribution_uri(0)}" in result.output


def test_reports_show_dataportal_se_variant(feed):
    assert "dataportal.se's variant (no DCAT-AP compliance points, IANA media-type literals accepted as " \
        "formats): 295 / 375 (80 not checked)" in run(str(feed)).output
    report = json.loads(run("--json", str(feed)).output)
    assert report["mqa_dataportal_se"]["points"] == 295 and report["mqa_dataportal_se"]["maximum"] == 375
