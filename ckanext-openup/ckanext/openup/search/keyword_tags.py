"""A dataset's keywords fill CKAN's ``tags`` in the search index, so tag facets and popular tags show them.

DCAT-AP-SE wants keywords per language (``tags_translated``, a ckanext-scheming fluent field), while
CKAN's tag facet, the home page's popular tags and ``fq=tags:...`` read the plain ``tags`` field.
"""

from __future__ import annotations

import json
from typing import Any

KEYWORDS_FIELD = "tags_translated"


def add_keyword_tags(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``before_dataset_index``: add the keywords of every language to ``tags``, each once, in order."""
    keywords = _keywords(pkg_dict.get(KEYWORDS_FIELD))
    if not keywords:
        return pkg_dict
    tags = pkg_dict.get("tags") or []
    tags = tags if isinstance(tags, list) else [tags]
    pkg_dict["tags"] = list(dict.fromkeys([*tags, *keywords]))
    return pkg_dict


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if not isinstance(value, dict):
        return []
    words = []
    for language_keywords in value.values():
        items = language_keywords if isinstance(language_keywords, list) else [language_keywords]
        words.extend(item.strip() for item in items if isinstance(item, str) and item.strip())
    return words
