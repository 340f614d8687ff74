"""One organisation's harvest readiness: its feed checked by ``quality/``, problems told per dataset.

The feed (public datasets) is checked exactly as ``openup check`` would check it once published; private
and draft datasets are checked apart, so a publisher can fix them before they go public, but they count
neither in the score nor in what blocks the harvest. The result is plain JSON-ready data (it is cached);
links to the forms are added when it is shown (``links.py``).
"""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import rdflib
from ckanext.dcat.utils import dataset_uri, resource_uri
from rdflib.term import Node

from ckanext.openup import harvest_feed
from ckanext.openup.profiles.namespaces import DCAT
from ckanext.openup.quality.checking import check_graph
from ckanext.openup.quality.findings import BLOCKING, SEVERITY_ORDER, VIOLATION, WARNING, Finding
from ckanext.openup.quality.mqa import unmet_indicators
from ckanext.openup.quality.report import CheckReport
from ckanext.openup.quality.rules import short
from ckanext.openup.readiness import calendar, fields

READY, IMPROVABLE, NOT_READY = "ready", "improvable", "not_ready"
_SH_PATH = re.compile(r"sh:path ([\w:]+)")
_SHACL_SEVERITY = {"Violation": VIOLATION, "Warning": WARNING}
# MQA points a dataset cannot be faulted for: URL checks are not run here, compliance is SHACL's.
_NOT_A_DATASET_PROBLEM = {"dcat_ap_compliance", "access_url_accessible", "download_url_accessible"}


def assess(organisation: dict[str, Any], datasets: list[dict[str, Any]]) -> dict[str, Any]:
    """Readiness of ``organisation`` with its ``datasets`` (all states; only public active ones are in the feed)."""
    started = time.perf_counter()
    public = [d for d in datasets if not d.get("private") and d.get("state") == "active"]
    in_feed = {d["id"] for d in public}
    unpublished = [d for d in datasets if d["id"] not in in_feed]
    report, graph = _check(organisation, public)
    problems = _Problems(organisation, graph, public)
    problems.add_report(report)
    entries = [problems.dataset_entry(d, in_feed=True) for d in public]
    if unpublished:
        draft_report, draft_graph = _check(organisation, unpublished)
        drafts = _Problems(organisation, draft_graph, unpublished)
        drafts.add_report(draft_report)
        entries += [drafts.dataset_entry(d, in_feed=False) for d in unpublished]
    mqa = report.mqa.as_dict() if report.mqa else None
    return {
        "organization": {"id": organisation["id"], "name": organisation["name"],
                         "title": organisation.get("title") or organisation["name"],
                         "country": organisation.get("country") or "SE"},
        "harvest_url": harvest_feed.feed_uri(organisation),
        "checked_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "harvestable": not report.blocked,
        "status": _status([p["severity"] for p in problems.organisation_problems]
                          + [p["severity"] for e in entries if e["in_feed"] for p in e["problems"]]),
        "datasets_in_feed": len(public),
        "mqa": mqa,
        "mqa_dataportal_se": round(report.dataportal_mqa.points, 2) if report.dataportal_mqa else None,
        "organization_problems": problems.organisation_problems,
        "datasets": sorted(entries, key=lambda e: (not e["in_feed"], e["name"])),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _check(organisation: dict[str, Any], datasets: list[dict[str, Any]]) -> tuple[CheckReport, rdflib.Graph]:
    graph = catalogue_graph(organisation, datasets)
    return check_graph(graph, harvest_feed.feed_uri(organisation)), graph


def catalogue_graph(organisation: dict[str, Any], datasets: list[dict[str, Any]]) -> rdflib.Graph:
    """The organisation's feed with ``datasets`` as a graph, as the feed is built but not serialised."""
    serializer = harvest_feed.OrganisationCatalogueSerializer()
    catalogue = serializer.graph_from_catalog(harvest_feed.catalogue_description(organisation, datasets))
    for dataset in datasets:
        serializer.g.add((catalogue, DCAT.dataset, serializer.graph_from_dataset(dataset)))
    return serializer.g


def _status(severities: list[str]) -> str:
    if any(severity in (BLOCKING, VIOLATION) for severity in severities):
        return NOT_READY
    return IMPROVABLE if severities else READY


class _Problems:
    """Findings, SHACL results and missed MQA points, each placed on the dataset (or file) to fix."""

    def __init__(self, organisation: dict[str, Any], graph: rdflib.Graph, datasets: list[dict[str, Any]]) -> None:
        self.organisation = organisation
        self.graph = graph
        self.datasets = {rdflib.URIRef(dataset_uri(d)): d for d in datasets}
        self.resources = {rdflib.URIRef(resource_uri(r)): (uri, r)
                          for uri, d in self.datasets.items() for r in d.get("resources", [])}
        self.own_contact = f"{harvest_feed.feed_uri(organisation).rsplit('/catalog', 1)[0]}#contact-point"
        self.by_dataset: dict[Node, dict[tuple[str, str], dict[str, Any]]] = {uri: {} for uri in self.datasets}
        self.organisation_problems: list[dict[str, Any]] = []

    def add_report(self, report: CheckReport) -> None:
        if report.load_error is not None:
            self._organisation(BLOCKING, "", report.load_error.describe())
            return
        for finding in report.findings:
            self._finding(finding)
        for result in report.shacl_results:
            path = short(result.path) if result.path else ""
            self._place(_SHACL_SEVERITY.get(result.severity, WARNING), result.focus, path,
                        _shacl_message(result.severity, path, result.constraint, result.message),
                        missing=result.constraint == "MinCountConstraintComponent" and bool(path))
        # DCAT-AP compliance is left out (the SHACL results above say what to fix), so no compliant set.
        for indicator, node in unmet_indicators(self.graph, set()):
            if indicator.key in _NOT_A_DATASET_PROBLEM:
                continue
            self._place(WARNING, node, fields.INDICATOR_PROPERTIES.get(indicator.key, ""),
                        f"MQA: no points for {indicator.label} ({indicator.dimension}, up to {indicator.weight})",
                        missing=True)

    def dataset_entry(self, dataset: dict[str, Any], in_feed: bool) -> dict[str, Any]:
        problems = sorted(self.by_dataset[rdflib.URIRef(dataset_uri(dataset))].values(),
                          key=lambda p: (SEVERITY_ORDER[p["severity"]], p["resource_name"], p["property"]))
        return {
            "id": dataset["id"], "name": dataset["name"], "type": dataset.get("type") or "dataset",
            "title": dataset.get("title") or dataset["name"], "in_feed": in_feed,
            "private": bool(dataset.get("private")), "state": dataset.get("state"),
            "status": _status([p["severity"] for p in problems]), "problems": problems,
            "calendar_facts": calendar.facts(dataset),  # judged against the date when shown (calendar.py)
        }

    def _finding(self, finding: Finding) -> None:
        subject = rdflib.URIRef(finding.subject) if finding.subject else None
        value = rdflib.URIRef(finding.value) if finding.value else None
        if finding.severity == BLOCKING and (value in self.datasets or value in self.resources):
            # The dataset's or file's own IRI is broken: one problem, not one per property that uses it.
            self._place(BLOCKING, value, "", f"{finding.message}: {finding.value}")
            return
        message = f"{finding.message} ({finding.value})" if finding.value else finding.message
        missing = bool(finding.property) and finding.message.startswith(f"{finding.property} is missing")
        if finding.kind in ("catalogue", "publisher", "catalogue record") or subject is None:
            self._organisation(finding.severity, finding.property or "dct:identifier", message, missing)
        else:
            self._place(finding.severity, subject, finding.property, message, missing)

    def _place(self, severity: str, node: Node, prop: str, message: str, missing: bool = False) -> None:
        """Put a problem about ``node`` on its dataset, its file or the organisation.

        ``missing``: the property is absent (rather than wrong), so the publisher is told to add it.
        """
        if node in self.resources:
            self._add(self.resources[node][0], severity, prop, message, self.resources[node][1], missing)
            return
        if node in self.datasets:
            self._add(node, severity, prop, message, missing=missing)
            return
        if str(node) == self.own_contact:
            self._organisation(severity, prop, message, missing)
            return
        owners = self._owners(node)
        if not owners:
            self._organisation(severity, prop, message, missing)
        for owner in owners:
            # A problem with something a dataset points to (its contact, its period): fix it on the dataset.
            owner_prop = prop if node in self.graph.objects(owner, DCAT.contactPoint) else ""
            self._place(severity, owner, owner_prop or _pointing_property(self.graph, owner, node), message,
                        missing and bool(owner_prop))

    def _owners(self, node: Node) -> list[Node]:
        """The datasets or files that point at ``node``, through at most two blank nodes."""
        frontier, seen = [node], {node}
        for _ in range(3):
            parents = {s for n in frontier for s in self.graph.subjects(None, n)} - seen
            owners = [p for p in parents if p in self.datasets or p in self.resources]
            if owners:
                return sorted(owners, key=str)
            seen |= parents
            frontier = [p for p in parents if isinstance(p, rdflib.BNode)]
        return []

    def _add(self, dataset: Node, severity: str, prop: str, message: str,
             resource: dict[str, Any] | None = None, missing: bool = False) -> None:
        if resource is not None and prop in fields.RESOURCE_PROPERTIES_ON_DATASET:
            resource = None  # set on the dataset's form for all its files
        key = (resource["id"] if resource else "", prop)
        problems = self.by_dataset[dataset]
        if key not in problems:
            field_name = (fields.RESOURCE_FIELDS if resource else fields.DATASET_FIELDS).get(prop, "")
            problems[key] = {"severity": severity, "property": prop, "field": field_name, "messages": [],
                             "resource_id": key[0], "missing": missing,
                             "resource_name": (resource.get("name") or resource["id"]) if resource else ""}
        problem = problems[key]
        problem["missing"] = problem["missing"] and missing
        if SEVERITY_ORDER[severity] < SEVERITY_ORDER[problem["severity"]]:
            problem["severity"] = severity
        if message not in problem["messages"]:
            problem["messages"].append(message)

    def _organisation(self, severity: str, prop: str, message: str, missing: bool = False) -> None:
        field_name = fields.ORGANISATION_FIELDS.get(prop, "")
        for problem in self.organisation_problems:
            if problem["property"] == prop:
                problem["missing"] = problem["missing"] and missing
                if SEVERITY_ORDER[severity] < SEVERITY_ORDER[problem["severity"]]:
                    problem["severity"] = severity
                if message not in problem["messages"]:
                    problem["messages"].append(message)
                return
        self.organisation_problems.append({"severity": severity, "property": prop, "field": field_name,
                                           "messages": [message], "missing": missing})


def _shacl_message(severity: str, path: str, constraint: str, message: str) -> str:
    """pyshacl's message in the publisher's terms where the constraint is a plain "at least one"."""
    verb = "requires" if severity == "Violation" else "recommends"
    if constraint == "MinCountConstraintComponent" and path:
        return f"DCAT-AP {verb} {path}"
    alternatives = _SH_PATH.findall(message) if constraint == "OrConstraintComponent" else []
    if alternatives:
        return f"DCAT-AP {verb} one of {', '.join(alternatives)}"
    return f"DCAT-AP: {message}"


def _pointing_property(graph: rdflib.Graph, owner: Node, node: Node) -> str:
    """The owner's property that leads to ``node`` (directly or through a blank node)."""
    for predicate, value in graph.predicate_objects(owner):
        if value == node or (isinstance(value, rdflib.BNode) and (value, None, node) in graph):
            return short(predicate)
    return ""
