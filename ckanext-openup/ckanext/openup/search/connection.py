"""A stand-in for ``pysolr.Solr`` that answers CKAN's search calls from PostgreSQL."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

import pysolr
import sqlalchemy as sa
from ckan.lib.search.common import SearchError, SearchQueryError, solr_datetime_decoder
from sqlalchemy.exc import DBAPIError

from ckanext.openup.search import sql
from ckanext.openup.search.document import DocumentError, IndexRow, compound_suffixes, index_row
from ckanext.openup.search.facet_cache import facet_question
from ckanext.openup.search.fields import UNSTORED_FIELDS, Kind, kind_of
from ckanext.openup.search.lucene import LuceneCompiler, QuerySyntaxError
from ckanext.openup.search.parsers import QueryParsers
from ckanext.openup.search.store import FILTER_COLUMNS, GENERATION_TABLE, NEW_GENERATION, TABLE, IndexStore

log = logging.getLogger(__name__)

_SORT_PART = re.compile(r"^\s*([A-Za-z_][\w.\-]*)\s+(asc|desc)\s*$", re.IGNORECASE)
_FIELD_LIST = re.compile(r"[\s,]+")
# A runaway query must not hold a worker or a database connection.
_STATEMENT_TIMEOUT_MS = 15000
_TEXT_LIMIT = 250_000  # characters per weight class; tsvector itself stops at 1 MB
_COMPOUNDING_LANGUAGES = frozenset({"swedish", "finnish"})


class PostgresSearchConnection:
    """Implements the part of ``pysolr.Solr`` CKAN uses: ``search``, ``add``, ``delete``, ``commit``.

    Writes commit at once (Solr's ``commit`` flag is honoured by being always on), which is what
    CKAN's tests and a small catalogue expect.
    """

    url = "postgresql://(ckanext-openup search index)"

    def __init__(self, store: IndexStore, language: str, decode_dates: bool = True,
                 languages: dict[str, str] | None = None) -> None:
        """``language`` stems text that does not say its language; ``languages`` maps the language codes
        of multilingual fields (``sv``) to their own text-search configuration (``swedish``)."""
        self.store = store
        self.language = language
        self.languages = dict(languages or {})
        self.decode_dates = decode_dates
        # A query is stemmed with every configuration the index was stemmed with; any may match.
        self.query_languages: sql.Languages = tuple(dict.fromkeys([language, *self.languages.values()]))

    # -- reading ---------------------------------------------------------------------------------

    def search(self, q: str = "*:*", search_handler: str | None = None, **kwargs: Any) -> pysolr.Results:
        """Run a Solr-style search; raises CKAN's ``SearchQueryError`` for queries it cannot read."""
        params = sql.Params()
        try:
            request = _SearchRequest(q, kwargs)
            where, ranking_words = self._where(params, request)
            order_by = _order_by(params, request.sort)
        except QuerySyntaxError as error:
            raise SearchQueryError(str(error)) from None
        score = self._score(params, ranking_words)
        stored = _stored_fields(params, request.field_list)

        def run(connection: sa.Connection) -> dict[str, Any]:
            # One round trip: this transaction's time limit, and which index it sees (its snapshot).
            generation = connection.execute(sa.text(
                f"SELECT set_config('statement_timeout', '{_STATEMENT_TIMEOUT_MS}', true), generation "
                f"FROM {GENERATION_TABLE}")).one().generation
            values = params.values
            total = connection.execute(
                sa.text(f"SELECT count(*) FROM {TABLE} WHERE {where}"), values).scalar_one()
            docs = []
            if request.rows > 0 and total > request.start:
                page = connection.execute(sa.text(
                    f"SELECT {stored} AS doc, {score} AS score "
                    f"FROM {TABLE} WHERE {where} "
                    f"ORDER BY {order_by} LIMIT {request.rows} OFFSET {request.start}"), values)
                docs = [_project(row.doc, row.score, request.field_list) for row in page]
            facets = self._facets(connection, generation, params, where, request) if request.facet else {}
            return {"response": {"numFound": total, "start": request.start, "docs": docs},
                    "facet_counts": {"facet_fields": facets}}

        try:
            decoded = self.store.run(run, snapshot=True)
        except DBAPIError as error:
            # Never let SQL text reach the user: log it, answer with CKAN's search error.
            log.error("Search index query failed: %s", error)
            if getattr(error.orig, "pgcode", None) == "57014":  # query_canceled
                raise SearchError("The search took too long; narrow the query.") from None
            raise SearchError("The search index could not run this query.") from None
        if self.decode_dates:
            decoded["response"]["docs"] = [solr_datetime_decoder(doc) for doc in decoded["response"]["docs"]]
        return pysolr.Results(decoded)

    def _where(self, params: sql.Params, request: _SearchRequest) -> tuple[str, list[str]]:
        parsers = QueryParsers(params, self.query_languages, request.default_field, request.default_operator,
                               request.mm)
        main = parsers.compile(request.q, "dismax" if request.is_dismax else "lucene")
        filters = [parsers.compile(fq) for fq in request.filters]
        return sql.all_of([main, *filters]), parsers.ranking_words

    def _facets(self, connection: sa.Connection, generation: int, params: sql.Params, where: str,
                request: _SearchRequest) -> dict[str, list[Any]]:
        """Facet counts, counted once per index generation (the ``/dataset`` page asks the same each visit)."""
        question = facet_question(where, params.values, request.facet_fields, request.facet_limit,
                                  request.facet_mincount)
        counts = self.store.facet_cache.get(generation, question)
        if counts is None:
            counts = _facets(connection, params, where, request)
            self.store.facet_cache.put(generation, question, counts)
        return counts

    def _score(self, params: sql.Params, words: list[str]) -> str:
        if not words:
            return "1.0"
        words_query = sql.text_query(params, self.query_languages, " ".join(words))
        any_word = f"replace(CAST({words_query} AS text), '&', '|')"
        # to_tsquery of an empty string only warns; NULLIF keeps ranking at 0 for stop words.
        return f"coalesce(ts_rank(search_vector, to_tsquery('simple', NULLIF({any_word}, ''))), 0)"

    # -- writing ---------------------------------------------------------------------------------

    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True, **kwargs: Any) -> str:
        """Insert or replace documents (by ``index_id``, Solr's unique key)."""
        try:
            rows = [index_row(doc) for doc in docs]
        except DocumentError as error:
            raise pysolr.SolrError(str(error)) from None
        statement = sa.text(f"""
            INSERT INTO {TABLE} (index_id, site_id, entity_id, doc, fields, search_vector, indexed_at,
                                 {", ".join(FILTER_COLUMNS)})
            VALUES (:index_id, :site_id, :entity_id, CAST(:doc AS jsonb), CAST(:fields AS jsonb),
                    {self._vector_sql()},
                    now(), {", ".join(f"CAST(:{column} AS text[])" for column in FILTER_COLUMNS)})
            ON CONFLICT (index_id) DO UPDATE SET
                site_id = EXCLUDED.site_id, entity_id = EXCLUDED.entity_id, doc = EXCLUDED.doc,
                fields = EXCLUDED.fields, search_vector = EXCLUDED.search_vector,
                indexed_at = EXCLUDED.indexed_at,
                {", ".join(f"{column} = EXCLUDED.{column}" for column in FILTER_COLUMNS)}""")
        values = [{
            "index_id": row.index_id, "site_id": row.site_id, "entity_id": row.entity_id,
            "doc": json.dumps(row.doc, default=str), "fields": json.dumps(row.fields),
            **{f"config_{number}": language for number, language in enumerate(self.query_languages)},
            **{column: row.fields.get(column, []) for column in FILTER_COLUMNS},
            **self._weighted_text(row),
        } for row in rows]
        if values:
            try:
                self.store.run(lambda connection: _write(connection, statement, values, commit))
            except DBAPIError as error:
                log.error("Search index write failed: %s", error)
                raise pysolr.SolrError("The search index could not store the document.") from None
        return ""

    def _vector_sql(self) -> str:
        """The weighted vector: each language's text stemmed by its configuration, weights A-D."""
        return "\n || ".join(
            f"setweight(to_tsvector(CAST(:config_{number} AS regconfig), :text_{number}_{weight}), '{weight}')"
            for number in range(len(self.query_languages)) for weight in "ABCD")

    def _weighted_text(self, row: IndexRow) -> dict[str, str]:
        by_config: dict[str, dict[str, list[str]]] = {
            language: {weight: [] for weight in "ABCD"} for language in self.query_languages}
        for code, by_weight in row.weighted_text.items():
            language = self.languages.get(code, self.language)
            for weight, text in by_weight.items():
                by_config[language][weight].append(text)
        values = {}
        for number, language in enumerate(self.query_languages):
            text = {weight: "\n".join(parts)[:_TEXT_LIMIT] for weight, parts in by_config[language].items()}
            if language in _COMPOUNDING_LANGUAGES:
                # Endings of title, name and tag words rank lowest: they only widen recall.
                text["D"] += "\n" + compound_suffixes(text["A"] + " " + text["B"])
            values.update({f"text_{number}_{weight}": text[weight] for weight in "ABCD"})
        return values

    def delete(self, id: str | list[str] | None = None, q: str | None = None,
               commit: bool = True, **kwargs: Any) -> str:
        """Delete by unique key (``index_id``) or by Lucene query, as ``pysolr.Solr.delete`` does."""
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        params = sql.Params()
        if id is not None:
            ids = id if isinstance(id, list) else [id]
            where = f"index_id = ANY({params.bind([str(each) for each in ids])})"
        else:
            try:
                where = LuceneCompiler(params, self.query_languages).compile(q or "")
            except QuerySyntaxError as error:
                raise pysolr.SolrError(str(error)) from None
        def delete_rows(connection: sa.Connection) -> None:
            connection.execute(sa.text(f"DELETE FROM {TABLE} WHERE {where}"), params.values)
            connection.execute(sa.text(NEW_GENERATION))

        self.store.run(delete_rows)
        return ""

    def commit(self, *args: Any, **kwargs: Any) -> str:
        return ""

    def optimize(self, *args: Any, **kwargs: Any) -> str:
        return ""

    def ping(self, *args: Any, **kwargs: Any) -> str:
        self.store.run(lambda connection: connection.execute(sa.text(f"SELECT 1 FROM {TABLE} LIMIT 1")))
        return "{}"


def _write(connection: sa.Connection, statement: sa.TextClause, values: list[dict[str, Any]],
           commit: bool) -> None:
    if not commit:
        # CKAN defers the commit while it re-indexes in bulk: the index can be rebuilt, so a crash may
        # lose the last writes rather than make every one of them wait for the WAL flush.
        connection.execute(sa.text("SET LOCAL synchronous_commit = off"))
    connection.execute(statement, values)
    connection.execute(sa.text(NEW_GENERATION))


class _SearchRequest:
    """The Solr parameters CKAN sends, read and checked once."""

    def __init__(self, q: str | None, params: dict[str, Any]) -> None:
        # PostgreSQL text cannot hold NUL; the index dropped it from documents, so queries drop it too.
        q = q.replace("\x00", "") if isinstance(q, str) else q
        self.q = q if isinstance(q, str) and q.strip() else "*:*"
        fq = params.get("fq") or []
        fq = [fq] if isinstance(fq, str) else fq
        self.filters = [each.replace("\x00", "") for each in fq if isinstance(each, str)]
        self.rows = _integer(params.get("rows", 10), "rows")
        self.start = _integer(params.get("start", 0), "start")
        self.sort = params.get("sort") or "score desc"
        self.field_list = [name for name in _FIELD_LIST.split(str(params.get("fl") or "*")) if name]
        self.default_field = str(params.get("df") or "text")
        self.default_operator = str(params.get("q.op") or "AND")
        def_type = params.get("defType") or "lucene"
        self.is_dismax = def_type in ("dismax", "edismax") and ":" not in self.q
        self.mm = params.get("mm")
        self.facet = str(params.get("facet", "false")).lower() in ("true", "on", "1")
        facet_fields = params.get("facet.field") or []
        self.facet_fields = [facet_fields] if isinstance(facet_fields, str) else list(facet_fields)
        self.facet_limit = _integer(params.get("facet.limit", 100), "facet.limit", minimum=-1)
        self.facet_mincount = _integer(params.get("facet.mincount", 0), "facet.mincount")


def _integer(value: Any, name: str, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise QuerySyntaxError(f"{name} must be a whole number, not {str(value)[:50]!r}") from None
    if number < minimum:
        raise QuerySyntaxError(f"{name} must be at least {minimum}")
    return number


def _order_by(params: sql.Params, sort: str) -> str:
    terms = []
    for part in str(sort).split(","):
        match = _SORT_PART.match(part)
        if not match:
            # CKAN turns this wording into its 'Invalid "sort" parameter' error.
            raise QuerySyntaxError(f"Unknown sort order: {str(sort)[:100]!r}")
        field, direction = match.group(1), match.group(2).upper()
        if field == "score":
            terms.append(f"score {direction}")
            continue
        value = f"fields -> {params.bind(field)} ->> 0"
        if kind_of(field) is Kind.NUMBER:
            value = f"CAST({value} AS numeric)"
        else:
            value = f'({value}) COLLATE "C"'
        terms.append(f"{value} {direction} NULLS LAST")
    terms.append("index_id")
    return ", ".join(terms)


def _stored_fields(params: sql.Params, field_list: list[str]) -> str:
    """The part of the stored document a search returns: CKAN asks for ``id validated_data_dict``,
    and the rest (the whole ``data_dict`` again, every index field) need not travel nor be decoded."""
    if "*" in field_list:
        return "doc"
    return (f"coalesce((SELECT jsonb_object_agg(key, value) FROM jsonb_each(doc) "
            f"WHERE key = ANY(CAST({params.bind(field_list)} AS text[]))), '{{}}')")


def _project(doc: dict[str, Any], score: float, field_list: list[str]) -> dict[str, Any]:
    if "*" in field_list:
        projected = {key: value for key, value in doc.items() if key not in UNSTORED_FIELDS}
    else:
        projected = {name: doc[name] for name in field_list if name in doc and name not in UNSTORED_FIELDS}
    if "score" in field_list:
        projected["score"] = float(score)
    return projected


def _facets(connection: sa.Connection, params: sql.Params, where: str,
            request: _SearchRequest) -> dict[str, list[Any]]:
    """Counts for every requested facet field in one pass: ``fields`` is decompressed once a match."""
    facets: dict[str, list[Any]] = {field: [] for field in request.facet_fields}
    if not facets:
        return facets
    limit = "" if request.facet_limit < 0 else "WHERE rank <= :facet_limit"
    values = dict(params.values, facet_fields=list(facets), facet_limit=request.facet_limit,
                  facet_mincount=max(request.facet_mincount, 1))
    rows = connection.execute(sa.text(
        f"SELECT facet_key, facet_value, hits FROM ("
        f"SELECT facet_key, facet_value, count(*) AS hits, row_number() OVER "
        f"(PARTITION BY facet_key ORDER BY count(*) DESC, facet_value) AS rank "
        f"FROM {TABLE}, jsonb_each(fields) AS facet(facet_key, facet_values), "
        f"jsonb_array_elements_text(facet_values) AS facet_value "
        f"WHERE ({where}) AND facet_key = ANY(CAST(:facet_fields AS text[])) "
        f"GROUP BY facet_key, facet_value HAVING count(*) >= :facet_mincount) AS counted {limit} "
        f"ORDER BY facet_key, hits DESC, facet_value"), values)
    for row in rows:
        facets[row.facet_key].extend([row.facet_value, row.hits])
    return facets
