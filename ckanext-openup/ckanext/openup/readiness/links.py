"""Where to fix each problem: links to the form field, added when a result is shown (not cached).

Anchors are the ids CKAN's forms give their inputs: ``field-<name>``, and for a multilingual field the
input of the organisation's first language, ``field-<name>-<lang>``.
"""

from __future__ import annotations

import copy
from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup import organisations

MULTILINGUAL = {"title_translated", "notes_translated", "tags_translated"}


def with_links(result: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``result`` with ``edit_url`` on every problem and ``url``/``edit_url`` on every dataset."""
    result = copy.deepcopy(result)
    organisation = result["organization"]
    found = organisations.organisation(organisation["id"]) or {}
    language = organisations.country_rules(found.get("country"))["required_languages"][0]
    organisation["url"] = toolkit.url_for("organization.read", id=organisation["name"])
    organisation["edit_url"] = toolkit.url_for("organization.edit", id=organisation["name"])
    for problem in result.get("organization_problems", []):
        problem["edit_url"] = _anchored(organisation["edit_url"], problem["field"], language)
    for dataset in result.get("datasets", []):
        dataset["url"] = toolkit.url_for(f"{dataset['type']}.read", id=dataset["name"])
        dataset["edit_url"] = toolkit.url_for(f"{dataset['type']}.edit", id=dataset["name"])
        for problem in dataset["problems"]:
            if problem["field"] == "owner_org":  # the publisher is described by the organisation
                problem["edit_url"] = _anchored(organisation["edit_url"], "organization_number", language)
                continue
            if problem["resource_id"]:
                page = toolkit.url_for(f"{dataset['type']}_resource.edit", id=dataset["name"],
                                       resource_id=problem["resource_id"])
            else:
                page = dataset["edit_url"]
            problem["edit_url"] = _anchored(page, problem["field"], language)
    return result


def _anchored(page: str, field_name: str, language: str) -> str:
    if not field_name:
        return page
    anchor = f"field-{field_name}-{language}" if field_name in MULTILINGUAL else f"field-{field_name}"
    return f"{page}#{anchor}"
