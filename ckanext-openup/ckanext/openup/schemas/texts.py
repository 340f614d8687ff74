"""The texts of the scheming YAML a publisher reads (labels, help, choices), for `make i18n` to collect.

ckanext-scheming shows a plain-string label or help text through gettext, so a schema's English texts are
translated by the extension's catalogues like any ``toolkit._`` text; this Babel extractor puts them there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

# Keys whose string values scheming passes through gettext (h.scheming_language_text). Plain English
# strings translated by the catalogues, rather than {sv:, fi:, en:} dicts in the YAML, keep the schema
# readable and every translation in the .po files, where translators and `make i18n` work.
TRANSLATED_KEYS = ("label", "help_text", "upload_label", "form_placeholder")


def extract_schema_texts(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extraction method: every label, help text and choice label in a scheming YAML file."""
    for text in _texts(yaml.safe_load(fileobj)):
        yield 0, "_", text, []


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TRANSLATED_KEYS and isinstance(value, str) and _is_prose(key, value):
                yield value
            else:
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def _is_prose(key: str, value: str) -> bool:
    # A placeholder that is a bare value (2025, an address) reads the same in every language.
    return key != "form_placeholder" or " " in value.strip()
