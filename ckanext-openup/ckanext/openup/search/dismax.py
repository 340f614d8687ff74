"""Dismax free text (CKAN's ``q`` without a field): words and phrases over the full-text vector.

Clauses follow dismax: ``+`` must match, ``-`` must not, the rest must match in the number the
``mm`` (minimum should match) spec asks, e.g. CKAN's ``2<-1 5<80%``.
"""

from __future__ import annotations

import re

from ckanext.openup.search import sql
from ckanext.openup.search.lucene import MAX_CLAUSES, QuerySyntaxError

_CLAUSE = re.compile(r'([+-]?)("([^"]*)"?|[^\s"]+)')
# Dismax treats Lucene's other operators as plain characters; they carry no words.
_OPERATOR_WORDS = {"AND", "OR", "&&", "||"}
_SPECIAL = re.compile(r'[\\+\-&|!(){}\[\]^"~*?:/]')


def compile_free_text(params: sql.Params, languages: sql.Languages, query: str,
                      mm: str | None) -> tuple[str, list[str]]:
    """SQL condition for a dismax query, and the words to rank by."""
    required, prohibited, optional, words = [], [], [], []
    negate_next = False
    matches = list(_CLAUSE.finditer(query))
    if len(matches) > MAX_CLAUSES:
        raise QuerySyntaxError(f"query has more than {MAX_CLAUSES} clauses")
    for match in matches:
        sign, token, phrase = match.group(1), match.group(2), match.group(3)
        if phrase is None and token in _OPERATOR_WORDS:
            continue
        if phrase is None and token == "NOT":
            negate_next = True
            continue
        text = phrase if phrase is not None else _SPECIAL.sub(" ", token).strip()
        if not text:
            continue
        tsquery = sql.text_query(params, languages, text, phrase=phrase is not None, stop_words_match=True)
        # A clause of stop words only carries no meaning; it counts as matched, never as missing.
        clause = f"({tsquery} IS NULL OR search_vector @@ {tsquery})"
        if sign == "-" or negate_next:
            prohibited.append(clause)
        elif sign == "+":
            required.append(clause)
            words.append(text)
        else:
            optional.append(clause)
            words.append(text)
        negate_next = False
    if prohibited and not required and not optional:
        # Dismax needs a word to match: excluded words alone match nothing in Solr, not everything else.
        return sql.FALSE, words
    parts = list(required)
    if optional:
        needed = required_optional(mm, len(optional), has_required=bool(required))
        if needed == len(optional):
            parts.extend(optional)
        elif needed > 0:
            matched = " + ".join(f"CAST({clause} AS int)" for clause in optional)
            parts.append(f"(({matched}) >= {int(needed)})")
    parts.extend(sql.negate(clause) for clause in prohibited)
    return sql.all_of(parts), words


def required_optional(mm: str | None, count: int, has_required: bool = False) -> int:
    """How many of ``count`` optional clauses must match under the ``mm`` spec."""
    if count == 0:
        return 0
    needed = count
    spec = (mm or "100%").strip()
    if "<" in spec:
        for condition in spec.split():
            threshold, _, value = condition.partition("<")
            try:
                if count > int(threshold):
                    needed = _apply(value, count)
            except ValueError:
                raise QuerySyntaxError(f"invalid mm value {spec!r}") from None
    else:
        try:
            needed = _apply(spec, count)
        except ValueError:
            raise QuerySyntaxError(f"invalid mm value {spec!r}") from None
    needed = max(0, min(count, needed))
    # With no required clause, a document must match at least one optional clause.
    return needed if has_required else max(1, needed)


def _apply(value: str, count: int) -> int:
    if value.endswith("%"):
        percent = int(value[:-1])
        share = count * abs(percent) // 100
        return share if percent >= 0 else count - share
    number = int(value)
    return number if number >= 0 else count + number
