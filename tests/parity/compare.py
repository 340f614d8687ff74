"""Comparing two backends' answers to one package_search call, and the named exclusion rules.

An answer is the hit count, the page's datasets (id and the values they sort by), the facet counts,
or the error. What must agree:

- both fail or both succeed;
- the hit count;
- the page: for a field sort, the sequence of sort values, and the ids within every run of equal
  sort values the page holds whole (a run cut by the page's edge may hold different tied datasets,
  as Solr breaks ties by its internal document order and openup_search by the index id);
  for a score sort, the set of every hit (fetched again with ``rows=1000`` when the page holds
  fewer), never their order: BM25 and ts_rank rank differently;
- every facet's values and counts.

A difference that is explained and cannot be fixed is excluded by a named rule in :data:`EXCLUSIONS`,
each listed with its reason in docs/search-backend.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.parity.queries import Query

SORT_FIELDS = {"name": "name", "title_string": "title", "metadata_modified": "metadata_modified",
               "metadata_created": "metadata_created"}


@dataclass
class Answer:
    """What one backend answered."""

    error: str | None = None
    count: int = 0
    ids: list[str] = field(default_factory=list)
    keys: list[tuple[Any, ...]] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    all_ids: set[str] | None = None  # every hit, for score-ranked queries


@dataclass(frozen=True)
class Disagreement:
    category: str
    detail: str


def field_sort(query: Query) -> list[tuple[str, bool]] | None:
    """The (field, descending) keys a query sorts by when no score decides, else None.

    With a match-all ``q`` every score is equal (1.0 on both), so a score sort is its other keys.
    """
    sort = query.params.get("sort") or "score desc, metadata_modified desc"
    keys = []
    for part in sort.split(","):
        words = part.split()
        if len(words) != 2:
            return None
        keys.append((words[0], words[1].lower() == "desc"))
    if any(name == "score" for name, _ in keys):
        if (query.params.get("q") or "*:*").strip() not in ("*:*", ""):
            return None
        keys = [key for key in keys if key[0] != "score"]
    if not keys or any(name not in SORT_FIELDS for name, _ in keys):
        return None
    return keys


def sort_values(result: dict[str, Any], keys: list[tuple[str, bool]]) -> tuple[Any, ...]:
    return tuple(result.get(SORT_FIELDS[name]) for name, _ in keys)


def compare(query: Query, ours: Answer, solr: Answer) -> list[Disagreement]:
    """Every way the two answers differ, before exclusions."""
    if (ours.error is None) != (solr.error is None):
        return [Disagreement("error on one side only", f"openup_search: {ours.error or 'ok'}; "
                             f"Solr: {solr.error or 'ok'}")]
    if ours.error is not None:
        return []
    found = []
    if ours.count != solr.count:
        found.append(Disagreement("hit count", f"openup_search {ours.count}, Solr {solr.count}"))
    keys = field_sort(query)
    if keys is not None:
        if ours.keys != solr.keys:
            first = _first_difference(ours.keys, solr.keys)
            found.append(Disagreement("order of a field sort", f"position {first}: openup_search "
                                      f"{ours.keys[first:first + 2]}, Solr {solr.keys[first:first + 2]}"))
        elif not _same_within_ties(ours, solr):
            found.append(Disagreement("hits within equal sort values", _id_difference(set(ours.ids), set(solr.ids))))
    elif ours.all_ids is not None and solr.all_ids is not None and ours.all_ids != solr.all_ids:
        found.append(Disagreement("hit set (score sort)", _id_difference(ours.all_ids, solr.all_ids)))
    for name in sorted(set(ours.facets) | set(solr.facets)):
        mine, theirs = ours.facets.get(name, {}), solr.facets.get(name, {})
        if mine != theirs:
            differing = sorted(set(mine.items()) ^ set(theirs.items()))[:4]
            found.append(Disagreement("facet counts", f"{name}: only openup_search "
                                      f"{[item for item in differing if item in mine.items()]}, only Solr "
                                      f"{[item for item in differing if item in theirs.items()]}"))
    return found


def _first_difference(mine: list[Any], theirs: list[Any]) -> int:
    pairs = zip(mine, theirs, strict=False)
    return next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(mine), len(theirs)))


def _same_within_ties(ours: Answer, solr: Answer) -> bool:
    """Ids agree within every run of equal sort values, except the runs at the page's two edges."""
    runs: dict[tuple[Any, ...], tuple[set[str], set[str]]] = {}
    for key, mine, theirs in zip(ours.keys, ours.ids, solr.ids, strict=False):
        runs.setdefault(key, (set(), set()))
        runs[key][0].add(mine)
        runs[key][1].add(theirs)
    edges = {ours.keys[0], ours.keys[-1]} if ours.keys else set()
    return all(mine == theirs for key, (mine, theirs) in runs.items() if key not in edges)


def _id_difference(mine: set[str], theirs: set[str]) -> str:
    return (f"{len(mine - theirs)} only in openup_search (e.g. {sorted(mine - theirs)[:2]}), "
            f"{len(theirs - mine)} only in Solr (e.g. {sorted(theirs - mine)[:2]})")


# -- named exclusions ------------------------------------------------------------------------------
# Each takes the query and the two answers' disagreement and says whether a documented, unfixable
# difference explains it. Keep them narrow: a rule names the exact situation, never a whole category.

Rule = Callable[[Query, Disagreement], bool]
# Stop words of the text-search languages the generator puts into free text (Swedish, Finnish, English).
STOP_WORDS = frozenset({"och", "ja", "the", "of"})


def stop_word_in_free_text(query: Query, disagreement: Disagreement) -> bool:
    """openup_search lets a stop word match anything; Solr's schema has no stop-word filter, so it must match.

    Only dismax free text (a ``q`` without a colon), and only when ``q`` holds such a word as a clause.
    """
    q = str(query.params.get("q") or "")
    words = {word.strip('"+-').lower() for word in q.split()}
    return ":" not in q and bool(words & STOP_WORDS)


EXCLUSIONS: dict[str, Rule] = {"stop word in free text": stop_word_in_free_text}


def excluded_by(query: Query, disagreement: Disagreement) -> str | None:
    """The name of the exclusion rule that explains ``disagreement``, or None."""
    return next((name for name, rule in EXCLUSIONS.items() if rule(query, disagreement)), None)
