"""SHACL validation of serialised feeds against the official DCAT-AP 3.0.1 shapes and our own."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import SH

OWN_SHAPES = (
    Path(__file__).resolve().parent.parent
    / "ckanext-openup" / "ckanext" / "openup" / "quality" / "shapes" / "dcat-ap-se.ttl"
)


def shacl_results(data: rdflib.Graph, shapes: Path) -> list[dict[str, str]]:
    """Every validation result as a dict of severity, focus node, path and message."""
    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph, inference="none", allow_warnings=True, allow_infos=True
    )
    return [
        {
            "severity": str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            "focus": str(report.value(result, SH.focusNode)),
            "path": str(report.value(result, SH.resultPath)),
            "message": str(report.value(result, SH.resultMessage)),
        }
        for result in report.subjects(rdflib.RDF.type, SH.ValidationResult)
    ]


def severities(results: list[dict[str, str]]) -> Counter:
    return Counter(result["severity"] for result in results)
