"""Template helpers."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup import type_labels, vocabularies
from ckanext.openup.logic.validators import fluent_text_output
from ckanext.openup.readiness.instructions import PORTALS, problem_instruction


def openup_language_map(value: Any) -> dict[str, Any]:
    """A multilingual field's language -> value dict, whether stored as JSON or already a dict."""
    return fluent_text_output(value) if value else {}


def openup_dataset_readiness(dataset: dict[str, Any]) -> dict[str, Any] | None:
    """The dataset's harvest readiness for its badge, or None when the user may not see it.

    ``status`` is None while the dataset's first check is under way; ``problems`` counts what to fix;
    ``portal`` is the national portal that harvests the organisation; ``late`` says a month is overdue.
    """
    organisation_id = dataset.get("owner_org")
    if not organisation_id:
        return None
    context = {"user": toolkit.current_user.name}
    try:
        result = toolkit.get_action("openup_harvest_readiness")(context, {"id": organisation_id})
    except (toolkit.NotAuthorized, toolkit.ObjectNotFound):
        return None
    entry = next((d for d in result.get("datasets", []) if d["id"] == dataset.get("id")), None)
    url = toolkit.url_for("openup_readiness.organisation_readiness", id=result["organization"]["name"])
    return {
        "status": entry["status"] if entry else None,
        "problems": len(entry["problems"]) if entry else 0,
        "pending": result.get("pending", False),
        "readiness_url": f"{url}#readiness-{dataset.get('name')}" if entry else url,
        "portal": openup_portal(result["organization"].get("country")),
        "late": bool(entry and (entry.get("calendar") or {}).get("late")),
    }


def openup_portal(country: str | None) -> str:
    """The national portal that harvests an organisation of ``country``: dataportal.se or avoindata.fi."""
    return PORTALS.get(country or "SE", PORTALS["SE"])


def openup_vocabulary_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """scheming ``choices_helper``: the field's values with their official labels in each language."""
    return vocabularies.field_choices(field["field_name"])


def get_helpers() -> dict[str, Any]:
    return {"openup_language_map": openup_language_map, "openup_dataset_readiness": openup_dataset_readiness,
            "openup_problem_instruction": problem_instruction, "openup_portal": openup_portal,
            "openup_vocabulary_choices": openup_vocabulary_choices, **type_labels.get_helpers()}
