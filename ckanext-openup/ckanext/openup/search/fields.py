"""What CKAN's Solr schema says about each field: how it matches, sorts and feeds the full-text index.

Mirrors ``ckan/config/solr/schema.xml`` so that a query means what it meant against Solr:
string fields match whole values exactly, text fields match stemmed tokens.
"""

from __future__ import annotations

import enum


class Kind(enum.Enum):
    STRING = "string"
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    NGRAM = "ngram"  # substrings of 2-10 characters, for autocomplete (Solr's text_ngram)


_TEXT_FIELDS = frozenset({
    "title", "notes", "author", "author_email", "maintainer", "maintainer_email",
    "res_name", "res_description", "text", "urls",
    "depends_on", "dependency_of", "derives_from", "has_derivation",
    "links_to", "linked_from", "child_of", "parent_of",
})
_DATE_FIELDS = frozenset({"metadata_created", "metadata_modified", "indexed_ts"})
_NUMBER_FIELDS = frozenset({
    "views_total", "views_recent", "resources_accessed_total", "resources_accessed_recent",
})

_NGRAM_FIELDS = frozenset({"title_ngram", "name_ngram"})
NGRAM_SIZES = (2, 10)  # minGramSize, maxGramSize

# The schema's other copyFields: CKAN never sends these destinations, Solr fills them.
COPY_FIELDS = {
    "title": ("title_ngram",), "name": ("name_ngram",),
    "url": ("urls",), "ckan_url": ("urls",), "download_url": ("urls",), "res_url": ("urls",),
}

# Fields the schema copies into the catch-all ``text`` field, and the weight each gets there
# (PostgreSQL's A-D stand in for dismax's ``qf = name^4 title^4 tags^2 groups^2 text``).
_TEXT_SOURCES = {
    "name": "A", "title": "A",
    "tags": "B", "groups": "B",
    "organization": "C", "notes": "C", "res_name": "C", "res_description": "C",
    "license": "D", "maintainer": "D", "author": "D", "text": "D",
    "url": "D", "ckan_url": "D", "download_url": "D", "res_url": "D", "urls": "D",
}
_TEXT_SOURCE_PREFIXES = ("extras_", "res_extras_", "vocab_")

# Stored in the index for CKAN's own use, never searched.
UNINDEXED_FIELDS = frozenset({"data_dict", "validated_data_dict"})
# Solr keeps these only as indexed values; a search never returns them.
UNSTORED_FIELDS = frozenset({"text", "urls", "permission_labels", "title_string"} | _NUMBER_FIELDS)


def kind_of(field: str) -> Kind:
    """How ``field`` is matched and sorted, following the schema's fields and dynamic fields."""
    if field in _TEXT_FIELDS or field.startswith(("extras_", "res_extras_")):
        return Kind.TEXT
    if field in _DATE_FIELDS or field.endswith("_date"):
        return Kind.DATE
    if field in _NUMBER_FIELDS:
        return Kind.NUMBER
    if field in _NGRAM_FIELDS:
        return Kind.NGRAM
    return Kind.STRING


def text_weight(field: str) -> str | None:
    """The full-text weight (A-D) of ``field`` when the schema copies it into ``text``, else None."""
    if field in _TEXT_SOURCES:
        return _TEXT_SOURCES[field]
    if field.startswith(_TEXT_SOURCE_PREFIXES):
        return "D"
    return None
