"""Read a catalogue the way dataportal.se's harvester does: one URL (or a file), its sub-catalogues, its pages.

The harvester asks one URL for RDF/XML, follows ``dct:hasPart`` one level down (a sub-catalogue that
cannot be loaded aborts the whole harvest) and, for CKAN's ``/catalog.rdf``, the Hydra ``next`` pages.
Everything read is merged into one rdflib graph.

A catalogue is someone else's input, so the work is bounded (``LoadLimits``): every URL it names goes
through ``safe_http`` (public addresses only unless allowed, every redirect hop checked, a size cap and a
deadline per document), documents (pages and sub-catalogues together) and bytes are counted, and
``rdf_guard`` refuses DTDs, text rdflib would join in quadratic time and remote JSON-LD contexts.
"""

from __future__ import annotations

import json
import os
import xml.sax
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import rdflib
from rdflib import RDF, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from ckanext.openup import safe_http
from ckanext.openup.profiles.namespaces import DCAT, DCT
from ckanext.openup.quality import rdf_guard
from ckanext.openup.quality.findings import BLOCKING, WARNING, Finding

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
# Relative IRIs are resolved against this base, so they can be recognised (and reported) afterwards.
RELATIVE_BASE = "http://relative-iri.invalid/"
ACCEPT = "application/rdf+xml, text/turtle;q=0.5, application/ld+json;q=0.5"
TIMEOUT_SECONDS = (10, 120)
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


@dataclass(frozen=True)
class LoadLimits:
    """How much of a catalogue is read at most, and whether private addresses may be asked."""

    max_document_bytes: int = 50_000_000
    max_total_bytes: int = 500_000_000
    max_documents: int = 1000  # pages and sub-catalogues together
    deadline_seconds: float = 300  # per document
    allow_private_addresses: bool = False


class CatalogueLoadError(Exception):
    """The catalogue itself could not be read or parsed: nothing can be harvested.

    ``refused_address`` is set when a URL was not asked because of its address (see ``safe_http``).
    """

    def __init__(self, location: str, reason: str, line: int | None = None, refused_address: bool = False) -> None:
        self.location = location
        self.reason = reason
        self.line = line
        self.refused_address = refused_address
        super().__init__(self.describe())

    def describe(self) -> str:
        where = f"{self.location}, line {self.line}" if self.line else self.location
        return f"{where}: {self.reason}"


@dataclass
class LoadedCatalogue:
    """The merged graph of everything the harvester would read, and what went wrong on the way."""

    source: str
    graph: rdflib.Graph
    limits: LoadLimits = field(default_factory=LoadLimits)
    documents: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    bytes_read: int = 0
    documents_asked: int = 0  # read or not: a refused or failing one costs a lookup too

    @property
    def blocked(self) -> bool:
        return any(finding.severity == BLOCKING for finding in self.findings)


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def load_catalogue(source: str, limits: LoadLimits | None = None) -> LoadedCatalogue:
    """Load ``source`` (URL or file), its Hydra pages and its sub-catalogues; raise CatalogueLoadError.

    Sub-catalogues are read one level deep, as the harvester does: their own ``dct:hasPart`` are not.
    """
    loaded = LoadedCatalogue(source=source, graph=rdflib.Graph(), limits=limits or LoadLimits())
    try:
        _read_pages(source, loaded)
        if not any(loaded.graph.subjects(RDF.type, DCAT.Catalog)):
            raise CatalogueLoadError(source, "no dcat:Catalog in this document: it is RDF, but not a catalogue")
        for sub_catalogue in _sub_catalogues(loaded.graph):
            try:
                _read_pages(str(sub_catalogue), loaded)
            except CatalogueLoadError as error:
                loaded.findings.append(Finding(
                    BLOCKING, f"sub-catalogue could not be loaded, so dataportal.se aborts the whole harvest: "
                    f"{error.describe()}", kind="catalogue", subject=str(sub_catalogue), property="dct:hasPart"))
    except _LimitReached as reached:
        raise reached.load_error from None
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


class _DocumentTooLarge(CatalogueLoadError):
    """One document is over the size allowed for it."""


class _LimitReached(Exception):
    """A limit of the whole load: stops it, even inside a sub-catalogue."""

    def __init__(self, load_error: CatalogueLoadError) -> None:
        self.load_error = load_error


def _read_pages(location: str, loaded: LoadedCatalogue) -> None:
    """Read one document and every Hydra ``next`` page after it into ``loaded.graph``."""
    seen: set[str] = set()
    while location and location not in seen:
        seen.add(location)
        if loaded.documents_asked >= loaded.limits.max_documents:
            raise _LimitReached(CatalogueLoadError(
                location, f"not read: more than {loaded.limits.max_documents:,} documents (pages and "
                "sub-catalogues); --max-documents raises the limit"))
        loaded.documents_asked += 1
        page = _read_document(location, loaded)
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


def _read_document(location: str, loaded: LoadedCatalogue) -> rdflib.Graph:
    limits = loaded.limits
    max_bytes = min(limits.max_document_bytes, limits.max_total_bytes - loaded.bytes_read)
    try:
        if is_url(location):
            content, rdf_format = _fetch(location, loaded, max_bytes)
        elif location == loaded.source:
            content, rdf_format = _read_file(location, max_bytes)
        else:  # a page or part named in a document is never a file on this machine
            raise CatalogueLoadError(location, "not an http or https URL: not fetched", refused_address=True)
    except _DocumentTooLarge:
        if max_bytes < limits.max_document_bytes:
            raise _LimitReached(CatalogueLoadError(
                location, f"not read: the catalogue is larger than the {limits.max_total_bytes:,} bytes allowed "
                "in all; --max-total-mb raises the limit")) from None
        raise
    loaded.bytes_read += len(content)
    return parse_rdf(content, rdf_format, location)


def _read_file(path: str, max_bytes: int) -> tuple[bytes, str]:
    try:
        with open(path, "rb") as handle:
            content = handle.read(max_bytes + 1)
    except OSError as error:
        raise CatalogueLoadError(path, error.strerror or str(error)) from None
    if len(content) > max_bytes:
        raise _DocumentTooLarge(path, f"larger than the {max_bytes:,} bytes allowed; --max-mb raises the limit")
    extension = os.path.splitext(path)[1].lower()
    return content, _FORMAT_BY_EXTENSION.get(extension, "xml")


def _fetch(url: str, loaded: LoadedCatalogue, max_bytes: int) -> tuple[bytes, str]:
    limits = loaded.limits
    try:
        response = safe_http.fetch(url, max_bytes=max_bytes, timeout=TIMEOUT_SECONDS,
                                   deadline=limits.deadline_seconds, headers={"Accept": ACCEPT},
                                   allow_private=limits.allow_private_addresses)
    except safe_http.UnsafeUrlError as error:
        where = "" if error.url == url else f"redirected to {error.url}: "
        raise CatalogueLoadError(url, where + error.reason, refused_address=True) from None
    except safe_http.ResponseTooLargeError as error:
        raise _DocumentTooLarge(url, f"{error.reason}; --max-mb raises the limit") from None
    except safe_http.FetchError as error:
        raise CatalogueLoadError(url, f"unreachable ({error.reason})") from None
    if response.status >= 400:
        raise CatalogueLoadError(url, f"the server answered {response.status} {response.reason}")
    for status, hop in response.redirects:
        if status not in FOLLOWED_REDIRECTS:
            loaded.findings.append(Finding(
                WARNING, f"redirect {status}: dataportal.se documents following only 301, 303, 307 "
                "and 308", kind="catalogue", subject=hop))
    media_type = response.media_type
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
        if rdf_format == "xml":
            rdf_guard.check_rdf_xml(content)
        elif rdf_format == "json-ld":
            rdf_guard.check_json_ld(content)
    except rdf_guard.UnsafeRdfError as error:
        raise CatalogueLoadError(location, error.reason, error.line) from None
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

