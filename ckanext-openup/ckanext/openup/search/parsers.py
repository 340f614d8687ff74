"""Which query parser reads ``q`` and each ``fq``: the request's default or Solr local params.

CKAN passes local params (``{!bool must=bees}``, ``{!lucene q.op=OR}bees butterflies``) through only
when ``ckan.search.solr_allowed_query_parsers`` names the parser; the ones with a meaning here are
``lucene``, ``dismax``/``edismax`` and ``bool``. Others (``knn``, ``func``...) need Solr itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ckanext.openup.search import sql
from ckanext.openup.search.dismax import compile_free_text
from ckanext.openup.search.lucene import LuceneCompiler, QuerySyntaxError

# key=value (value bare or quoted) or a bare word, inside {! ... }.
_LOCAL_PARAM = re.compile(r"""\s*(?:([\w.]+)\s*=\s*(?:'([^']*)'|"([^"]*)"|([^\s'"}]+))|([\w.]+))""")
SUPPORTED_PARSERS = ("lucene", "dismax", "edismax", "bool")


@dataclass(frozen=True)
class LocalParams:
    """A parsed ``{!type key=value ...}`` prefix and the query text it applies to."""

    parser: str | None
    pairs: tuple[tuple[str, str], ...]
    body: str

    def get(self, key: str, default: str | None = None) -> str | None:
        return next((value for name, value in self.pairs if name == key), default)

    def all(self, key: str) -> list[str]:
        return [value for name, value in self.pairs if name == key]


def split_local_params(query: str) -> LocalParams | None:
    """The local params at the start of ``query``, or None when it has none."""
    stripped = query.lstrip()
    if not stripped.startswith("{!"):
        return None
    position, parser, pairs = 2, None, []
    while True:
        end = stripped.find("}", position)
        if end < 0:
            raise QuerySyntaxError("local params are not closed with '}'")
        if not stripped[position:end].strip():
            position = end + 1
            break
        match = _LOCAL_PARAM.match(stripped, position)
        if not match or match.end() == position:
            raise QuerySyntaxError(f"cannot read local params in {query[:100]!r}")
        key, *quoted_or_bare, word = match.groups()
        if word is not None:
            parser = parser or word  # {!bool ...}: the first bare word names the parser
        else:
            value = next(part for part in quoted_or_bare if part is not None)
            if value.startswith("$"):
                raise QuerySyntaxError("parameter references ($name) in local params are not supported")
            pairs.append((key, value))
        position = match.end()
    pairs_tuple = tuple(pairs)
    parser = next((value for name, value in pairs_tuple if name == "type"), parser)
    body = next((value for name, value in pairs_tuple if name == "v"), stripped[position:])
    return LocalParams(parser, pairs_tuple, body)


class QueryParsers:
    """Compiles ``q`` and ``fq`` values to SQL, honouring local params; collects words to rank by."""

    def __init__(self, params: sql.Params, languages: sql.Languages, default_field: str = "text",
                 default_operator: str = "AND", mm: str | None = None) -> None:
        self.params = params
        self.languages = languages
        self.default_field = default_field
        self.default_operator = default_operator
        self.mm = mm
        self.ranking_words: list[str] = []

    def compile(self, query: str, default_parser: str = "lucene") -> str:
        local = split_local_params(query)
        if local is None:
            return self._run(default_parser, query, LocalParams(None, (), query))
        return self._run(local.parser or default_parser, local.body, local)

    def _run(self, parser: str, body: str, local: LocalParams) -> str:
        if parser == "lucene":
            lucene = LuceneCompiler(self.params, self.languages,
                                    local.get("df", self.default_field) or self.default_field,
                                    local.get("q.op", self.default_operator) or self.default_operator)
            condition = lucene.compile(body)
            self.ranking_words.extend(lucene.ranking_words)
            return condition
        if parser in ("dismax", "edismax"):
            text = body if body.strip() else "*:*"
            if text.strip() == "*:*" or (":" in text and parser == "edismax"):
                return self._run("lucene", text, local)
            condition, words = compile_free_text(self.params, self.languages, text, local.get("mm", self.mm))
            self.ranking_words.extend(words)
            return condition
        if parser == "bool":
            return self._bool(local)
        raise QuerySyntaxError(f"the query parser {parser!r} is not supported by this search index")

    def _bool(self, local: LocalParams) -> str:
        # Solr's bool parser: must and filter required, must_not excluded, should optional (at least
        # one of them when nothing is required); each clause is itself a query.
        required = [self.compile(value) for value in local.all("must") + local.all("filter")]
        prohibited = [self.compile(value) for value in local.all("must_not")]
        optional = [self.compile(value) for value in local.all("should")]
        parts = list(required)
        if optional and not required:
            parts.append(sql.any_of(optional))
        if not parts and not prohibited:
            return sql.FALSE  # an empty BooleanQuery matches nothing
        parts.extend(sql.negate(part) for part in prohibited)
        return sql.all_of(parts)
