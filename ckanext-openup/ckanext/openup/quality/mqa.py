"""data.europa.eu's Metadata Quality Assessment (MQA) on the 405-point scale, as dataportal.se shows it.

Points for an indicator = its weight × the share of datasets (or distributions) that satisfy it.
Interoperability counts, for each dataset, only its best distribution (the one earning the most
interoperability points). "Dataset and Distribution" indicators pool both: the share is taken over
all datasets and distributions together. The two URL indicators need ``--check-urls``; without it
they are "not checked" and the score is given as checked points plus what they could add.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import rdflib
from rdflib import Literal, URIRef
from rdflib.term import Node

from ckanext.openup.profiles.namespaces import DCAT, DCT
from ckanext.openup.quality.rules import datasets_of, distributions_of
from ckanext.openup.vocabularies import ACCESS_RIGHT, EU_AUTHORITY, FILE_TYPE

DATASET = "dataset"
DISTRIBUTION = "distribution"
BOTH = "dataset and distribution"
MAXIMUM = 405
RATINGS = ((351, "Excellent"), (221, "Good"), (121, "Sufficient"), (0, "Bad"))
IANA_PREFIXES = ("http://www.iana.org/assignments/media-types/", "https://www.iana.org/assignments/media-types/")
LICENCE_VOCABULARIES = (EU_AUTHORITY + "licence/", "http://creativecommons.org/", "https://creativecommons.org/")
# data.europa.eu's own lists (edp-vocabularies: edp-non-proprietary-format, edp-machine-readable-format),
# by EU file-type code.
NON_PROPRIETARY = frozenset({
    "BMP", "CSV", "DBF", "GEOJSON", "GZIP", "HTML", "ICS", "JPEG2000", "JSON", "JSON_LD", "KML", "KMZ",
    "NETCDF", "ODS", "PNG", "RDF_N_QUADS", "RDF_N_TRIPLES", "RDF_TRIG", "RDF_TURTLE", "RDF_XML", "RSS", "RTF",
    "TAR", "TIFF", "TSV", "TXT", "WMS_SRVC", "XML", "ZIP",
})
MACHINE_READABLE = frozenset({
    "CSV", "GEOJSON", "ICS", "JSON", "JSON_LD", "KML", "KMZ", "NETCDF", "ODS", "RDFA", "RDF_N_QUADS",
    "RDF_N_TRIPLES", "RDF_TRIG", "RDF_TURTLE", "RDF_XML", "RSS", "SHP", "XLS", "XLSX", "XML",
})


# dataportal.se accepts an IANA media-type literal as dct:format (DCAT-AP-SE); read as its EU file type.
IANA_FILE_TYPES = {
    "text/csv": "CSV", "text/tab-separated-values": "TSV", "application/json": "JSON", "application/xml": "XML",
    "text/xml": "XML", "application/ld+json": "JSON_LD", "application/rdf+xml": "RDF_XML",
    "text/turtle": "RDF_TURTLE", "application/n-triples": "RDF_N_TRIPLES", "application/geo+json": "GEOJSON",
    "application/vnd.google-earth.kml+xml": "KML", "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.ms-excel": "XLS", "text/plain": "TXT", "text/html": "HTML", "application/pdf": "PDF",
    "application/zip": "ZIP", "application/rss+xml": "RSS", "text/calendar": "ICS",
}


@dataclass(frozen=True)
class Indicator:
    key: str
    dimension: str
    label: str
    weight: int
    on: str
    needs_url_check: bool = False


INDICATORS = (
    Indicator("keyword", "Findability", "keywords (dcat:keyword)", 30, DATASET),
    Indicator("categories", "Findability", "categories (dcat:theme)", 30, DATASET),
    Indicator("geo_search", "Findability", "geo search (dct:spatial)", 20, DATASET),
    Indicator("time_search", "Findability", "time-based search (dct:temporal)", 20, DATASET),
    Indicator("access_url_accessible", "Accessibility", "access URL accessible", 50, DISTRIBUTION, True),
    Indicator("download_url", "Accessibility", "download URL (dcat:downloadURL)", 20, DISTRIBUTION),
    Indicator("download_url_accessible", "Accessibility", "download URL accessible", 30, DISTRIBUTION, True),
    Indicator("format", "Interoperability", "format (dct:format)", 20, DISTRIBUTION),
    Indicator("media_type", "Interoperability", "media type (dcat:mediaType)", 10, DISTRIBUTION),
    Indicator("from_vocabulary", "Interoperability", "format and media type from vocabularies", 10, DISTRIBUTION),
    Indicator("non_proprietary", "Interoperability", "non-proprietary format", 20, DISTRIBUTION),
    Indicator("machine_readable", "Interoperability", "machine-readable format", 20, DISTRIBUTION),
    Indicator("dcat_ap_compliance", "Interoperability", "DCAT-AP compliance (SHACL)", 30, DATASET),
    Indicator("licence", "Reusability", "licence (dct:license)", 20, DISTRIBUTION),
    Indicator("licence_vocabulary", "Reusability", "licence from a vocabulary", 10, DISTRIBUTION),
    Indicator("access_rights", "Reusability", "access restrictions (dct:accessRights)", 10, DATASET),
    Indicator("access_rights_vocabulary", "Reusability", "access restrictions from the EU list", 5, DATASET),
    Indicator("contact_point", "Reusability", "contact point (dcat:contactPoint)", 20, DATASET),
    Indicator("publisher", "Reusability", "publisher (dct:publisher)", 10, DATASET),
    Indicator("rights", "Contextuality", "rights (dct:rights)", 5, DISTRIBUTION),
    Indicator("file_size", "Contextuality", "file size (dcat:byteSize)", 5, DISTRIBUTION),
    Indicator("date_of_issue", "Contextuality", "date of issue (dct:issued)", 5, BOTH),
    Indicator("modification_date", "Contextuality", "modification date (dct:modified)", 5, BOTH),
)
DIMENSIONS = {"Findability": 100, "Accessibility": 100, "Interoperability": 110, "Reusability": 75,
              "Contextuality": 20}


INTEROPERABILITY_WEIGHTS = {"format": 20, "media_type": 10, "from_vocabulary": 10, "non_proprietary": 20,
                            "machine_readable": 20}


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    satisfied: int
    population: int
    checked: bool = True

    @property
    def points(self) -> float:
        if not self.checked or not self.population:
            return 0.0
        return self.indicator.weight * self.satisfied / self.population

    def as_dict(self) -> dict[str, object]:
        return {"indicator": self.indicator.key, "dimension": self.indicator.dimension,
                "label": self.indicator.label, "on": self.indicator.on, "weight": self.indicator.weight,
                "checked": self.checked, "satisfied": self.satisfied if self.checked else None,
                "population": self.population, "points": round(self.points, 2) if self.checked else None}


@dataclass(frozen=True)
class MqaScore:
    indicators: list[IndicatorScore]
    maximum: int = MAXIMUM

    @property
    def points(self) -> float:
        return sum(score.points for score in self.indicators)

    @property
    def unchecked_weight(self) -> int:
        return sum(score.indicator.weight for score in self.indicators if not score.checked and score.population)

    @property
    def rating(self) -> str:
        return rating(self.points)

    @property
    def best_possible_rating(self) -> str:
        """The rating if every unchecked indicator were fully met."""
        return rating(self.points + self.unchecked_weight)

    def dimension_points(self, dimension: str) -> float:
        return sum(score.points for score in self.indicators if score.indicator.dimension == dimension)

    def dimension_unchecked(self, dimension: str) -> int:
        """The points of a dimension that were not checked (URL indicators without --check-urls)."""
        return sum(
            score.indicator.weight
            for score in self.indicators
            if score.indicator.dimension == dimension and not score.checked and score.population
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "points": round(self.points, 2), "maximum": self.maximum, "rating": self.rating,
            "not_checked_points": self.unchecked_weight,
            "best_possible_rating": self.best_possible_rating,
            "dimensions": [{"dimension": name, "points": round(self.dimension_points(name), 2), "maximum": top,
                            "not_checked": self.dimension_unchecked(name)}
                           for name, top in DIMENSIONS.items()],
            "indicators": [score.as_dict() for score in self.indicators],
        }


def rating(points: float) -> str:
    """Excellent 351–405, Good 221–350, Sufficient 121–220, Bad 0–120."""
    return next(name for floor, name in RATINGS if points >= floor)


def mqa_score(
    graph: rdflib.Graph,
    compliant_datasets: set[Node],
    url_answers: Mapping[str, bool] | None = None,
    dataportal_se: bool = False,
) -> MqaScore:
    """Score ``graph``; ``compliant_datasets`` passed SHACL; ``url_answers`` maps checked URLs to success.

    ``dataportal_se``: dataportal.se's variant: no DCAT-AP compliance indicator (375 points) and IANA
    media-type literals accepted as formats.
    """
    scores = []
    for indicator, nodes, check in _indicator_checks(graph, compliant_datasets, url_answers, dataportal_se):
        if check is None:  # a URL indicator without --check-urls
            scores.append(IndicatorScore(indicator, 0, len(nodes), checked=False))
        else:
            scores.append(_share(indicator, nodes, check))
    return MqaScore(scores, sum(score.indicator.weight for score in scores))


def unmet_indicators(
    graph: rdflib.Graph,
    compliant_datasets: set[Node],
    url_answers: Mapping[str, bool] | None = None,
    dataportal_se: bool = False,
) -> list[tuple[Indicator, Node]]:
    """Each (indicator, dataset or distribution) that misses points: what a publisher can fix, one by one.

    The same checks as :func:`mqa_score`; unchecked URL indicators are left out.
    """
    return [(indicator, node)
            for indicator, nodes, check in _indicator_checks(graph, compliant_datasets, url_answers, dataportal_se)
            if check is not None for node in nodes if not check(node)]


def _indicator_checks(
    graph: rdflib.Graph,
    compliant_datasets: set[Node],
    url_answers: Mapping[str, bool] | None,
    dataportal_se: bool,
) -> list[tuple[Indicator, list[Node], Callable[[Node], bool] | None]]:
    """Each indicator with the nodes it is measured on and its check (None: a URL indicator not checked)."""
    datasets = datasets_of(graph)
    distributions = sorted({d for dataset in datasets for d in distributions_of(graph, dataset)}, key=str)

    def has(predicate: URIRef) -> Callable[[Node], bool]:
        return lambda node: graph.value(node, predicate) is not None

    def answers(predicate: URIRef) -> Callable[[Node], bool]:
        assert url_answers is not None
        return lambda node: any(url_answers.get(str(url), False) for url in graph.objects(node, predicate))

    dataset_checks: dict[str, Callable[[Node], bool]] = {
        "keyword": has(DCAT.keyword), "categories": has(DCAT.theme), "geo_search": has(DCT.spatial),
        "time_search": has(DCT.temporal), "dcat_ap_compliance": lambda dataset: dataset in compliant_datasets,
        "access_rights": has(DCT.accessRights),
        "access_rights_vocabulary": lambda dataset: _any_starts(graph, dataset, DCT.accessRights, (ACCESS_RIGHT,)),
        "contact_point": has(DCAT.contactPoint), "publisher": has(DCT.publisher),
    }
    distribution_checks: dict[str, Callable[[Node], bool]] = {
        "download_url": has(DCAT.downloadURL),
        "licence": has(DCT.license),
        "licence_vocabulary": lambda node: _any_starts(graph, node, DCT.license, LICENCE_VOCABULARIES),
        "rights": has(DCT.rights), "file_size": has(DCAT.byteSize),
    }
    if url_answers is not None:
        distribution_checks["access_url_accessible"] = answers(DCAT.accessURL)
        distribution_checks["download_url_accessible"] = answers(DCAT.downloadURL)
    both_checks = {"date_of_issue": has(DCT.issued), "modification_date": has(DCT.modified)}
    best = {dataset: _best_interoperability(graph, distributions_of(graph, dataset), dataportal_se)
            for dataset in datasets}

    checks: list[tuple[Indicator, list[Node], Callable[[Node], bool] | None]] = []
    for indicator in INDICATORS:
        if dataportal_se and indicator.key == "dcat_ap_compliance":
            continue
        if indicator.key in dataset_checks:
            checks.append((indicator, datasets, dataset_checks[indicator.key]))
        elif indicator.key in distribution_checks:
            checks.append((indicator, distributions, distribution_checks[indicator.key]))
        elif indicator.key in both_checks:
            checks.append((indicator, datasets + distributions, both_checks[indicator.key]))
        elif indicator.key in INTEROPERABILITY_WEIGHTS:
            checks.append((indicator, datasets, lambda dataset, key=indicator.key: key in best[dataset]))
        else:
            checks.append((indicator, distributions, None))
    return checks


def _share(indicator: Indicator, nodes: list[Node], check: Callable[[Node], bool]) -> IndicatorScore:
    return IndicatorScore(indicator, sum(1 for node in nodes if check(node)), len(nodes))


def _any_starts(graph: rdflib.Graph, node: Node, predicate: URIRef, prefixes: tuple[str, ...]) -> bool:
    return any(isinstance(value, URIRef) and str(value).startswith(prefixes)
               for value in graph.objects(node, predicate))


def interoperability_met(graph: rdflib.Graph, distribution: Node, iana_literals: bool = False) -> set[str]:
    """The distribution-level interoperability indicators one distribution meets.

    ``iana_literals``: as dataportal.se, a format literal such as "text/csv" counts as its EU file type,
    and as a media type from IANA's list.
    """
    formats = list(graph.objects(distribution, DCT["format"]))
    media_types = list(graph.objects(distribution, DCAT.mediaType))
    codes = {str(value)[len(FILE_TYPE):] for value in formats
             if isinstance(value, URIRef) and str(value).startswith(FILE_TYPE)}
    iana_media = any(isinstance(value, URIRef) and str(value).startswith(IANA_PREFIXES) for value in media_types)
    if iana_literals:
        literal_codes = {IANA_FILE_TYPES[str(value).lower()] for value in formats
                         if isinstance(value, Literal) and str(value).lower() in IANA_FILE_TYPES}
        codes |= literal_codes
        iana_media = iana_media or bool(literal_codes)
    met = set()
    if formats:
        met.add("format")
    if media_types:
        met.add("media_type")
    # As data.europa.eu: the format from the EU file-type list and the media type from IANA's.
    if codes and iana_media:
        met.add("from_vocabulary")
    if codes & NON_PROPRIETARY:
        met.add("non_proprietary")
    if codes & MACHINE_READABLE:
        met.add("machine_readable")
    return met


def _best_interoperability(graph: rdflib.Graph, distributions: list[Node], iana_literals: bool) -> set[str]:
    """What the dataset's best distribution (most interoperability points) meets; nothing without one."""
    candidates = [interoperability_met(graph, distribution, iana_literals) for distribution in distributions]
    return max(candidates, key=lambda met: sum(INTEROPERABILITY_WEIGHTS[key] for key in met), default=set())
