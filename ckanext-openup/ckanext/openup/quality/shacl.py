"""DCAT-AP 3.0.1 SHACL validation with the official shapes shipped in ``shapes/dcat-ap-3.0.1/``.

pyshacl takes about 12 ms a dataset (a minute for 5,000), and catalogues repeat themselves: most
datasets and distributions have the same structure as many others, differing only in IRIs and literal
values. The DCAT-AP shapes look at structure only (which properties, how many, node kinds, literal
datatypes and their well-formedness, classes of the values), never at the values themselves (no
sh:pattern, sh:in or sh:hasValue), and see a dataset's distributions only through their class. So each
dataset and each distribution, with the blank nodes under it, is a *unit* with a structural signature;
pyshacl validates one unit per signature together with the rest of the catalogue, and each result is
copied to the other units of that signature, node for node. tests/quality/test_shacl.py pins that this
gives the same results as pyshacl on the whole graph; a newer release of the shapes that adds value
constraints (or sh:node on distributions) would need the signature widened.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import pyshacl
import rdflib
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ckanext.openup.profiles.namespaces import DCAT
from ckanext.openup.quality.rules import datasets_of, distributions_of, short

OFFICIAL_SHAPES = ("shapes.ttl", "shapes_recommended.ttl")


@lru_cache(maxsize=1)
def official_shapes() -> rdflib.Graph:
    """The DCAT-AP 3.0.1 shapes (mandatory and recommended) as one graph, read once."""
    shapes = rdflib.Graph()
    folder = files("ckanext.openup.quality") / "shapes" / "dcat-ap-3.0.1"
    for name in OFFICIAL_SHAPES:
        shapes.parse(data=(folder / name).read_text(encoding="utf-8"), format="turtle")
    return shapes


@dataclass(frozen=True)
class ShaclResult:
    """One sh:ValidationResult, with the shape's path and the offending value when there is one."""

    severity: str
    focus: Node
    path: str
    value: Node | None
    message: str
    constraint: str

    def as_dict(self) -> dict[str, str]:
        result = {"severity": self.severity, "focus": str(self.focus), "path": short(self.path) if self.path else "",
                  "message": self.message, "constraint": self.constraint}
        if self.value is not None:
            result["value"] = str(self.value)
        return result


@dataclass
class _Unit:
    root: Node  # a dataset or a distribution
    kind: str
    nodes: list[Node]  # the root first, then its blank nodes in signature order
    signature: str


@dataclass
class _Copies:
    unit: Node  # the root of the validated unit the node belongs to
    nodes: list[Node]  # its counterparts, one per twin unit


def validate(graph: rdflib.Graph) -> list[ShaclResult]:
    """Every DCAT-AP 3.0.1 result (violations and warnings) for ``graph``, one unit per structure."""
    units = _units(graph)
    groups: dict[tuple[str, str], list[_Unit]] = defaultdict(list)
    for unit in units:
        groups[(unit.kind, unit.signature)].append(unit)
    kept = _kept_roots(graph, groups)
    reduced = _reduced_graph(graph, units, kept)
    results = _pyshacl_results(reduced)
    copies = _node_copies(groups, kept)
    spread: list[ShaclResult] = []
    for result in results:
        spread.append(result)
        for focus, value in _copied_nodes(graph, result, copies):
            # pyshacl's messages name the focus node: name the copy's own.
            message = result.message.replace(f"<{result.focus}>", f"<{focus}>")
            spread.append(ShaclResult(result.severity, focus, result.path, value, message, result.constraint))
    return spread


def validate_whole_graph(graph: rdflib.Graph) -> list[ShaclResult]:
    """Plain pyshacl on the whole graph: the reference the grouped validation must equal."""
    return _pyshacl_results(graph)


def _pyshacl_results(data: rdflib.Graph) -> list[ShaclResult]:
    _, report, _ = pyshacl.validate(data, shacl_graph=official_shapes(), inference="none",
                                    allow_warnings=True, allow_infos=True)
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(node, SH.resultPath)
        results.append(ShaclResult(
            severity=str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1],
            focus=report.value(node, SH.focusNode),
            path=str(path) if isinstance(path, URIRef) else "",
            value=report.value(node, SH.value),
            message=str(report.value(node, SH.resultMessage) or ""),
            constraint=str(report.value(node, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
        ))
    return results


def _units(graph: rdflib.Graph) -> list[_Unit]:
    """Datasets and distributions as units of their own, each with the blank nodes under it.

    Apart, because the DCAT-AP shapes see a dataset's distributions only through their class.
    """
    datasets = datasets_of(graph)
    dataset_set = set(datasets)
    distributions = list(dict.fromkeys(
        distribution for dataset in datasets for distribution in distributions_of(graph, dataset)
        if distribution not in dataset_set))
    roots = frozenset(datasets) | frozenset(distributions)
    claimed: set[Node] = set()
    units = []
    for kind, root in [("dataset", d) for d in datasets] + [("distribution", d) for d in distributions]:
        members = {root} | (_blank_nodes_under(graph, {root}) - roots - claimed)
        claimed |= members
        signature, order = _signature(graph, root, frozenset(members), roots)
        units.append(_Unit(root, kind, order, signature))
    return units


def _kept_roots(graph: rdflib.Graph, groups: dict[tuple[str, str], list[_Unit]]) -> set[Node]:
    """One dataset per structure with its distributions, and a distribution of each structure not yet in."""
    kept = {members[0].root for (kind, _), members in groups.items() if kind == "dataset"}
    kept |= {distribution for dataset in list(kept) for distribution in graph.objects(dataset, DCAT.distribution)}
    for (kind, _), members in groups.items():
        if kind == "distribution" and not any(member.root in kept for member in members):
            kept.add(members[0].root)
    return kept


def _blank_nodes_under(graph: rdflib.Graph, roots: set[Node]) -> set[Node]:
    """Blank nodes reachable from ``roots`` (other units' blank roots included; callers take those out)."""
    found: set[Node] = set()
    pending = list(roots)
    while pending:
        for value in graph.objects(pending.pop(), None):
            if isinstance(value, BNode) and value not in found and value not in roots:
                found.add(value)
                pending.append(value)
    return found


def _signature(
    graph: rdflib.Graph, root: Node, members: frozenset[Node], roots: frozenset[Node]
) -> tuple[str, list[Node]]:
    """What the shapes can see of a unit, as text; and its nodes in an order that matches between twins."""
    visiting: set[Node] = set()

    def describe(node: Node) -> tuple[str, list[Node]]:
        visiting.add(node)
        parts: list[tuple[str, list[Node]]] = []
        for predicate, value in graph.predicate_objects(node):
            if value in members and value not in visiting:
                text, nodes = describe(value)
                parts.append((f"{predicate}({text})", nodes))
            else:
                parts.append((f"{predicate}={_outline(graph, value, members, roots)}", []))
        # Sorted by description, so that twins list their owned nodes in the same order.
        parts.sort(key=lambda part: part[0])
        return ";".join(text for text, _ in parts), [node] + [owned for _, nodes in parts for owned in nodes]

    return describe(root)


def _outline(graph: rdflib.Graph, value: Node, members: frozenset[Node], roots: frozenset[Node] = frozenset()) -> str:
    """A value as the shapes see it: a literal's datatype, language and well-formedness; a node's kind."""
    if isinstance(value, Literal):
        return f"L[{value.datatype}|{value.language}|{value.ill_typed}]"
    kind = "B" if isinstance(value, BNode) else "I"
    if value in members or value in roots:
        # Owned nodes are described in full elsewhere; the shapes see another unit only by its class.
        return f"{kind}[" + ",".join(sorted(map(str, graph.objects(value, RDF.type)))) + "]"
    if next(graph.predicate_objects(value), None) is None:
        return kind  # a plain reference (a download URL, a theme): only its kind matters
    return f"E[{value}]"  # a described node outside the units (publisher, contact): the same node or not


def _reduced_graph(graph: rdflib.Graph, units: list[_Unit], kept: set[Node]) -> rdflib.Graph:
    """Everything but the units not kept; links into those are left out too."""
    skipped = {node for unit in units if unit.root not in kept for node in unit.nodes}
    if not skipped:
        return graph
    reduced = rdflib.Graph()
    for subject, predicate, value in graph:
        if value in skipped:
            continue
        if subject in skipped and (predicate == RDF.type or isinstance(value, Literal)):
            continue  # an untyped stub keeps links such as dcat:inSeries counted, without being a focus node
        reduced.add((subject, predicate, value))
    return reduced


def _node_copies(groups: dict[tuple[str, str], list[_Unit]], kept: set[Node]) -> dict[Node, _Copies]:
    """Each validated node and its counterparts in the units of its structure that were not validated."""
    copies: dict[Node, _Copies] = {}
    for members in groups.values():
        source = next(member for member in members if member.root in kept)
        twins = [member for member in members if member.root not in kept]
        for position, node in enumerate(source.nodes):
            copies[node] = _Copies(source.root, [twin.nodes[position] for twin in twins])
    return copies


def _copied_nodes(
    graph: rdflib.Graph, result: ShaclResult, copies: dict[Node, _Copies]
) -> Iterator[tuple[Node, Node | None]]:
    """The (focus, value) pairs a representative's result stands for in the other units of its group."""
    if result.focus in copies:
        focus_copies = copies[result.focus]
        value_copies = copies.get(result.value) if result.value is not None else None
        same_unit = value_copies is not None and value_copies.unit == focus_copies.unit
        for index, focus in enumerate(focus_copies.nodes):
            if same_unit:
                yield focus, value_copies.nodes[index]
            else:
                yield focus, _counterpart_value(graph, result, focus)
    elif result.value is not None and result.value in copies:
        for value in copies[result.value].nodes:
            yield result.focus, value


def _counterpart_value(graph: rdflib.Graph, result: ShaclResult, twin_focus: Node) -> Node | None:
    """The twin's value in the place of the representative's (a literal or a plain reference)."""
    if result.value is None or not result.path.startswith(("http://", "https://")):
        return result.value
    predicate = URIRef(result.path)
    outline = _outline(graph, result.value, frozenset())

    def alike(focus: Node) -> list[Node]:
        return sorted((value for value in graph.objects(focus, predicate)
                       if _outline(graph, value, frozenset()) == outline), key=str)

    originals, counterparts = alike(result.focus), alike(twin_focus)
    if result.value in originals and len(originals) == len(counterparts):
        return counterparts[originals.index(result.value)]
    return result.value


def conforming_datasets(graph: rdflib.Graph, results: list[ShaclResult]) -> set[Node]:
    """Datasets that pass DCAT-AP SHACL: no violation on them, their distributions or what they link to.

    As data.europa.eu validates each dataset with its distributions, publisher and contact point.
    """
    failing = {result.focus for result in results if result.severity == "Violation"}
    conforming = set()
    for dataset in datasets_of(graph):
        unit = {dataset} | set(graph.objects(dataset, DCAT.distribution))
        unit |= _blank_nodes_under(graph, unit)
        related = unit | {value for node in unit for value in graph.objects(node, None)}
        if not related & failing:
            conforming.add(dataset)
    return conforming
