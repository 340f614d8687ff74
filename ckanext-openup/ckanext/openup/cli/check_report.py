"""The text report of ``openup check``, in the command's language.

quality/ keeps its findings in English (they are also the JSON report's and the readiness pages' data);
this module says them in Swedish, Finnish or English. A finding whose message carries a value (a count,
a property) is matched against its English template and said with the translated one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from ckanext.openup.cli.language import N_, _, ngettext
from ckanext.openup.cli.reporting import number
from ckanext.openup.quality.findings import BLOCKING, VIOLATION, WARNING, Finding
from ckanext.openup.quality.mqa import DIMENSIONS, MAXIMUM, MqaScore
from ckanext.openup.quality.report import CheckReport

EXAMPLES = 3  # subjects shown per kind of problem

# The harvest rules' messages (quality/rules.py); a test keeps this list and the rules in step.
RULE_MESSAGES = (
    N_("relative IRI: dataportal.se needs every IRI absolute"),
    N_("invalid IRI (RFC 3987): encode spaces and other reserved characters"),
    N_("the {kind} is a blank node: dataportal.se needs an IRI for it"),
    N_("{property} is missing (at least one, language-tagged)"),
    N_("dcat:CatalogRecord is not allowed by dataportal.se"),
    N_("exactly one {property} needed, found {count}"),
    N_("the catalogue's licence must be exactly {licence} (metadata is CC0)"),
    N_("the catalogue lists no dcat:dataset"),
    N_("no contact point (recommended)"),
    N_("keywords are lower case, one keyword per literal"),
    N_("an EU file-type format needs a dcat:mediaType beside it"),
    N_("the format must be an IANA media type literal (\"text/csv\") or an EU file-type IRI"),
    N_("no download URL (recommended)"),
    N_("no licence (recommended)"),
    N_("the publisher has no foaf:name"),
    N_("exactly one dct:type from the ADMS publisher types needed "
       "(e.g. http://purl.org/adms/publishertype/LocalAuthority)"),
    N_("publisher URI is not http://dataportal.se/organisation/SE<orgnr> (dataportal.se merges publishers by it)"),
    N_("the same URI names a contact point and a publisher"),
    N_("a contact point is typed vcard:Organization or vcard:Individual"),
    N_("the contact point has no vcard:fn"),
    N_("vcard:hasEmail as a mailto: IRI needed"),
    N_("text without a language tag"),
)
KINDS = {"catalogue": N_("catalogue"), "catalogue record": N_("catalogue record"), "dataset": N_("dataset"),
         "distribution": N_("distribution"), "publisher": N_("publisher"), "contact point": N_("contact point")}
SEVERITIES = {BLOCKING: N_("BLOCKING"), VIOLATION: N_("VIOLATION"), WARNING: N_("WARNING"),
              "Violation": N_("Violation"), "Warning": N_("Warning"), "Info": N_("Info")}
# What a SHACL constraint of DCAT-AP says, by its kind (pyshacl's own messages are English only).
SHACL_CONSTRAINTS = {
    "MinCountConstraintComponent": N_("a value is missing"),
    "MaxCountConstraintComponent": N_("more values than allowed"),
    "DatatypeConstraintComponent": N_("a value has the wrong datatype"),
    "ClassConstraintComponent": N_("a value is not of the expected class"),
    "NodeKindConstraintComponent": N_("a value is not the expected kind of node (IRI or literal)"),
    "InConstraintComponent": N_("a value is not one of those allowed"),
    "PatternConstraintComponent": N_("a value does not have the expected form"),
    "NodeConstraintComponent": N_("a value does not meet its shape"),
}
# The MQA's dimensions, indicators (quality/mqa.py) and ratings.
MQA_TEXTS = (
    N_("Findability"), N_("Accessibility"), N_("Interoperability"), N_("Reusability"), N_("Contextuality"),
    N_("Excellent"), N_("Good"), N_("Sufficient"), N_("Bad"),
    N_("keywords (dcat:keyword)"), N_("categories (dcat:theme)"), N_("geo search (dct:spatial)"),
    N_("time-based search (dct:temporal)"), N_("access URL accessible"), N_("download URL (dcat:downloadURL)"),
    N_("download URL accessible"), N_("format (dct:format)"), N_("media type (dcat:mediaType)"),
    N_("format and media type from vocabularies"), N_("non-proprietary format"), N_("machine-readable format"),
    N_("DCAT-AP compliance (SHACL)"), N_("licence (dct:license)"), N_("licence from a vocabulary"),
    N_("access restrictions (dct:accessRights)"), N_("access restrictions from the EU list"),
    N_("contact point (dcat:contactPoint)"), N_("publisher (dct:publisher)"), N_("rights (dct:rights)"),
    N_("file size (dcat:byteSize)"), N_("date of issue (dct:issued)"), N_("modification date (dct:modified)"),
)


@lru_cache(maxsize=len(RULE_MESSAGES))
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                              for i, part in enumerate(parts)) + "$")


def rule_message(message: str) -> str:
    """A harvest rule's English ``message`` in the command's language."""
    for template in RULE_MESSAGES:
        found = _pattern(template).match(message)
        if found:
            values = {key: _(KINDS.get(value, value)) for key, value in found.groupdict().items()}
            return _(template).format(**values)
    return message


def _finding_lines(findings: list[Finding]) -> list[str]:
    groups: dict[tuple[str, str, str, str], list[Finding]] = defaultdict(list)
    for finding in sorted(findings, key=Finding.sort_key):
        groups[(finding.severity, finding.kind, finding.property, finding.message)].append(finding)
    lines = []
    for (severity, kind, prop, message), members in groups.items():
        where = " ".join(part for part in (_(KINDS.get(kind, kind)) if kind else "", prop) if part)
        lines.append(f"  {_(SEVERITIES.get(severity, severity)):9} {where + ': ' if where else ''}"
                     f"{rule_message(message)}")
        for finding in members[:EXAMPLES]:
            value = f" ({finding.value})" if finding.value else ""
            dataset = _(" in dataset {dataset}").format(dataset=finding.dataset) if finding.dataset else ""
            lines.append(f"            {finding.subject}{dataset}{value}")
        if len(members) > EXAMPLES:
            lines.append("            " + _("… and {more} more ({count} in all)").format(
                more=number(len(members) - EXAMPLES), count=number(len(members))))
    return lines


def _shacl_message(group: dict[str, object]) -> str:
    said = SHACL_CONSTRAINTS.get(str(group["constraint"]))
    return _(said) if said else str(group["message"])


def _points(value: float) -> str:
    return number(round(value, 1)).removesuffix(".0")


def _unit(on: str, dimension: str) -> str:
    if dimension == "Interoperability" and on == "distribution":
        return _("datasets (best distribution)")
    return {"dataset": _("datasets"), "distribution": _("distributions")}.get(on, _("datasets and distributions"))


def _mqa_lines(score: MqaScore) -> list[str]:
    lines = [_("MQA score (data.europa.eu method, as dataportal.se shows it; {maximum} points)").format(
        maximum=MAXIMUM)]
    for dimension, top in DIMENSIONS.items():
        lines.append(f"  {_(dimension):<18} {_points(score.dimension_points(dimension)):>6} / {top}")
        for indicator_score in score.indicators:
            indicator = indicator_score.indicator
            if indicator.dimension != dimension:
                continue
            label = _(indicator.label)
            if not indicator_score.checked:
                lines.append(f"    {label:<44} " + _("not checked (up to {points}; use --check-urls)").format(
                    points=indicator.weight))
                continue
            lines.append(
                f"    {label:<44} {_points(indicator_score.points):>6} / {indicator.weight:<3} "
                + _("{satisfied} of {population} {unit}").format(
                    satisfied=number(indicator_score.satisfied), population=number(indicator_score.population),
                    unit=_unit(indicator.on, indicator.dimension)))
    total = "  " + _("Total: {points} / {maximum}: {rating}").format(
        points=_points(score.points), maximum=MAXIMUM, rating=_(score.rating))
    if score.unchecked_weight:
        total += _(" for the checked indicators; {unchecked} points not checked, so at most {best} ({rating})").format(
            unchecked=score.unchecked_weight, best=_points(score.points + score.unchecked_weight),
            rating=_(score.best_possible_rating))
    lines.append(total)
    return lines


def render_check_report(report: CheckReport) -> str:
    """The report for people: what blocks the harvest, the rule breaches, SHACL, the MQA score."""
    if report.load_error is not None:
        return "\n".join([
            report.source,
            f"  {_('BLOCKING'):9} " + _("cannot be read: {problem}").format(problem=report.load_error.describe()),
            _("Result: NOT harvestable (dataportal.se cannot read this catalogue)")])
    documents = len(report.documents)
    lines = [report.source, "  " + ngettext("read {documents} document, {datasets} datasets",
                                            "read {documents} documents, {datasets} datasets", documents).format(
        documents=number(documents), datasets=number(report.datasets)), ""]
    lines.append(_("dataportal.se rules: {blocking} blocking, {violations} violations, {warnings} warnings").format(
        blocking=report.count(BLOCKING), violations=report.count(VIOLATION), warnings=report.count(WARNING)))
    lines += _finding_lines(report.findings)
    violations = sum(1 for result in report.shacl_results if result.severity == "Violation")
    lines += ["", _("DCAT-AP 3.0.1 SHACL: {conforming} of {datasets} datasets conform; {violations} violations, "
                    "{warnings} warnings").format(
        conforming=number(report.conforming_datasets), datasets=number(report.datasets),
        violations=number(violations), warnings=number(len(report.shacl_results) - violations))]
    for group in report.shacl_groups():
        example = group["focus_nodes"][0] if group["focus_nodes"] else ""
        severity = str(group["severity"])
        lines.append(f"  {_(SEVERITIES.get(severity, severity)):<9} {group['path'] or '(node)'} "
                     f"{group['constraint']}: " + _("{count} × e.g. {example}: {message}").format(
                         count=number(group["count"]), example=example, message=_shacl_message(group)))
    if report.mqa is not None:
        lines += [""] + _mqa_lines(report.mqa)
    if report.dataportal_mqa is not None:
        variant = report.dataportal_mqa
        unchecked = _(" ({points} not checked)").format(points=variant.unchecked_weight) \
            if variant.unchecked_weight else ""
        lines.append("  " + _("dataportal.se's variant (no DCAT-AP compliance points, IANA media-type literals "
                              "accepted as formats): {points} / {maximum}").format(
            points=_points(variant.points), maximum=variant.maximum) + unchecked)
    blocking = report.count(BLOCKING)
    lines += ["", ngettext("Result: NOT harvestable ({count} blocking problem)",
                           "Result: NOT harvestable ({count} blocking problems)", blocking).format(count=blocking)
              if report.blocked else _("Result: harvestable (nothing blocks dataportal.se's harvest)")]
    return "\n".join(lines)
