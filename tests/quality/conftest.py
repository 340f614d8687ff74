"""Fixtures for the harvest-readiness checks: a loopback HTTP server and a catalogue that earns every point."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import rdflib
from rdflib import RDF, XSD, Literal, URIRef

from ckanext.openup.profiles.namespaces import DCAT, DCATAP, DCT, FOAF, VCARD

BASE = "https://data.example.se"
PUBLISHER = URIRef("http://dataportal.se/organisation/SE2120002411")
CONTACT = URIRef(f"{BASE}/organization/sundsvall#contact")
CATALOGUE = URIRef(f"{BASE}/organization/sundsvall/catalog")


def dataset_uri(number: int) -> URIRef:
    return URIRef(f"{BASE}/dataset/invoices-{number}")


def distribution_uri(number: int, part: int = 0) -> URIRef:
    return URIRef(f"{BASE}/dataset/invoices-{number}/resource/{part}")


def add_distribution(graph: rdflib.Graph, dataset: URIRef, distribution: URIRef, url: str,
                     file_type: str = "CSV", media_type: str = "text/csv") -> None:
    """A distribution that meets every distribution indicator of the MQA and every harvest rule."""
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.accessURL, URIRef(url)))
    graph.add((distribution, DCAT.downloadURL, URIRef(url)))
    graph.add((distribution, DCT["format"],
               URIRef(f"http://publications.europa.eu/resource/authority/file-type/{file_type}")))
    graph.add((distribution, DCAT.mediaType, URIRef(f"http://www.iana.org/assignments/media-types/{media_type}")))
    graph.add((distribution, DCT.license, URIRef("http://creativecommons.org/licenses/by/4.0/")))
    graph.add((distribution, DCT.rights, URIRef(f"{BASE}/rights")))
    graph.add((distribution, DCAT.byteSize, Literal("1024", datatype=XSD.nonNegativeInteger)))
    graph.add((distribution, DCT.issued, Literal("2024-01-31", datatype=XSD.date)))
    graph.add((distribution, DCT.modified, Literal("2024-02-01", datatype=XSD.date)))
    graph.add((distribution, DCATAP.availability,
               URIRef("http://publications.europa.eu/resource/authority/planned-availability/STABLE")))


def complete_catalogue(datasets: int = 2, url_base: str = f"{BASE}/files") -> rdflib.Graph:
    """``datasets`` datasets with one distribution each, earning all 325 points that need no URL check."""
    graph = rdflib.Graph()
    graph.add((CATALOGUE, RDF.type, DCAT.Catalog))
    graph.add((CATALOGUE, DCT.title, Literal("Sundsvalls kommuns katalog", lang="sv")))
    graph.add((CATALOGUE, DCT.description, Literal("Öppna data från kommunen", lang="sv")))
    graph.add((CATALOGUE, DCT.publisher, PUBLISHER))
    graph.add((CATALOGUE, DCT.license, URIRef("http://creativecommons.org/publicdomain/zero/1.0/")))
    graph.add((PUBLISHER, RDF.type, FOAF.Agent))
    graph.add((PUBLISHER, FOAF.name, Literal("Sundsvalls kommun", lang="sv")))
    graph.add((PUBLISHER, DCT.type, URIRef("http://purl.org/adms/publishertype/LocalAuthority")))
    graph.add((CONTACT, RDF.type, VCARD.Organization))
    graph.add((CONTACT, VCARD.fn, Literal("Öppna data", lang="sv")))
    graph.add((CONTACT, VCARD.hasEmail, URIRef("mailto:oppnadata@sundsvall.se")))
    for number in range(datasets):
        dataset = dataset_uri(number)
        graph.add((CATALOGUE, DCAT.dataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCT.title, Literal(f"Leverantörsfakturor {2020 + number}", lang="sv")))
        graph.add((dataset, DCT.description, Literal("Betalda fakturor", lang="sv")))
        graph.add((dataset, DCT.publisher, PUBLISHER))
        graph.add((dataset, DCAT.contactPoint, CONTACT))
        graph.add((dataset, DCAT.keyword, Literal("fakturor", lang="sv")))
        graph.add((dataset, DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")))
        graph.add((dataset, DCT.spatial, URIRef("http://publications.europa.eu/resource/authority/country/SWE")))
        graph.add((dataset, DCT.temporal, URIRef(f"{BASE}/period/{2020 + number}")))
        graph.add((dataset, DCT.accessRights,
                   URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")))
        graph.add((dataset, DCT.issued, Literal("2024-01-31", datatype=XSD.date)))
        graph.add((dataset, DCT.modified, Literal("2024-02-01", datatype=XSD.date)))
        add_distribution(graph, dataset, distribution_uri(number), f"{url_base}/{number}.csv")
    return graph


@dataclass
class Answer:
    """What the loopback server sends for one path."""

    body: bytes = b""
    content_type: str = "application/rdf+xml"
    status: int = 200
    delay: float = 0.0
    head_status: int | None = None  # a different status for HEAD (servers that refuse it)
    location: str = ""
    # Bytes of padding sent lazily after ``body``, a megabyte at a time (a hostile, endless answer).
    lazy_bytes: int = 0
    declare_length: bool = True


class LoopbackServer:
    """An HTTP server on 127.0.0.1 answering from ``answers`` (path → Answer); records the requests."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[tuple[str, str]] = []
        # Requests being worked on at once, counted before any answer is sent: a client that has its
        # answer may already send the next request before this handler's thread has returned.
        self.busy_now = self.busy_most = 0
        busy_lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, with_body: bool) -> None:
                server.requests.append((self.command, self.path))
                answer = server.answers.get(self.path, Answer(b"not found", "text/plain", 404))
                with busy_lock:
                    server.busy_now += 1
                    server.busy_most = max(server.busy_most, server.busy_now)
                time.sleep(answer.delay)
                with busy_lock:
                    server.busy_now -= 1
                status = answer.head_status if (not with_body and answer.head_status) else answer.status
                self.send_response(status)
                self.send_header("Content-Type", answer.content_type)
                if answer.declare_length:
                    self.send_header("Content-Length", str(len(answer.body) + answer.lazy_bytes))
                if answer.location:
                    self.send_header("Location", answer.location)
                self.end_headers()
                if with_body:
                    self.wfile.write(answer.body)
                    self._send_lazily(answer.lazy_bytes)

            def _send_lazily(self, size: int) -> None:
                megabyte = b" " * 1_000_000
                try:
                    for start in range(0, size, len(megabyte)):
                        self.wfile.write(megabyte[:size - start])
                except OSError:  # the client stopped reading: that is what the tests want
                    pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(False)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # A client that hung up (a cap or a deadline reached) is what several tests want: no traceback.
        self.httpd.handle_error = lambda request, client_address: None
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def serve(self, path: str, **answer: object) -> str:
        self.answers[path] = Answer(**answer)
        return self.url + path


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
