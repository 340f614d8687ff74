"""One harvest-readiness check of a catalogue: load, dataportal.se rules, DCAT-AP SHACL, MQA score."""

from __future__ import annotations

import time

import rdflib

from ckanext.openup.profiles.namespaces import DCAT
from ckanext.openup.quality import shacl
from ckanext.openup.quality.findings import WARNING, Finding
from ckanext.openup.quality.loading import CatalogueLoadError, LoadLimits, load_catalogue
from ckanext.openup.quality.mqa import mqa_score
from ckanext.openup.quality.report import CheckReport
from ckanext.openup.quality.rules import datasets_of, distributions_of, harvest_rule_findings
from ckanext.openup.quality.urls import UrlAnswer, UrlCheckSettings, check_urls


def check_catalogue(source: str, url_settings: UrlCheckSettings | None = None,
                    limits: LoadLimits | None = None) -> CheckReport:
    """Check ``source`` (URL or file) as dataportal.se would harvest it; URLs only with ``url_settings``.

    ``limits`` bound the reading (see ``LoadLimits``); by default private addresses are not asked.
    """
    started = time.perf_counter()
    try:
        loaded = load_catalogue(source, limits)
    except CatalogueLoadError as error:
        return CheckReport(source=source, load_error=error)
    load_seconds = time.perf_counter() - started
    report = check_graph(loaded.graph, source, url_settings, loaded.findings)
    report.documents = loaded.documents
    report.timings = {"load": load_seconds, **report.timings}
    return report


def check_graph(
    graph: rdflib.Graph,
    source: str = "",
    url_settings: UrlCheckSettings | None = None,
    loading_findings: list[Finding] | None = None,
) -> CheckReport:
    """Check a catalogue graph already in hand (e.g. a feed the plugin has just built)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    findings = list(loading_findings or []) + harvest_rule_findings(graph)
    timings["rules"] = time.perf_counter() - started

    started = time.perf_counter()
    shacl_results = shacl.validate(graph)
    conforming = shacl.conforming_datasets(graph, shacl_results)
    timings["shacl"] = time.perf_counter() - started

    url_answers = None
    if url_settings is not None:
        started = time.perf_counter()
        url_answers = check_urls(_distribution_urls(graph), url_settings)
        findings += _url_findings(graph, url_answers)
        timings["urls"] = time.perf_counter() - started

    answered = {url: bool(answer.ok) for url, answer in url_answers.items()} if url_answers is not None else None
    return CheckReport(
        source=source, datasets=len(datasets_of(graph)), findings=findings, shacl_results=shacl_results,
        conforming_datasets=len(conforming), mqa=mqa_score(graph, conforming, answered),
        dataportal_mqa=mqa_score(graph, conforming, answered, dataportal_se=True),
        url_answers=url_answers, timings=timings,
    )


def _distribution_urls(graph: rdflib.Graph) -> list[str]:
    return [str(url) for dataset in datasets_of(graph) for distribution in distributions_of(graph, dataset)
            for predicate in (DCAT.accessURL, DCAT.downloadURL) for url in graph.objects(distribution, predicate)]


def _url_findings(graph: rdflib.Graph, url_answers: dict[str, UrlAnswer]) -> list[Finding]:
    """Each distribution URL that did not answer: harvested all the same, but scored down."""
    findings = []
    for dataset in datasets_of(graph):
        for distribution in distributions_of(graph, dataset):
            for predicate, name in ((DCAT.accessURL, "dcat:accessURL"), (DCAT.downloadURL, "dcat:downloadURL")):
                for url in graph.objects(distribution, predicate):
                    answer = url_answers.get(str(url))
                    if answer is not None and answer.ok is False:
                        findings.append(Finding(WARNING, f"URL does not answer: {answer.reason}",
                                                kind="distribution", subject=str(distribution), property=name,
                                                value=str(url), dataset=str(dataset)))
    return findings
