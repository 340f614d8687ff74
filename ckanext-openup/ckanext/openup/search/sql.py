"""SQL fragments over the index row, one per kind of match; every value travels as a bound parameter."""

from __future__ import annotations

import json
from typing import Any

from ckanext.openup.search.fields import Kind
from ckanext.openup.search.store import FILTER_COLUMNS

# PostgreSQL text-search configurations a query is stemmed with, e.g. ("swedish", "finnish", "english").
Languages = tuple[str, ...]


class Params:
    """Bound parameters of one statement; :meth:`bind` returns the placeholder to put in the SQL."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


TRUE = "TRUE"
FALSE = "FALSE"


def all_of(parts: list[str]) -> str:
    parts = [part for part in parts if part != TRUE]
    if not parts:
        return TRUE
    if FALSE in parts:
        return FALSE
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def any_of(parts: list[str]) -> str:
    parts = [part for part in parts if part != FALSE]
    if not parts:
        return FALSE
    if TRUE in parts:
        return TRUE
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def negate(part: str) -> str:
    if part == TRUE:
        return FALSE
    if part == FALSE:
        return TRUE
    return f"(NOT {part})"


def has_value(params: Params, field: str, value: str) -> str:
    """The field holds exactly ``value`` (CKAN's standard filters use their columns, the rest ``fields``)."""
    if field == "site_id":
        return f"site_id = {params.bind(value)}"
    if field in FILTER_COLUMNS:
        return f"{field} @> ARRAY[CAST({params.bind(value)} AS text)]"
    return f"fields @> CAST({params.bind(json.dumps({field: [value]}))} AS jsonb)"


def has_field(params: Params, field: str) -> str:
    return f"fields ? {params.bind(field)}"


def values_match(params: Params, field: str, condition: str) -> str:
    """Some value ``v`` of the field satisfies ``condition`` (SQL over ``v``)."""
    return (
        f"EXISTS (SELECT 1 FROM jsonb_array_elements_text(fields -> {params.bind(field)}) AS v "
        f"WHERE {condition})"
    )


def like(params: Params, field: str, pattern: str, case_sensitive: bool = True) -> str:
    operator = "LIKE" if case_sensitive else "ILIKE"
    return values_match(params, field, f"v {operator} {params.bind(pattern)}")


def in_range(params: Params, field: str, kind: Kind, low: str | None, high: str | None,
             include_low: bool, include_high: bool) -> str:
    value = "CAST(v AS numeric)" if kind is Kind.NUMBER else 'v COLLATE "C"'
    conditions = []
    if low is not None:
        bound = params.bind(float(low) if kind is Kind.NUMBER else low)
        conditions.append(f"{value} {'>=' if include_low else '>'} {bound}")
    if high is not None:
        bound = params.bind(float(high) if kind is Kind.NUMBER else high)
        conditions.append(f"{value} {'<=' if include_high else '<'} {bound}")
    if not conditions:
        return has_field(params, field)
    return values_match(params, field, " AND ".join(conditions))


def field_vector(params: Params, languages: Languages, field: str) -> str:
    """The full-text vector of one field; ``text`` is the precomputed, weighted catch-all."""
    if field == "text":
        return "search_vector"
    text = f"coalesce(CAST(fields -> {params.bind(field)} AS text), '')"
    vectors = [f"to_tsvector(CAST({params.bind(language)} AS regconfig), {text})" for language in languages]
    return "(" + " || ".join(vectors) + ")"


def text_query(params: Params, languages: Languages, text: str, phrase: bool = False,
               stop_words_match: bool = False) -> str:
    """A tsquery for ``text`` stemmed by the rules of each of ``languages``: a match in any language counts.

    A scalar subquery, so PostgreSQL stems once per statement, not once per row. With
    ``stop_words_match`` it is NULL when the text is only stop words in one of the languages (``och``,
    ``ja``, ``the``): such a clause carries no meaning and must not hide a match.
    """
    parser = "phraseto_tsquery" if phrase else "plainto_tsquery"
    combined = ("CAST(string_agg('(' || CAST(q AS text) || ')', ' | ') FILTER (WHERE numnode(q) > 0) "
                "AS tsquery)")
    value = (f"CASE WHEN bool_or(numnode(q) = 0) THEN NULL ELSE {combined} END" if stop_words_match
             else f"coalesce({combined}, CAST('' AS tsquery))")
    return (f"(SELECT {value} FROM unnest(CAST({params.bind(list(languages))} AS regconfig[])) AS config, "
            f"LATERAL {parser}(config, {params.bind(text)}) AS q)")


def prefix_query(params: Params, prefix: str) -> str:
    # Prefixes are not stemmed (as in Solr); quote_literal keeps any character out of tsquery syntax.
    return f"to_tsquery('simple', quote_literal({params.bind(prefix.lower())}) || ':*')"


def text_match(vector: str, tsquery: str) -> str:
    return f"({vector} @@ {tsquery})"
