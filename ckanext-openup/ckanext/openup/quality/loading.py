"""Read a catalogue the way dataportal.se's harvester does: one URL (or a file), its sub-catalogues, its pages.

The harvester asks one URL for RDF/XML, follows ``dct:hasPart`` one level down (a sub-catalogue that
cannot be loaded aborts the whole harvest) and, for CKAN's ``/catalog.rdf``, the Hydra ``next`` pages.
Everything read is merged into one rdflib graph.
"""

from __future__ import annotations

import json
import os
import xml.sax
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import rdflib
import requests
from rdflib import RDF, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from ckanext.openup.profiles.namespaces import DCAT, DCT
from ckanext.openup.quality.findings import BLOCKING, WARNING, Finding

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
# Relative IRIs are resolved against this base, so they can be recognised (and reported) afterwards.
RELATIVE_BASE = "http://relative-iri.invalid/"
ACCEPT = "application/rdf+xml, text/turtle;q=0.5, application/ld+json;q=0.5"
TIMEOUT_SECONDS = (10, 120)
MAX_PAGES = 1000
# The redirects dataportal.se documents that it follows; a 302 may not be.
FOLLOWED_REDIRECTS = {301, 303, 307, 308}

_FORMAT_BY_MEDIA_TYPE = {
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
}
_FORMAT_BY_EXTENSION = {
    ".rdf": "xml", ".xml": "xml", ".owl": "xml", ".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld",
    ".nt": "nt",
}


class CatalogueLoadError(Exception):
    """The catalogue itself could not be read or parsed: nothing can be harvested."""

    def __init__(self, location: str, reason: str, line: int | None = None) -> None:
        self.location = location
        self.reason = reason
        self.line = line
        super().__init__(self.describe())

    def describe(self) -> str:
        where = f"{self.location}, line {self.line}" if self.line else self.location
        return f"{where}: {self.reason}"


@dataclass
class LoadedCatalogue:
    """The merged graph of everything the harvester would read, and what went wrong on the way."""

    source: str
    graph: rdflib.Graph
    documents: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(finding.severity == BLOCKING for finding in self.findings)


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def load_catalogue(source: str, session: requests.Session | None = None) -> LoadedCatalogue:
    """Load ``source`` (URL or file), its Hydra pages and its sub-catalogues; raise CatalogueLoadError."""
    session = session or requests.Session()
    loaded = LoadedCatalogue(source=source, graph=rdflib.Graph())
    _read_pages(source, loaded, session)
    if not any(loaded.graph.subjects(RDF.type, DCAT.Catalog)):
        raise CatalogueLoadError(source, "no dcat:Catalog in this document: it is RDF, but not a catalogue")
    for sub_catalogue in _sub_catalogues(loaded.graph):
        try:
            _read_pages(str(sub_catalogue), loaded, session)
        except CatalogueLoadError as error:
            loaded.findings.append(Finding(
                BLOCKING, f"sub-catalogue could not be loaded, so dataportal.se aborts the whole harvest: "
                f"{error.describe()}", kind="catalogue", subject=str(sub_catalogue), property="dct:hasPart"))
    return loaded


def _sub_catalogues(graph: rdflib.Graph) -> list[URIRef]:
    """The IRIs the top catalogues name with dct:hasPart (one level, as the harvester reads them)."""
    catalogues = set(graph.subjects(RDF.type, DCAT.Catalog))
    parts = {part for catalogue in catalogues for part in graph.objects(catalogue, DCT.hasPart)}
    tops = catalogues - parts
    return sorted(
        part for top in tops for part in graph.objects(top, DCT.hasPart)
        if isinstance(part, URIRef) and not str(part).startswith(RELATIVE_BASE)
    )


def _read_pages(location: str, loaded: LoadedCatalogue, session: requests.Session) -> None:
    """Read one document and every Hydra ``next`` page after it into ``loaded.graph``."""
    seen: set[str] = set()
    while location and location not in seen and len(seen) < MAX_PAGES:
        seen.add(location)
        page = _read_document(location, loaded, session)
        if len(loaded.graph):
            loaded.graph += page
        else:  # the usual single document: no copy
            loaded.graph = page
        loaded.documents.append(location)
        location = _next_page(page, seen)


def _next_page(page: rdflib.Graph, seen: set[str]) -> str:
    """The Hydra next page named in ``page`` (ckanext-dcat writes both hydra:next and hydra:nextPage)."""
    for predicate in (HYDRA.next, HYDRA.nextPage):
        for value in page.objects(None, predicate):
            if str(value) not in seen:
                return str(value)
    return ""


def _read_document(location: str, loaded: LoadedCatalogue, session: requests.Session) -> rdflib.Graph:
    if is_url(location):
        text, rdf_format = _fetch(location, loaded, session)
    else:
        text, rdf_format = _read_file(location)
    return parse_rdf(text, rdf_format, location)


def _read_file(path: str) -> tuple[bytes, str]:
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError as error:
        raise CatalogueLoadError(path, error.strerror or str(error)) from None
    extension = os.path.splitext(path)[1].lower()
    return content, _FORMAT_BY_EXTENSION.get(extension, "xml")


def _fetch(url: str, loaded: LoadedCatalogue, session: requests.Session) -> tuple[bytes, str]:
    try:
        response = session.get(url, headers={"Accept": ACCEPT}, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise CatalogueLoadError(url, f"unreachable ({_short_reason(error)})") from None
    if response.status_code >= 400:
        raise CatalogueLoadError(url, f"the server answered {response.status_code} {response.reason}")
    for hop in response.history:
        if hop.status_code not in FOLLOWED_REDIRECTS:
            loaded.findings.append(Finding(
                WARNING, f"redirect {hop.status_code}: dataportal.se documents following only 301, 303, 307 "
                "and 308", kind="catalogue", subject=hop.url))
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type == "text/html":
        raise CatalogueLoadError(url, "answered text/html, not RDF/XML (dataportal.se asks for application/rdf+xml)")
    rdf_format = _FORMAT_BY_MEDIA_TYPE.get(media_type) or _FORMAT_BY_EXTENSION.get(
        os.path.splitext(urlsplit(url).path)[1].lower(), "")
    if not rdf_format:
        # The harvester reads the body as RDF/XML whatever the label; so do we, and say so.
        rdf_format = "xml"
        loaded.findings.append(Finding(
            WARNING, f"served as {media_type or 'no content type'}: application/rdf+xml is expected",
            kind="catalogue", subject=url))
    if rdf_format != "xml":
        loaded.findings.append(Finding(
            BLOCKING, f"served as {media_type} when asked for RDF/XML: dataportal.se reads RDF/XML only",
            kind="catalogue", subject=url))
    return response.content, rdf_format


def parse_rdf(content: bytes, rdf_format: str, location: str) -> rdflib.Graph:
    """Parse one document; CatalogueLoadError with the line number when rdflib gives one."""
    if not content.strip():
        raise CatalogueLoadError(location, "empty document")
    if content.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html")):
        raise CatalogueLoadError(location, "an HTML page, not RDF")
    try:
        return rdflib.Graph().parse(data=content, format=rdf_format, publicID=RELATIVE_BASE)
    except xml.sax.SAXParseException as error:
        raise CatalogueLoadError(location, f"not well-formed RDF/XML ({error.getMessage()})",
                                 error.getLineNumber()) from None
    except BadSyntax as error:
        raise CatalogueLoadError(location, f"not valid Turtle ({error.message})", error.lines + 1) from None
    except json.JSONDecodeError as error:
        raise CatalogueLoadError(location, f"not valid JSON-LD ({error.msg})", error.lineno) from None
    except Exception as error:  # noqa: BLE001 - rdflib raises many kinds; the user needs a message
        raise CatalogueLoadError(location, f"not valid RDF ({type(error).__name__}: {error})") from None


def _short_reason(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(error, requests.ConnectionError):
        return "connection failed"
    return type(error).__name__
