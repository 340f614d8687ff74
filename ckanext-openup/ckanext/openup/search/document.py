"""Turn the document CKAN would send to Solr into the values stored in the index row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

from ckanext.openup.search import dates
from ckanext.openup.search.fields import COPY_FIELDS, UNINDEXED_FIELDS, Kind, kind_of, text_weight


@dataclasses.dataclass(frozen=True)
class IndexRow:
    """One index row: the stored document, every field as a list of strings, and weighted text.

    ``weighted_text`` maps a language code (``sv``, ``fi``, ``en``; :data:`UNKNOWN_LANGUAGE` for text
    that does not say its language) to weight letter (A-D) to text, so each language is stemmed
    by its own rules.
    """

    index_id: str
    site_id: str
    entity_id: str | None
    doc: dict[str, Any]
    fields: dict[str, list[str]]
    weighted_text: dict[str, dict[str, str]]


UNKNOWN_LANGUAGE = ""


class DocumentError(ValueError):
    """A document the index cannot hold (what Solr would refuse)."""


def index_row(document: dict[str, Any]) -> IndexRow:
    """Build the row for ``document``; raises :class:`DocumentError` when a required key is missing."""
    for required in ("index_id", "site_id"):
        if not document.get(required):
            raise DocumentError(f"document is missing the required field {required!r}")
    fields: dict[str, list[str]] = {}
    weighted: dict[str, dict[str, list[str]]] = {}

    def add_text(language: str, weight: str, texts: list[str]) -> None:
        weighted.setdefault(language, {"A": [], "B": [], "C": [], "D": []})[weight].extend(texts)

    stored: dict[str, Any] = {}
    for name, value in document.items():
        stored[name] = _stored_value(name, value)
        if name in UNINDEXED_FIELDS:
            continue
        values = _field_values(name, value)
        if not values:
            continue
        fields[name] = values
        translations = _translations(name, value)
        if translations is not None:
            # Multilingual (fluent) fields: every language is searchable, weighted as its base field.
            for language, texts in translations.items():
                add_text(language, text_weight(name[: -len(_TRANSLATED)]) or "D", texts)
        elif name.startswith(_EXTRAS) and name.endswith(_TRANSLATED):
            continue  # the same translations again, as a JSON string: indexed above, per language
        elif weight := text_weight(name):
            add_text(UNKNOWN_LANGUAGE, weight, values)
    _copy_fields(fields)
    stored.setdefault("indexed_ts", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    fields.setdefault("indexed_ts", [dates.normalise(stored["indexed_ts"]) or ""])
    return IndexRow(
        index_id=str(document["index_id"]),
        site_id=str(document["site_id"]),
        entity_id=str(document["id"]) if document.get("id") else None,
        doc=stored,
        fields=fields,
        weighted_text={language: {weight: "\n".join(parts) for weight, parts in by_weight.items()}
                       for language, by_weight in weighted.items()},
    )


def _translations(name: str, value: Any) -> dict[str, list[str]] | None:
    """A fluent field's texts by language (scheming stores them as a JSON object), else None."""
    if not name.endswith(_TRANSLATED) or name.startswith(_EXTRAS):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, dict):
        return None
    texts: dict[str, list[str]] = {}
    for language, translation in value.items():
        items = translation if isinstance(translation, list) else [translation]
        texts.setdefault(str(language), []).extend(str(item) for item in items if item)
    return texts


_TRANSLATED = "_translated"
_EXTRAS = "extras_"
_WORD = re.compile(r"\w{8,}")
_MIN_SUFFIX = 5


def compound_suffixes(text: str) -> str:
    """Word endings of long words, so a search for a compound's last part finds the compound.

    Swedish and Finnish write compounds as one word (``leverantörsfakturor``, ``ostolaskut``) and
    PostgreSQL has no compound splitter: indexing the endings lets ``faktura`` find ``fakturor``
    inside ``leverantörsfakturor`` once the stemmer has done its part.
    """
    endings = []
    for word in _WORD.findall(text):
        endings.extend(word[start:] for start in range(1, len(word) - _MIN_SUFFIX + 1))
    return " ".join(endings)


def _copy_fields(fields: dict[str, list[str]]) -> None:
    """Fill the schema's copyField destinations (``title_ngram``, ``urls``...) from their sources."""
    for source, destinations in COPY_FIELDS.items():
        for destination in destinations:
            for value in fields.get(source, []):
                if kind_of(destination) is Kind.NGRAM:
                    value = value.lower()  # the n-gram analyser lower-cases; matching is on substrings
                copied = fields.setdefault(destination, [])
                if value not in copied:
                    copied.append(value)


def _field_values(name: str, value: Any) -> list[str]:
    items = value if isinstance(value, (list, tuple, set)) else [value]
    kind = kind_of(name)
    # A set of values in their order, as Solr counts a document once per facet value (a dict, not a
    # list: the ``text`` of an invoice dataset holds thousands of supplier names).
    values: dict[str, None] = {}
    for item in items:
        text = _as_text(item)
        if text is None:
            continue
        if kind is Kind.DATE:
            text = dates.normalise(text)
        elif kind is Kind.NUMBER:
            text = text if _is_number(text) else None
        if text is not None:
            values[text] = None
    return list(values)


def _as_text(item: Any) -> str | None:
    if item is None:
        return None
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (dt.datetime, dt.date)):
        return item.isoformat()
    if isinstance(item, (dict, list)):
        return json.dumps(item, sort_keys=True, ensure_ascii=False)
    # PostgreSQL text cannot hold NUL; Solr dropped such characters too (escape_xml_illegal_chars).
    return str(item).replace("\x00", "")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _stored_value(name: str, value: Any) -> Any:
    if kind_of(name) is not Kind.DATE:
        return _jsonable(value)
    if isinstance(value, (list, tuple, set)):
        return [_stored_value(name, item) for item in value]
    # Solr returns dates in its canonical form; CKAN's date decoding and its tests expect it.
    text = _as_text(value)
    return (dates.solr_format(text) if text else None) or _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, str):
        return value.replace("\x00", "")
    return value
