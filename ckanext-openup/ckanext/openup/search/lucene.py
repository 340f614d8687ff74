"""Lucene query syntax (CKAN's ``q`` with fields, every ``fq``, delete-by-query) compiled to SQL.

luqum parses; this module walks its tree. Boolean clauses follow Lucene: ``+`` must, ``-``/``NOT`` must
not, plain clauses follow the default operator (CKAN sends ``q.op=AND``), and a group with only
negative clauses means "everything except", as Solr reads a pure-negative filter.
"""

from __future__ import annotations

from luqum import tree
from luqum.exceptions import ParseError
from luqum.thread import parse

from ckanext.openup.search import dates, sql
from ckanext.openup.search.fields import NGRAM_SIZES, Kind, kind_of

MAX_CLAUSES = 1024  # Solr's default maxBooleanClauses
# What Lucene's grammar never allows right after ``field:`` (inside brackets they are fine).
_NOT_A_FIELD_VALUE = (tree.SearchField, tree.Plus, tree.Prohibit, tree.Not)


class QuerySyntaxError(ValueError):
    """A query the backend cannot read; the message is safe to show to the user."""


class LuceneCompiler:
    """Compiles query strings into SQL conditions over one index row, collecting bound parameters."""

    def __init__(self, params: sql.Params, languages: sql.Languages, default_field: str = "text",
                 default_operator: str = "AND") -> None:
        self.params = params
        self.languages = languages
        self.default_field = default_field
        self.default_is_and = default_operator.upper() != "OR"
        self.ranking_words: list[str] = []
        self._clauses = 0

    def compile(self, query: str) -> str:
        """SQL condition for ``query``; raises :class:`QuerySyntaxError` for what cannot be read."""
        if not query.strip():
            return sql.TRUE
        try:
            parsed = parse(query)
        except (ParseError, RecursionError, ValueError, TypeError) as error:
            raise QuerySyntaxError(f"cannot parse query {query[:200]!r}: {error}") from None
        try:
            return self._node(parsed, self.default_field)
        except RecursionError:
            raise QuerySyntaxError("query is nested too deeply") from None

    def _node(self, node: tree.Item, field: str) -> str:
        self._clauses += 1
        if self._clauses > MAX_CLAUSES:
            raise QuerySyntaxError(f"query has more than {MAX_CLAUSES} clauses")
        if isinstance(node, tree.SearchField):
            if isinstance(node.expr, _NOT_A_FIELD_VALUE):
                # luqum reads ``organization: +state:x`` as a field of a field; Lucene refuses it.
                raise QuerySyntaxError(f"{node.name}: must be followed by a value or a group in brackets")
            return self._node(node.expr, node.name)
        if isinstance(node, (tree.Group, tree.FieldGroup)):
            return self._node(node.expr, field)
        if isinstance(node, tree.Boost):
            return self._node(node.expr, field)
        if isinstance(node, (tree.AndOperation, tree.OrOperation, tree.UnknownOperation)):
            return self._boolean(node, field)
        if isinstance(node, tree.Plus):
            return self._node(node.a, field)
        if isinstance(node, (tree.Not, tree.Prohibit)):
            return sql.negate(self._node(node.a, field))
        if isinstance(node, tree.Range):
            return self._range(node, field)
        if isinstance(node, tree.Proximity):
            return self._term(node.term, field)
        if isinstance(node, tree.Fuzzy):
            return self._term(node.term, field)
        if isinstance(node, (tree.Word, tree.Phrase)):
            return self._term(node, field)
        raise QuerySyntaxError(f"unsupported query syntax: {str(node)[:100]!r}")

    def _boolean(self, node: tree.BaseOperation, field: str) -> str:
        plain_is_required = isinstance(node, tree.AndOperation) or (
            isinstance(node, tree.UnknownOperation) and self.default_is_and
        )
        required, prohibited, optional = [], [], []
        for operand in node.operands:
            if isinstance(operand, (tree.Not, tree.Prohibit)):
                prohibited.append(self._node(operand.a, field))
            elif isinstance(operand, tree.Plus) or plain_is_required:
                required.append(self._node(operand, field))
            else:
                optional.append(self._node(operand, field))
        parts = list(required)
        if optional and not required:
            parts.append(sql.any_of(optional))
        parts.extend(sql.negate(part) for part in prohibited)
        return sql.all_of(parts)

    def _term(self, term: tree.Term, field: str) -> str:
        params = self.params
        is_phrase = isinstance(term, tree.Phrase)
        raw = term.value[1:-1] if is_phrase else term.value
        value = tree.Term.WORD_ESCAPED_CHARS.sub(r"\1", raw)
        if field == "*":
            if not is_phrase and raw == "*":
                return sql.TRUE
            field = self.default_field
        kind = kind_of(field)
        if not is_phrase and raw == "*":
            return sql.TRUE if field == "text" else sql.has_field(params, field)
        if not is_phrase and term.has_wildcard():
            return self._wildcard(raw, field, kind)
        if kind is Kind.TEXT:
            self.ranking_words.append(value)
            vector = sql.field_vector(params, self.languages, field)
            return sql.text_match(vector, sql.text_query(params, self.languages, value, phrase=is_phrase))
        if kind is Kind.NGRAM:
            return self._ngram(value, field)
        if kind is Kind.DATE:
            return sql.has_value(params, field, self._date(value))
        if kind is Kind.NUMBER:
            number = self._number(value)
            return sql.values_match(params, field, f"CAST(v AS numeric) = {params.bind(number)}")
        return sql.has_value(params, field, value)

    def _ngram(self, value: str, field: str) -> str:
        # Solr indexes every 2-10 character gram and splits the query on whitespace: each word
        # matches when it is a substring of the value; longer or shorter words match nothing.
        shortest, longest = NGRAM_SIZES
        words = value.lower().split()
        if not words or any(not shortest <= len(word) <= longest for word in words):
            return sql.FALSE
        return sql.all_of([
            sql.values_match(self.params, field, f"strpos(v, {self.params.bind(word)}) > 0")
            for word in words
        ])

    def _wildcard(self, raw: str, field: str, kind: Kind) -> str:
        if kind is Kind.TEXT:
            stem = raw[:-1]
            if raw.endswith("*") and stem and not tree.Term.WILDCARDS_PATTERN.search(stem):
                prefix = tree.Term.WORD_ESCAPED_CHARS.sub(r"\1", stem)
                vector = sql.field_vector(self.params, self.languages, field)
                return sql.text_match(vector, sql.prefix_query(self.params, prefix))
            return sql.like(self.params, field, _like_pattern(raw, contains=True), case_sensitive=False)
        return sql.like(self.params, field, _like_pattern(raw))

    def _range(self, node: tree.Range, field: str) -> str:
        kind = kind_of(field)

        def bound(item: tree.Item) -> str | None:
            if not isinstance(item, tree.Term):
                raise QuerySyntaxError(f"unsupported range bound {str(item)[:50]!r}")
            raw = item.value[1:-1] if isinstance(item, tree.Phrase) else item.value
            if raw == "*":
                return None
            value = tree.Term.WORD_ESCAPED_CHARS.sub(r"\1", raw)
            if kind is Kind.DATE:
                return self._date(value)
            if kind is Kind.NUMBER:
                return str(self._number(value))
            return value

        return sql.in_range(self.params, field, kind, bound(node.low), bound(node.high),
                            node.include_low, node.include_high)

    @staticmethod
    def _date(value: str) -> str:
        try:
            return dates.evaluate(value)
        except dates.DateSyntaxError as error:
            raise QuerySyntaxError(f"invalid date: {error}") from None

    @staticmethod
    def _number(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise QuerySyntaxError(f"not a number: {value[:50]!r}") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise QuerySyntaxError(f"not a finite number: {value[:50]!r}")
        return number


def _like_pattern(raw: str, contains: bool = False) -> str:
    """Lucene wildcards (``*``, ``?``, backslash escapes) as a SQL LIKE pattern."""
    out = []
    chars = iter(raw)
    for char in chars:
        if char == "\\":
            char = next(chars, "\\")
            out.append("\\" + char if char in "%_\\" else char)
        elif char == "*":
            out.append("%")
        elif char == "?":
            out.append("_")
        elif char in "%_":
            out.append("\\" + char)
        else:
            out.append(char)
    pattern = "".join(out)
    return f"%{pattern}%" if contains else pattern
