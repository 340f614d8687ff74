"""safe_http: a URL someone else named reaches public addresses only, in bounded time and size.

Refusals of non-loopback addresses are proven without traffic: any connect attempt fails the test.
"""

from __future__ import annotations

import socket
import time

import pytest

from ckanext.openup import safe_http
from ckanext.openup.safe_http import FetchError, ResponseTooLargeError, UnsafeUrlError, download_to, fetch
from tests.quality.conftest import LoopbackServer

MB = 1_000_000

HOSTILE_URLS = [
    "http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f000001/",
    "http://0x7f.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/", "http://localhost/", "http://LocalHost:8080/",
    "http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://[fc00::1]/",
    "http://[fe80::1]/", "http://169.254.1.1/", "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/", "http://2852039166/", "http://0.0.0.0/",
    "http://0/", "http://[::]/", "http://224.0.0.1/", "http://240.0.0.1/", "http://255.255.255.255/",
    "https://192.168.0.1:8443/catalog",
]


@pytest.fixture
def loopback():
    server = LoopbackServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def no_connections(monkeypatch):
    """Fail on any attempt to open a connection: the refusal must come before it."""
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise AssertionError(f"connected to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_private_loopback_and_metadata_addresses_are_refused_before_connecting(url, no_connections):
    with pytest.raises(UnsafeUrlError) as refused:
        fetch(url, max_bytes=MB)
    assert "not fetched" in refused.value.reason
    assert no_connections == []


@pytest.mark.parametrize("url", ["http://169.254.169.254/", "http://[fd00:ec2::254]/", "http://100.100.100.200/",
                                 "http://0.0.0.0/", "http://224.0.0.1/", "http://[::ffff:169.254.169.254]/"])
def test_metadata_unspecified_and_multicast_stay_refused_with_allow_private(url, no_connections):
    with pytest.raises(UnsafeUrlError):
        fetch(url, max_bytes=MB, allow_private=True)
    assert no_connections == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.se/a.csv", "gopher://example.se/",
                                 "http:///no-host", "http://example.se:99999/"])
def test_only_http_and_https_urls_with_a_host_are_fetched(url, no_connections):
    with pytest.raises(UnsafeUrlError):
        fetch(url, max_bytes=MB)
    assert no_connections == []


def test_loopback_server_is_refused_by_default_and_asked_nothing(loopback):
    url = loopback.serve("/catalog.rdf", body=b"<rdf/>")
    with pytest.raises(UnsafeUrlError) as refused:
        fetch(url, max_bytes=MB)
    assert refused.value.reason == "127.0.0.1 is a loopback address: not fetched"
    assert str(refused.value) == f"{url}: 127.0.0.1 is a loopback address: not fetched"
    assert loopback.requests == []


def test_allow_private_fetches_a_loopback_server(loopback):
    url = loopback.serve("/catalog.rdf", body=b"<rdf/>")
    fetched = fetch(url, max_bytes=MB, allow_private=True, headers={"Accept": "application/rdf+xml"})
    assert (fetched.status, fetched.content, fetched.size) == (200, b"<rdf/>", 6)
    assert fetched.media_type == "application/rdf+xml" and fetched.final_url == url


def test_error_status_is_returned_by_fetch(loopback):
    fetched = fetch(loopback.url + "/gone", max_bytes=MB, allow_private=True)
    assert fetched.status == 404 and fetched.reason == "Not Found"


def test_head_reads_no_body(loopback):
    url = loopback.serve("/a.csv", body=b"a,b\n", content_type="text/csv")
    fetched = fetch(url, max_bytes=MB, allow_private=True, method="HEAD")
    assert fetched.status == 200 and fetched.content == b""
    assert loopback.requests == [("HEAD", "/a.csv")]


@pytest.mark.parametrize("location", ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
                                      "http://0.0.0.0:{port}/secret", "file:///etc/passwd"])
def test_a_redirect_to_a_refused_address_is_refused_at_the_hop(loopback, location):
    location = location.format(port=loopback.url.rsplit(":", 1)[1])
    url = loopback.serve("/catalog", status=302, location=location)
    with pytest.raises(UnsafeUrlError) as refused:
        fetch(url, max_bytes=MB, allow_private=True)
    assert refused.value.url == location
    assert loopback.requests == [("GET", "/catalog")]


def test_redirects_are_followed_and_reported(loopback):
    loopback.serve("/old", status=301, location="/new")
    url = loopback.serve("/new", body=b"moved")
    fetched = fetch(loopback.url + "/old", max_bytes=MB, allow_private=True)
    assert fetched.content == b"moved" and fetched.final_url == url
    assert fetched.redirects == [(301, loopback.url + "/old")]


def test_endless_redirects_stop(loopback):
    loopback.serve("/loop", status=302, location="/loop")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(loopback.url + "/loop", max_bytes=MB, allow_private=True)
    assert len(loopback.requests) == 6


def test_a_huge_answer_stops_at_the_cap_quickly(loopback):
    url = loopback.serve("/huge", lazy_bytes=400 * MB, declare_length=False)
    started = time.perf_counter()
    with pytest.raises(ResponseTooLargeError, match="larger than the 10,000,000 bytes allowed"):
        fetch(url, max_bytes=10 * MB, allow_private=True)
    assert time.perf_counter() - started < 5


def test_a_declared_huge_answer_is_refused_before_reading(loopback):
    url = loopback.serve("/huge", lazy_bytes=400 * MB)
    started = time.perf_counter()
    with pytest.raises(ResponseTooLargeError, match="400,000,000 bytes, more than the 1,000,000 allowed"):
        fetch(url, max_bytes=MB, allow_private=True)
    assert time.perf_counter() - started < 2


def test_a_slow_server_stops_at_the_deadline(loopback):
    url = loopback.serve("/slow", body=b"late", delay=3)
    started = time.perf_counter()
    with pytest.raises(FetchError, match="timed out"):
        fetch(url, max_bytes=MB, allow_private=True, deadline=0.5)
    assert time.perf_counter() - started < 2


def test_host_name_resolving_to_any_private_address_is_refused(monkeypatch, no_connections):
    def dns(host, port, *args, **kwargs):
        assert host == "catalogue.example.se"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.32.10", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    with pytest.raises(UnsafeUrlError, match=r"catalogue.example.se \(10.1.2.3\) is a private address"):
        fetch("https://catalogue.example.se/catalog", max_bytes=MB)
    assert no_connections == []


def test_the_checked_address_is_the_one_connected_to(loopback, monkeypatch):
    """DNS rebinding: a second, different answer for the same name is never asked for."""
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["127.0.0.1", "169.254.169.254"])

    def rebinding_dns(host, port, *args, **kwargs):
        if host == "rebind.example.se":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    loopback.serve("/catalog", body=b"ours")
    port = loopback.url.rsplit(":", 1)[1]
    fetched = fetch(f"http://rebind.example.se:{port}/catalog", max_bytes=MB, allow_private=True)
    assert fetched.content == b"ours" and fetched.final_url == f"http://rebind.example.se:{port}/catalog"
    assert next(answers) == "169.254.169.254"  # asked once only


def test_download_writes_the_whole_file(loopback, tmp_path):
    url = loopback.serve("/invoices.csv", body=b"a,b\n1,2\n", content_type="text/csv")
    fetched = download_to(url, tmp_path / "invoices.csv", max_bytes=MB, allow_private=True)
    assert (tmp_path / "invoices.csv").read_bytes() == b"a,b\n1,2\n" and fetched.size == 8
    assert fetched.content == b""


@pytest.mark.parametrize("path", ["/huge", "/gone"])
def test_a_failed_download_leaves_nothing_behind(loopback, tmp_path, path):
    loopback.serve("/huge", lazy_bytes=50 * MB, declare_length=False)
    with pytest.raises(FetchError):
        download_to(loopback.url + path, tmp_path / "invoices.csv", max_bytes=MB, allow_private=True)
    assert list(tmp_path.iterdir()) == []


def test_refusal_names_the_kind_of_address():
    assert safe_http.refusal(safe_http.ipaddress.ip_address("192.168.1.1")) == "a private address"
    assert safe_http.refusal(safe_http.ipaddress.ip_address("192.168.1.1"), allow_private=True) == ""
    assert safe_http.refusal(safe_http.ipaddress.ip_address("8.8.8.8")) == ""
    assert safe_http.refusal(safe_http.ipaddress.ip_address("::ffff:127.0.0.1")) == "a loopback address"
