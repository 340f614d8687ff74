"""The result of a harvest-readiness check, as a JSON-ready dict and as text for people."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ckanext.openup.quality.findings import BLOCKING, VIOLATION, WARNING, Finding
from ckanext.openup.quality.loading import CatalogueLoadError
from ckanext.openup.quality.mqa import DIMENSIONS, MAXIMUM, MqaScore
from ckanext.openup.quality.shacl import ShaclResult
from ckanext.openup.quality.urls import UrlAnswer

EXAMPLES = 3  # subjects shown per kind of problem in the text report
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


def _number(value: float) -> str:
    text = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    return text.replace(",", " ").removesuffix(".0")


def _finding_lines(findings: list[Finding]) -> list[str]:
    groups: dict[tuple[str, str, str, str], list[Finding]] = defaultdict(list)
    for finding in sorted(findings, key=Finding.sort_key):
        groups[(finding.severity, finding.kind, finding.property, finding.message)].append(finding)
    lines = []
    for (severity, kind, prop, message), members in groups.items():
        where = " ".join(part for part in (kind, prop) if part)
        lines.append(f"  {severity.upper():9} {where + ': ' if where else ''}{message}")
        for finding in members[:EXAMPLES]:
            value = f" ({finding.value})" if finding.value else ""
            dataset = f" in dataset {finding.dataset}" if finding.dataset else ""
            lines.append(f"            {finding.subject}{dataset}{value}")
        if len(members) > EXAMPLES:
            lines.append(f"            … and {_number(len(members) - EXAMPLES)} more ({_number(len(members))} in all)")
    return lines


def _mqa_lines(score: MqaScore) -> list[str]:
    lines = [f"MQA score (data.europa.eu method, as dataportal.se shows it; {MAXIMUM} points)"]
    for dimension, top in DIMENSIONS.items():
        lines.append(f"  {dimension:<18} {_number(round(score.dimension_points(dimension), 1)):>6} / {top}")
        for indicator_score in score.indicators:
            indicator = indicator_score.indicator
            if indicator.dimension != dimension:
                continue
            if not indicator_score.checked:
                lines.append(f"    {indicator.label:<44} not checked (up to {indicator.weight}; use --check-urls)")
                continue
            unit = {"dataset": "datasets", "distribution": "distributions"}.get(indicator.on,
                                                                            "datasets and distributions")
            if indicator.dimension == "Interoperability" and indicator.on == "distribution":
                unit = "datasets (best distribution)"
            lines.append(
                f"    {indicator.label:<44} {_number(round(indicator_score.points, 1)):>6} / {indicator.weight:<3}"
                f" {_number(indicator_score.satisfied)} of {_number(indicator_score.population)} {unit}")
    total = f"  Total: {_number(round(score.points, 1))} / {MAXIMUM}: {score.rating}"
    if score.unchecked_weight:
        best = round(score.points + score.unchecked_weight, 1)
        total += (f" for the checked indicators; {score.unchecked_weight} points not checked, so at most "
                  f"{_number(best)} ({score.best_possible_rating})")
    lines.append(total)
    return lines


def render_text(report: CheckReport) -> str:
    """The report for people: what blocks the harvest, the rule breaches, SHACL, the MQA score."""
    if report.load_error is not None:
        return (f"{report.source}\n  BLOCKING  cannot be read: {report.load_error.describe()}\n"
                "Result: NOT harvestable (dataportal.se cannot read this catalogue)")
    lines = [report.source,
             f"  read {_number(len(report.documents))} document(s), {_number(report.datasets)} datasets", ""]
    lines.append(f"dataportal.se rules: {report.count(BLOCKING)} blocking, {report.count(VIOLATION)} violations, "
                 f"{report.count(WARNING)} warnings")
    lines += _finding_lines(report.findings)
    violations = sum(1 for result in report.shacl_results if result.severity == "Violation")
    lines += ["", f"DCAT-AP 3.0.1 SHACL: {_number(report.conforming_datasets)} of {_number(report.datasets)} "
              f"datasets conform; {_number(violations)} violations, "
              f"{_number(len(report.shacl_results) - violations)} warnings"]
    for group in report.shacl_groups():
        example = group["focus_nodes"][0] if group["focus_nodes"] else ""
        lines.append(f"  {group['severity']:<9} {group['path'] or '(node)'} {group['constraint']}: "
                     f"{_number(group['count'])} × e.g. {example}: {group['message']}")
    if report.mqa is not None:
        lines += [""] + _mqa_lines(report.mqa)
    if report.dataportal_mqa is not None:
        variant = report.dataportal_mqa
        unchecked = f" ({variant.unchecked_weight} not checked)" if variant.unchecked_weight else ""
        lines.append(f"  dataportal.se's variant (no DCAT-AP compliance points, IANA media-type literals accepted "
                     f"as formats): {_number(round(variant.points, 1))} / {variant.maximum}{unchecked}")
    blocking = report.count(BLOCKING)
    lines += ["", f"Result: NOT harvestable ({blocking} blocking problem(s))" if report.blocked
              else "Result: harvestable (nothing blocks dataportal.se's harvest)"]
    return "\n".join(lines)
