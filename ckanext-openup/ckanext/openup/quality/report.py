"""The result of a harvest-readiness check, as a JSON-ready dict (the text for people is cli/check_report.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ckanext.openup.quality.findings import BLOCKING, VIOLATION, WARNING, Finding
from ckanext.openup.quality.loading import CatalogueLoadError
from ckanext.openup.quality.mqa import MqaScore
from ckanext.openup.quality.shacl import ShaclResult
from ckanext.openup.quality.urls import UrlAnswer

JSON_EXAMPLES = 20  # focus nodes listed per kind of SHACL result in the JSON report


@dataclass
class CheckReport:
    """Everything one check found; ``blocked`` says whether dataportal.se's harvest would fail."""

    source: str
    load_error: CatalogueLoadError | None = None
    documents: list[str] = field(default_factory=list)
    datasets: int = 0
    findings: list[Finding] = field(default_factory=list)
    shacl_results: list[ShaclResult] = field(default_factory=list)
    conforming_datasets: int = 0
    mqa: MqaScore | None = None
    dataportal_mqa: MqaScore | None = None  # dataportal.se's variant of the same method
    url_answers: dict[str, UrlAnswer] | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        return self.load_error is not None or any(finding.severity == BLOCKING for finding in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    def shacl_groups(self) -> list[dict[str, object]]:
        """SHACL results grouped by severity, path and constraint (one line each in a report)."""
        groups: dict[tuple[str, str, str], list[ShaclResult]] = defaultdict(list)
        for result in self.shacl_results:
            groups[(result.severity, result.as_dict()["path"], result.constraint)].append(result)
        ordered = sorted(groups.items(), key=lambda item: (item[0][0] != "Violation", -len(item[1]), item[0]))
        return [
            {"severity": severity, "path": path, "constraint": constraint, "count": len(results),
             "message": results[0].message, "focus_nodes": [str(result.focus) for result in results[:JSON_EXAMPLES]]}
            for (severity, path, constraint), results in ordered
        ]

    def as_dict(self) -> dict[str, object]:
        if self.load_error is not None:
            return {"source": self.source, "harvestable": False,
                    "error": {"location": self.load_error.location, "line": self.load_error.line,
                              "reason": self.load_error.reason, "message": self.load_error.describe()}}
        violations = sum(1 for result in self.shacl_results if result.severity == "Violation")
        return {
            "source": self.source,
            "harvestable": not self.blocked,
            "documents": self.documents,
            "datasets": self.datasets,
            "harvest_rules": {"blocking": self.count(BLOCKING), "violations": self.count(VIOLATION),
                              "warnings": self.count(WARNING),
                              "findings": [finding.as_dict() for finding in self.findings]},
            "shacl": {"shapes": "DCAT-AP 3.0.1 (shapes.ttl, shapes_recommended.ttl)",
                      "conforming_datasets": self.conforming_datasets, "violations": violations,
                      "warnings": len(self.shacl_results) - violations, "groups": self.shacl_groups()},
            "mqa": self.mqa.as_dict() if self.mqa else None,
            "mqa_dataportal_se": {
                "points": round(self.dataportal_mqa.points, 2), "maximum": self.dataportal_mqa.maximum,
                "not_checked_points": self.dataportal_mqa.unchecked_weight,
                "note": "no points for DCAT-AP compliance; IANA media-type literals accepted as formats",
            } if self.dataportal_mqa else None,
            "urls": [answer.as_dict() for answer in self.url_answers.values()] if self.url_answers else None,
            "seconds": {step: round(seconds, 2) for step, seconds in self.timings.items()},
        }
