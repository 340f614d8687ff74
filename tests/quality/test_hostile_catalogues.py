"""``openup check`` on a hostile catalogue: bounded time and memory, and no request to our own network.

Each test is a reproduction from issue 9. Private addresses other than loopback are only ever refused,
never connected to: ``no_connections`` fails the test on any connection attempt.
"""

from __future__ import annotations

import socket
import time

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF, Literal, URIRef

from ckanext.openup.cli import openup
from ckanext.openup.profiles.namespaces import DCAT, DCT
from ckanext.openup.quality.checking import check_catalogue
from ckanext.openup.quality.findings import BLOCKING
from ckanext.openup.quality.loading import HYDRA, CatalogueLoadError, LoadLimits, load_catalogue
from ckanext.openup.quality.urls import UrlCheckSettings, check_urls
from tests.quality.conftest import CATALOGUE, complete_catalogue

MB = 1_000_000
PRIVATE = LoadLimits(allow_private_addresses=True)
RDF_XML_START = (b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                 b'xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">\n')
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"
 xmlns:dct="http://purl.org/dc/terms/">
 <dcat:Catalog rdf:about="https://data.example.se/catalog"><dct:title>&lol9;</dct:title></dcat:Catalog>
</rdf:RDF>
"""


def catalogue_with_title(title: bytes) -> bytes:
    return (RDF_XML_START + b'<dcat:Catalog rdf:about="https://data.example.se/catalog"><dct:title>' + title
            + b"</dct:title></dcat:Catalog>\n</rdf:RDF>\n")


def run(*args: str):
    result = CliRunner().invoke(openup, ["check", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def write(tmp_path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def catalogue_file(tmp_path, graph: rdflib.Graph, name: str = "feed.rdf") -> str:
    return write(tmp_path, name, graph.serialize(format="xml").encode())


@pytest.fixture
def no_connections(monkeypatch):
    """Fail on any attempt to open a connection: the refusal must come before it."""
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise AssertionError(f"connected to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_billion_laughs_is_refused_at_once(tmp_path):
    assert len(BILLION_LAUGHS) < 1100
    started = time.perf_counter()
    with pytest.raises(CatalogueLoadError, match="a DTD .*DOCTYPE.* is not read"):
        load_catalogue(write(tmp_path, "laughs.rdf", BILLION_LAUGHS))
    assert time.perf_counter() - started < 2


def test_billion_laughs_exits_1_with_a_message(tmp_path):
    started = time.perf_counter()
    result = run(write(tmp_path, "laughs.rdf", BILLION_LAUGHS))
    assert result.exit_code == 1 and "DOCTYPE" in result.output and "NOT harvestable" in result.output
    assert time.perf_counter() - started < 5


def test_external_entity_is_never_fetched(tmp_path, loopback):
    document = (b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY secret SYSTEM "' + loopback.url.encode()
                + b'/secret">]>\n' + catalogue_with_title(b"&secret;").split(b"\n", 1)[1])
    with pytest.raises(CatalogueLoadError, match="DOCTYPE"):
        load_catalogue(write(tmp_path, "xxe.rdf", document), PRIVATE)
    assert loopback.requests == []


def test_utf16_doctype_is_refused_too(tmp_path):
    with pytest.raises(CatalogueLoadError, match="DOCTYPE"):
        load_catalogue(write(tmp_path, "laughs.rdf", BILLION_LAUGHS.replace(b'"1.0"?', b'"1.0" encoding="UTF-16"?')
                             .decode().encode("utf-16")))


@pytest.mark.parametrize("text", [b"&amp;" * 400_000, b"a&amp;" * 400_000, b"x\n" * 400_000])
def test_a_text_in_400k_pieces_stops_fast(tmp_path, text):
    started = time.perf_counter()
    with pytest.raises(CatalogueLoadError, match="dct:title.* in more than .* pieces"):
        load_catalogue(write(tmp_path, "amp.rdf", catalogue_with_title(text)))
    assert time.perf_counter() - started < 5


def test_a_long_but_ordinary_text_is_read(tmp_path):
    # 190 kB in 2,000 lines with 8,000 ampersands: far longer than any real title or description.
    title = ("Leverantörsfakturor &amp; avtal, tjänster &amp; varor, " * 2 + "\n") * 2000
    loaded = load_catalogue(write(tmp_path, "long.rdf", catalogue_with_title(title.encode())))
    assert len(str(loaded.graph.value(URIRef("https://data.example.se/catalog"), DCT.title))) == 190_000


def test_literal_xml_with_400k_elements_stops_fast(tmp_path):
    document = catalogue_with_title(b"").replace(
        b"<dct:title></dct:title>", b'<dct:description rdf:parseType="Literal">' + b"<b/>" * 400_000
        + b"</dct:description>")
    started = time.perf_counter()
    with pytest.raises(CatalogueLoadError, match="in more than"):
        load_catalogue(write(tmp_path, "literal.rdf", document))
    assert time.perf_counter() - started < 5


def test_remote_json_ld_context_is_never_fetched(tmp_path, loopback):
    document = ('{"@context": "' + loopback.url + '/context.jsonld", "@id": "https://data.example.se/catalog", '
                '"@type": "http://www.w3.org/ns/dcat#Catalog"}').encode()
    with pytest.raises(CatalogueLoadError, match="remote JSON-LD context"):
        load_catalogue(write(tmp_path, "feed.jsonld", document), PRIVATE)
    assert loopback.requests == []


def test_a_400_mb_answer_stops_at_the_cap(loopback):
    url = loopback.serve("/catalog.rdf", body=RDF_XML_START, lazy_bytes=400 * MB, declare_length=False)
    started = time.perf_counter()
    with pytest.raises(CatalogueLoadError, match="larger than the 50,000,000 bytes allowed"):
        load_catalogue(url, PRIVATE)
    assert time.perf_counter() - started < 10


def test_the_cap_is_a_setting(loopback):
    url = loopback.serve("/catalog.rdf", body=complete_catalogue().serialize(format="xml").encode())
    with pytest.raises(CatalogueLoadError, match="more than the 1,000 allowed"):
        load_catalogue(url, LoadLimits(max_document_bytes=1000, allow_private_addresses=True))


def test_a_huge_local_file_stops_at_the_cap(tmp_path):
    path = write(tmp_path, "huge.rdf", RDF_XML_START + b" " * 2000)
    with pytest.raises(CatalogueLoadError, match="larger than the 1,000 bytes allowed"):
        load_catalogue(path, LoadLimits(max_document_bytes=1000))


def test_loopback_catalogue_is_refused_by_default(loopback):
    url = loopback.serve("/catalog.rdf", body=complete_catalogue().serialize(format="xml").encode())
    with pytest.raises(CatalogueLoadError, match="127.0.0.1 is a loopback address"):
        load_catalogue(url)
    assert loopback.requests == []


def test_cli_refuses_a_loopback_catalogue_and_names_the_option(loopback):
    url = loopback.serve("/catalog.rdf", body=complete_catalogue().serialize(format="xml").encode())
    result = run(url)
    assert result.exit_code == 1
    assert "127.0.0.1 is a loopback address: not fetched" in result.output
    assert "--allow-private-addresses" in result.output
    assert loopback.requests == []
    assert run("--allow-private-addresses", url).exit_code == 0


@pytest.mark.parametrize("location", ["http://169.254.169.254/latest/meta-data/", "http://2852039166/",
                                      "http://[::ffff:169.254.169.254]/", "http://0.0.0.0:{port}/catalog.rdf"])
def test_a_redirect_to_a_metadata_address_is_refused_at_the_hop(loopback, location):
    location = location.format(port=loopback.url.rsplit(":", 1)[1])
    url = loopback.serve("/catalog", status=301, location=location)
    with pytest.raises(CatalogueLoadError, match="not fetched"):
        load_catalogue(url, PRIVATE)
    assert loopback.requests == [("GET", "/catalog")]


def test_sub_catalogues_on_private_addresses_block_and_are_never_asked(tmp_path, loopback, no_connections):
    port = loopback.url.rsplit(":", 1)[1]
    parts = [loopback.url + "/part.rdf", f"http://2130706433:{port}/part.rdf", f"http://[::ffff:127.0.0.1]:{port}/",
             "http://10.0.0.1/part.rdf", "http://169.254.169.254/latest/meta-data/", f"http://localhost:{port}/"]
    graph = complete_catalogue()
    for part in parts:
        graph.add((CATALOGUE, DCT.hasPart, URIRef(part)))
    loaded = load_catalogue(catalogue_file(tmp_path, graph))
    refused = {finding.subject: finding for finding in loaded.findings}
    assert set(refused) == set(parts)
    assert all(f.severity == BLOCKING and "not fetched" in f.message for f in refused.values())
    assert no_connections == [] and loopback.requests == []


@pytest.mark.parametrize("next_page", ["{url}/page2.rdf", "http://2130706433:{port}/page2.rdf",
                                       "http://0x7f.0.0.1:{port}/page2.rdf", "http://[::ffff:7f00:1]:{port}/",
                                       "http://192.168.0.10/page2.rdf", "http://[fd00:ec2::254]/"])
def test_hydra_next_to_a_private_address_is_never_followed(tmp_path, loopback, no_connections, next_page):
    next_page = next_page.format(url=loopback.url, port=loopback.url.rsplit(":", 1)[1])
    graph = complete_catalogue()
    graph.add((URIRef("https://data.example.se/catalog.rdf?page=1"), HYDRA.next, Literal(next_page)))
    with pytest.raises(CatalogueLoadError, match="not fetched"):
        load_catalogue(catalogue_file(tmp_path, graph))
    assert no_connections == [] and loopback.requests == []


def test_pages_and_sub_catalogues_together_are_capped(loopback):
    def page(number: int) -> bytes:
        graph = complete_catalogue()
        graph.add((URIRef(f"{loopback.url}/catalog?page={number}"), RDF.type, HYDRA.PagedCollection))
        graph.add((URIRef(f"{loopback.url}/catalog?page={number}"), HYDRA.next,
                   Literal(f"{loopback.url}/catalog?page={number + 1}")))
        return graph.serialize(format="xml").encode()

    for number in range(1, 6):
        loopback.serve(f"/catalog?page={number}", body=page(number))
    with pytest.raises(CatalogueLoadError, match="more than 3 documents"):
        load_catalogue(loopback.url + "/catalog?page=1",
                       LoadLimits(max_documents=3, allow_private_addresses=True))
    assert len(loopback.requests) == 3


def test_sub_catalogues_are_read_one_level_deep_only(loopback):
    top = complete_catalogue()
    top.add((CATALOGUE, DCT.hasPart, URIRef(loopback.url + "/sub.rdf")))
    sub = rdflib.Graph()
    sub.add((URIRef(loopback.url + "/sub.rdf"), RDF.type, DCAT.Catalog))
    sub.add((URIRef(loopback.url + "/sub.rdf"), DCT.hasPart, URIRef(loopback.url + "/sub-sub.rdf")))
    loopback.serve("/top.rdf", body=top.serialize(format="xml").encode())
    loopback.serve("/sub.rdf", body=sub.serialize(format="xml").encode())
    loaded = load_catalogue(loopback.url + "/top.rdf", PRIVATE)
    assert [path for _, path in loopback.requests] == ["/top.rdf", "/sub.rdf"]
    assert loaded.documents == [loopback.url + "/top.rdf", loopback.url + "/sub.rdf"]


def test_check_urls_never_asks_private_addresses(loopback, no_connections):
    urls = [loopback.url + "/0.csv", "http://10.0.0.1/1.csv", "http://2130706433/2.csv",
            "http://[::ffff:127.0.0.1]/3.csv", "http://169.254.169.254/latest/meta-data/"]
    answers = check_urls(urls)
    assert all(answers[url].ok is False and "not fetched" in answers[url].reason for url in urls)
    assert loopback.requests == [] and no_connections == []


def test_check_urls_asks_private_addresses_when_allowed(loopback):
    url = loopback.serve("/0.csv", body=b"a;b\n", content_type="text/csv")
    answers = check_urls([url], UrlCheckSettings(allow_private_addresses=True))
    assert answers[url].ok is True


def test_check_urls_refuses_a_redirect_to_a_metadata_address(loopback):
    url = loopback.serve("/0.csv", status=302, location="http://169.254.169.254/latest/meta-data/")
    answers = check_urls([url], UrlCheckSettings(allow_private_addresses=True))
    assert answers[url].ok is False and "cloud metadata address" in answers[url].reason
    assert loopback.requests == [("HEAD", "/0.csv")]


def test_check_catalogue_reports_a_refused_catalogue(loopback):
    url = loopback.serve("/catalog.rdf", body=complete_catalogue().serialize(format="xml").encode())
    report = check_catalogue(url)
    assert report.blocked and "loopback address" in report.load_error.reason


@pytest.mark.parametrize("name", ["/etc/passwd", "file:///etc/passwd", "feed.rdf"])
def test_pages_and_parts_named_in_a_document_are_never_local_files(tmp_path, name):
    graph = complete_catalogue()
    graph.add((URIRef("https://data.example.se/catalog.rdf?page=1"), HYDRA.next, Literal(name)))
    with pytest.raises(CatalogueLoadError, match="not an http or https URL: not fetched"):
        load_catalogue(catalogue_file(tmp_path, graph))


def test_a_sub_catalogue_is_never_a_local_file(tmp_path):
    graph = complete_catalogue()
    graph.add((CATALOGUE, DCT.hasPart, URIRef("file:///etc/passwd")))
    (finding,) = load_catalogue(catalogue_file(tmp_path, graph)).findings
    assert finding.severity == BLOCKING and "not an http or https URL: not fetched" in finding.message


def test_sub_catalogues_that_fail_count_towards_the_document_limit(tmp_path, no_connections):
    graph = complete_catalogue()
    for number in range(50):
        graph.add((CATALOGUE, DCT.hasPart, URIRef(f"http://10.0.0.{number}/part.rdf")))
    with pytest.raises(CatalogueLoadError, match="more than 10 documents"):
        load_catalogue(catalogue_file(tmp_path, graph), LoadLimits(max_documents=10))
    assert no_connections == []
