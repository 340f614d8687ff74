"""Template helpers."""

from __future__ import annotations

from typing import Any

from ckanext.openup.logic.validators import fluent_text_output


def openup_language_map(value: Any) -> dict[str, Any]:
    """A multilingual field's language -> value dict, whether stored as JSON or already a dict."""
    return fluent_text_output(value) if value else {}


def get_helpers() -> dict[str, Any]:
    return {"openup_language_map": openup_language_map}
