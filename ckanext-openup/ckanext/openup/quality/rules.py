"""dataportal.se's harvesting rules for DCAT-AP-SE 3.0.1, checked in Python over the merged graph.

The same rules as the Violations in ``shapes/dcat-ap-se.ttl``, plus what SHACL cannot say (IRI syntax
per RFC 3987, relative IRIs). Python rather than pyshacl because it is fast on large catalogues and
each finding names the dataset or distribution and the property in the publisher's terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import rdflib
import rfc3987
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.term import Node
from stdnum.fi import ytunnus

from ckanext.openup.profiles.namespaces import ADMS, DCAT, DCATAP, DCT, FOAF, VCARD
from ckanext.openup.quality.findings import BLOCKING, VIOLATION, WARNING, Finding
from ckanext.openup.quality.loading import RELATIVE_BASE

CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
PUBLISHER_URI = re.compile(r"^http://dataportal\.se/organisation/SE[0-9]{10}(-[A-Za-z0-9_-]+)?$")
IANA_MEDIA_TYPE = re.compile(r"^[a-z]+/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")
FREE_TEXT = (DCT.title, DCT.description, DCAT.keyword, FOAF.name, VCARD.fn)

_PREFIXES = {str(DCAT): "dcat:", str(DCT): "dct:", str(FOAF): "foaf:", str(VCARD): "vcard:",
             str(RDF): "rdf:", str(DCATAP): "dcatap:", str(ADMS): "adms:"}


def short(predicate: Node) -> str:
    """``dct:title`` for the DCT title IRI: how publishers read property names."""
    text = str(predicate)
    for namespace, prefix in _PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace):]
    return text


def datasets_of(graph: rdflib.Graph) -> list[Node]:
    """Every dataset: typed dcat:Dataset or listed by a catalogue, in a stable order.

    A dcat:DatasetSeries is listed with dcat:dataset too (DCAT 3), but it is not scored as a dataset.
    """
    typed = set(graph.subjects(RDF.type, DCAT.Dataset))
    series = set(graph.subjects(RDF.type, DCAT.DatasetSeries)) - typed
    return sorted((typed | set(graph.objects(None, DCAT.dataset))) - series, key=str)


def distributions_of(graph: rdflib.Graph, dataset: Node) -> list[Node]:
    return sorted(graph.objects(dataset, DCAT.distribution), key=str)


def harvest_rule_findings(graph: rdflib.Graph) -> list[Finding]:
    """Every breach of dataportal.se's rules in ``graph``, blocking ones first."""
    findings = list(_iri_findings(graph))
    findings += _catalogue_findings(graph)
    for dataset in datasets_of(graph):
        findings += _dataset_findings(graph, dataset)
        for distribution in distributions_of(graph, dataset):
            findings += _distribution_findings(graph, distribution, dataset)
    findings += _publisher_findings(graph)
    findings += _contact_findings(graph)
    findings += _language_findings(graph)
    return sorted(findings, key=Finding.sort_key)


@lru_cache(maxsize=200_000)
def is_valid_iri(iri: str) -> bool:
    return rfc3987.match(iri, rule="IRI") is not None


def _iri_findings(graph: rdflib.Graph) -> Iterator[Finding]:
    """Relative and invalid IRIs, every place they occur: either one aborts the harvest."""
    for subject, predicate, value in graph:
        for term in (subject, predicate, value):
            if not isinstance(term, URIRef):
                continue
            text = str(term)
            if text.startswith(RELATIVE_BASE):
                yield Finding(BLOCKING, "relative IRI: dataportal.se needs every IRI absolute",
                              subject=str(subject), property=short(predicate),
                              value=text[len(RELATIVE_BASE):] or "(empty)")
            elif not is_valid_iri(text):
                yield Finding(BLOCKING, "invalid IRI (RFC 3987): encode spaces and other reserved characters",
                              subject=str(subject), property=short(predicate), value=text)


def _needs_iri(kind: str, node: Node, dataset: Node | None = None) -> list[Finding]:
    if isinstance(node, BNode):
        return [Finding(VIOLATION, f"the {kind} is a blank node: dataportal.se needs an IRI for it", kind=kind,
                        subject=str(node), dataset=str(dataset or ""))]
    return []


def _tagged_text(graph: rdflib.Graph, kind: str, node: Node, predicate: URIRef) -> list[Finding]:
    """Mandatory free text: at least one value; the language tags themselves are checked apart."""
    if graph.value(node, predicate) is None:
        return [Finding(VIOLATION, f"{short(predicate)} is missing (at least one, language-tagged)",
                        kind=kind, subject=str(node), property=short(predicate))]
    return []


def _catalogue_findings(graph: rdflib.Graph) -> list[Finding]:
    findings: list[Finding] = []
    for record in set(graph.subjects(RDF.type, DCAT.CatalogRecord)):
        findings.append(Finding(VIOLATION, "dcat:CatalogRecord is not allowed by dataportal.se",
                                kind="catalogue record", subject=str(record)))
    for catalogue in sorted(set(graph.subjects(RDF.type, DCAT.Catalog)), key=str):
        findings += _needs_iri("catalogue", catalogue)
        for predicate in (DCT.title, DCT.description):
            findings += _tagged_text(graph, "catalogue", catalogue, predicate)
        publishers = list(graph.objects(catalogue, DCT.publisher))
        if len(publishers) != 1:
            findings.append(Finding(VIOLATION, f"exactly one dct:publisher needed, found {len(publishers)}",
                                    kind="catalogue", subject=str(catalogue), property="dct:publisher"))
        licences = list(graph.objects(catalogue, DCT.license))
        if licences != [CC0]:
            found = ", ".join(str(licence) for licence in licences) or "none"
            findings.append(Finding(VIOLATION, f"the catalogue's licence must be exactly {CC0} (metadata is CC0)",
                                    kind="catalogue", subject=str(catalogue), property="dct:license", value=found))
        if graph.value(catalogue, DCAT.dataset) is None and graph.value(catalogue, DCT.hasPart) is None:
            findings.append(Finding(VIOLATION, "the catalogue lists no dcat:dataset", kind="catalogue",
                                    subject=str(catalogue), property="dcat:dataset"))
    return findings


def _dataset_findings(graph: rdflib.Graph, dataset: Node) -> list[Finding]:
    findings = _needs_iri("dataset", dataset)
    for predicate in (DCT.title, DCT.description):
        findings += _tagged_text(graph, "dataset", dataset, predicate)
    publishers = list(graph.objects(dataset, DCT.publisher))
    if len(publishers) != 1:
        findings.append(Finding(VIOLATION, f"exactly one dct:publisher needed, found {len(publishers)}",
                                kind="dataset", subject=str(dataset), property="dct:publisher"))
    if graph.value(dataset, DCAT.contactPoint) is None:
        findings.append(Finding(WARNING, "no contact point (recommended)", kind="dataset", subject=str(dataset),
                                property="dcat:contactPoint"))
    for keyword in graph.objects(dataset, DCAT.keyword):
        if str(keyword) != str(keyword).lower() or "," in str(keyword):
            findings.append(Finding(WARNING, "keywords are lower case, one keyword per literal", kind="dataset",
                                    subject=str(dataset), property="dcat:keyword", value=str(keyword)))
    return findings


def _distribution_findings(graph: rdflib.Graph, distribution: Node, dataset: Node) -> list[Finding]:
    def finding(severity: str, message: str, predicate: URIRef, value: str = "") -> Finding:
        return Finding(severity, message, kind="distribution", subject=str(distribution),
                       property=short(predicate), value=value, dataset=str(dataset))

    findings = _needs_iri("distribution", distribution, dataset)
    access_urls = list(graph.objects(distribution, DCAT.accessURL))
    if len(access_urls) != 1:
        findings.append(finding(VIOLATION, f"exactly one dcat:accessURL needed, found {len(access_urls)}",
                                DCAT.accessURL))
    formats = list(graph.objects(distribution, DCT["format"]))
    if len(formats) != 1:
        findings.append(finding(VIOLATION, f"exactly one dct:format needed, found {len(formats)}", DCT["format"]))
    for value in formats:
        if isinstance(value, URIRef) and str(value).startswith(FILE_TYPES):
            if graph.value(distribution, DCAT.mediaType) is None:
                findings.append(finding(VIOLATION, "an EU file-type format needs a dcat:mediaType beside it",
                                        DCAT.mediaType))
        elif not (isinstance(value, Literal) and IANA_MEDIA_TYPE.match(str(value))):
            findings.append(finding(VIOLATION, "the format must be an IANA media type literal (\"text/csv\") "
                                    "or an EU file-type IRI", DCT["format"], str(value)))
    if graph.value(distribution, DCAT.downloadURL) is None:
        findings.append(finding(WARNING, "no download URL (recommended)", DCAT.downloadURL))
    if graph.value(distribution, DCT.license) is None:
        findings.append(finding(WARNING, "no licence (recommended)", DCT.license))
    return findings


def _publisher_findings(graph: rdflib.Graph) -> list[Finding]:
    findings: list[Finding] = []
    for publisher in sorted(set(graph.objects(None, DCT.publisher)), key=str):
        findings += _needs_iri("publisher", publisher)
        if graph.value(publisher, FOAF.name) is None:
            findings.append(Finding(VIOLATION, "the publisher has no foaf:name", kind="publisher",
                                    subject=str(publisher), property="foaf:name"))
        types = list(graph.objects(publisher, DCT.type))
        if len(types) != 1 or not str(types[0]).startswith(PUBLISHER_TYPES):
            findings.append(Finding(
                VIOLATION, "exactly one dct:type from the ADMS publisher types needed "
                "(e.g. http://purl.org/adms/publishertype/LocalAuthority)", kind="publisher",
                subject=str(publisher), property="dct:type", value=", ".join(map(str, types))))
        if (isinstance(publisher, URIRef) and not PUBLISHER_URI.match(str(publisher))
                and not _is_finnish(graph.value(publisher, DCT.identifier))):
            findings.append(Finding(WARNING, "publisher URI is not http://dataportal.se/organisation/SE<orgnr> "
                                    "(dataportal.se merges publishers by it)", kind="publisher",
                                    subject=str(publisher)))
        if (None, DCAT.contactPoint, publisher) in graph:
            findings.append(Finding(VIOLATION, "the same URI names a contact point and a publisher",
                                    kind="publisher", subject=str(publisher)))
    return findings


def _is_finnish(identifier: Node | None) -> bool:
    # dataportal.se's URI convention is for Swedish bodies; a Finnish one (Y-tunnus) goes to avoindata.fi.
    return identifier is not None and ytunnus.is_valid(str(identifier))


def _contact_findings(graph: rdflib.Graph) -> list[Finding]:
    findings: list[Finding] = []
    for contact in sorted(set(graph.objects(None, DCAT.contactPoint)), key=str):
        findings += _needs_iri("contact point", contact)
        types = set(graph.objects(contact, RDF.type))
        if not types & {VCARD.Organization, VCARD.Individual}:
            findings.append(Finding(VIOLATION, "a contact point is typed vcard:Organization or vcard:Individual",
                                    kind="contact point", subject=str(contact), property="rdf:type"))
        if graph.value(contact, VCARD.fn) is None:
            findings.append(Finding(VIOLATION, "the contact point has no vcard:fn", kind="contact point",
                                    subject=str(contact), property="vcard:fn"))
        emails = list(graph.objects(contact, VCARD.hasEmail))
        if not any(isinstance(email, URIRef) and str(email).startswith("mailto:") for email in emails):
            findings.append(Finding(VIOLATION, "vcard:hasEmail as a mailto: IRI needed", kind="contact point",
                                    subject=str(contact), property="vcard:hasEmail",
                                    value=", ".join(map(str, emails))))
    return findings


def _kinds(graph: rdflib.Graph) -> dict[Node, str]:
    kinds: dict[Node, str] = {}
    for kind, nodes in (
        ("catalogue", graph.subjects(RDF.type, DCAT.Catalog)),
        ("dataset", datasets_of(graph)),
        ("distribution", graph.objects(None, DCAT.distribution)),
        ("publisher", graph.objects(None, DCT.publisher)),
        ("contact point", graph.objects(None, DCAT.contactPoint)),
    ):
        for node in nodes:
            kinds.setdefault(node, kind)
    return kinds


def _language_findings(graph: rdflib.Graph) -> Iterable[Finding]:
    """Free text without a language tag: an error on catalogue and dataset titles and descriptions."""
    kinds = _kinds(graph)
    for predicate in FREE_TEXT:
        for subject, value in graph.subject_objects(predicate):
            if not isinstance(value, Literal) or value.language:
                continue
            kind = kinds.get(subject, "")
            mandatory = kind in ("catalogue", "dataset") and predicate in (DCT.title, DCT.description)
            yield Finding(VIOLATION if mandatory else WARNING, "text without a language tag", kind=kind,
                          subject=str(subject), property=short(predicate), value=str(value)[:80])
