"""Readiness across organisations, for administrators (``ckan openup check``)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup.quality.findings import BLOCKING, VIOLATION, WARNING
from ckanext.openup.readiness import service

COLUMNS = ("organisation", "datasets", "status", "MQA", "blocking", "errors", "recommendations", "harvest URL")


def check_organisations(names: list[str] | None = None, refresh: bool = False) -> list[dict[str, Any]]:
    """The readiness of each named organisation, or of every active one; cached results where current."""
    if not names:
        names = toolkit.get_action("organization_list")({"ignore_auth": True}, {"all_fields": False})
    results = []
    for name in names:
        try:
            results.append(service.harvest_readiness(name, refresh=refresh, wait=True))
        except service.ReadinessNotFound:
            results.append({"organization": {"name": name}, "status": "not_found", "harvestable": False})
    return results


def counts(result: dict[str, Any]) -> dict[str, int]:
    """Problems by severity over the organisation and the datasets in its feed."""
    problems = list(result.get("organization_problems", []))
    problems += [p for d in result.get("datasets", []) if d["in_feed"] for p in d["problems"]]
    return {severity: sum(1 for p in problems if p["severity"] == severity)
            for severity in (BLOCKING, VIOLATION, WARNING)}


def render_table(results: list[dict[str, Any]]) -> str:
    """One line per organisation, aligned columns."""
    rows = [COLUMNS]
    for result in results:
        found = counts(result)
        mqa = result.get("mqa") or {}
        rows.append((
            result["organization"]["name"], str(result.get("datasets_in_feed", "")), result.get("status", ""),
            f"{mqa['points']:.0f}/{mqa['maximum']}" if mqa else "", str(found[BLOCKING]), str(found[VIOLATION]),
            str(found[WARNING]), result.get("harvest_url", ""),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    blocked = sum(1 for result in results if not result.get("harvestable", True))
    lines.append(f"{len(results)} organisation(s); {blocked} cannot be harvested" if blocked
                 else f"{len(results)} organisation(s); all can be harvested")
    return "\n".join(lines)
