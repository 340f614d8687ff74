"""Totals and groups of public invoice rows, read from the spending store (docs/spending-store.md).

A question is answered from the smallest rollup whose columns cover its filters and grouping (per file and
month; per month and account, unit or supplier; public suppliers per organisation and year) and from the
rows only when no rollup does (an account and a supplier at once, say). Rollups hold exact sums of the rows.

Only rows whose source resource is public (dataset public and active, resource active) count: the
store keeps private rows too, so every query joins ``_openup_spending_sources WHERE public``. Amounts
are summed per currency only; a question whose rows are in both SEK and EUR is refused, not added up.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar

import ckan.plugins.toolkit as toolkit
import sqlalchemy as sa

from ckanext.openup.rows import spending_rollups, spending_store
from ckanext.openup.rows.spending_store import SOURCES_TABLE, SPENDING_TABLE

# What a group's key is, per group_by, and how groups are ordered (months in time, the rest by amount).
GROUP_KEYS = {
    "organization": ("sp.organization_id",),
    "year": ("sp.year",),
    "month": ("sp.year", "sp.month"),
    "supplier": ("sp.supplier_key", "CASE WHEN sp.supplier_key IS NULL THEN sp.supplier_kind END"),
    "account": ("sp.account",),
    "unit": ("sp.unit",),
}
GROUP_BY = tuple(GROUP_KEYS)
CURRENCIES = ("SEK", "EUR")


class MixedCurrenciesError(Exception):
    """The rows asked for are in more than one currency; their amounts cannot be added."""

    def __init__(self, currencies: list[str]) -> None:
        super().__init__(", ".join(currencies))
        self.currencies = currencies


@dataclass(frozen=True)
class SpendingFilters:
    """Which public rows a question is about; None means any."""

    organization_id: str | None = None
    year: int | None = None
    month: int | None = None
    supplier_key: str | None = None
    account: str | None = None
    unit: str | None = None
    currency: str | None = None

    def used(self) -> frozenset[str]:
        """The columns this question filters on."""
        return frozenset(name for name, value in vars(self).items() if value is not None)

    def where(self) -> tuple[str, dict[str, object]]:
        """The SQL condition on ``sp`` (the spending rows) and its parameters."""
        conditions = []
        parameters: dict[str, object] = {}
        for column, value in (("organization_id", self.organization_id), ("year", self.year),
                              ("month", self.month), ("supplier_key", self.supplier_key),
                              ("account", self.account), ("unit", self.unit), ("currency", self.currency)):
            if value is not None:
                conditions.append(f"sp.{column} = :{column}")
                parameters[column] = value
        return " AND ".join(conditions) or "true", parameters


@dataclass(frozen=True)
class SpendingGroup:
    """One line of an answer: ``key`` is None for rows without a comparable key (``kind`` says why)."""

    key: str | None
    label: str | None
    amount: Decimal
    invoices: int
    kind: str | None = None  # supplier groups: orgnr, ytunnus, internal, redacted or none
    number: str | None = None  # supplier groups: the supplier's number as a file writes it
    year: int | None = None  # month groups
    month: int | None = None
    resources: tuple[tuple[str, str], ...] = ()  # month groups: (dataset id, resource id) of the rows


@dataclass
class Spending:
    """The answer to one question: totals over every matching row, and the largest (or monthly) groups."""

    currency: str | None
    total: Decimal
    invoices: int
    credit_total: Decimal = Decimal(0)
    credit_invoices: int = 0
    redacted_total: Decimal = Decimal(0)
    redacted_invoices: int = 0
    group_count: int = 0
    groups: list[SpendingGroup] = field(default_factory=list)


# One pooled engine per process and database: a page asks five to ten questions, and opening a connection
# for each took longer than most answers. Keyed by process too, as pooled connections must not cross a fork.
# Repeatable read: a question asked in several statements (totals, then the largest groups) sees one snapshot,
# never a month loaded in between.
_ENGINES: dict[tuple[int, str], sa.engine.Engine] = {}
_UNDEFINED_TABLE = "42P01"
Answer = TypeVar("Answer")


@contextlib.contextmanager
def store_connection() -> Iterator[sa.engine.Connection]:
    """A connection to the DataStore's write database (the store is not readable otherwise), from a pool."""
    url = toolkit.config["ckan.datastore.write_url"]
    engine = _ENGINES.get((os.getpid(), url))
    if engine is None:
        engine = _ENGINES[os.getpid(), url] = sa.create_engine(
            url, pool_size=2, max_overflow=8, pool_recycle=600, isolation_level="REPEATABLE READ")
    with engine.connect() as connection:
        yield connection


def ask(question: Callable[[sa.engine.Connection], Answer]) -> Answer:
    """``question`` asked of the store; where its tables are missing (nothing loaded yet, or a store from
    before a rollup) they are made first and it is asked again, so an empty catalogue answers nothing."""
    try:
        with store_connection() as connection:
            return question(connection)
    except sa.exc.ProgrammingError as error:
        if getattr(error.orig, "pgcode", None) != _UNDEFINED_TABLE:
            raise
    with store_connection() as connection:
        with connection.begin():
            spending_store.ensure_tables(connection)
        return question(connection)


@dataclass(frozen=True)
class _Table:
    """Where a question's rows are summed from: the rows, or a rollup covering its filters and grouping."""

    name: str
    filters: frozenset[str]
    group_bys: frozenset[str | None]
    per_file: bool = True  # joined to the public files; False: holds public rows only
    amount: str = "sum(sp.rows)::bigint"

    def covers(self, filters: SpendingFilters, group_by: str | None) -> bool:
        return filters.used() <= self.filters and group_by in self.group_bys

    def totals(self) -> tuple[str, ...]:
        if self.name == SPENDING_TABLE:
            return _TOTALS
        return ("sum(sp.amount)", self.amount, "sum(sp.credit_amount)", "sum(sp.credit_rows)",
                "sum(sp.redacted_amount)", "sum(sp.redacted_rows)", "min(sp.currency)", "max(sp.currency)")

    def rows(self, where: str) -> str:
        if not self.per_file:
            return f'FROM "{self.name}" sp WHERE {where}'
        return (f'FROM "{self.name}" sp JOIN "{SOURCES_TABLE}" src '
                f"ON src.resource_id = sp.resource_id AND src.public WHERE {where}")


_PERIOD = frozenset({"organization_id", "year", "month", "currency"})
_PER_FILE_GROUPS = frozenset({None, "organization", "year", "month"})
_ROWS = _Table(SPENDING_TABLE, _PERIOD | {"supplier_key", "account", "unit"}, frozenset({*GROUP_BY, None}),
               amount="count(*)")
# Smallest first: the first table covering a question answers it.
_TABLES = (
    _Table(spending_rollups.MONTHS_TABLE, _PERIOD, _PER_FILE_GROUPS),
    _Table(spending_rollups.ACCOUNTS_TABLE, _PERIOD | {"account"}, _PER_FILE_GROUPS | {"account"}),
    _Table(spending_rollups.UNITS_TABLE, _PERIOD | {"unit"}, _PER_FILE_GROUPS | {"unit"}),
    _Table(spending_rollups.ACCOUNT_UNITS_TABLE, _PERIOD | {"account", "unit"},
           _PER_FILE_GROUPS | {"account", "unit"}),
    _Table(spending_rollups.CATALOGUE_SUPPLIERS_TABLE, frozenset({"year", "currency", "supplier_key"}),
           frozenset({"supplier"}), per_file=False),
    _Table(spending_rollups.PUBLIC_SUPPLIERS_TABLE, frozenset({"organization_id", "year", "currency", "supplier_key"}),
           frozenset({"supplier"}), per_file=False),
    _Table(spending_rollups.SUPPLIERS_TABLE, _PERIOD | {"supplier_key"}, _PER_FILE_GROUPS | {"supplier"}),
    _Table(spending_rollups.SUPPLIER_ACCOUNTS_TABLE, _PERIOD | {"supplier_key", "account"},
           _PER_FILE_GROUPS | {"supplier", "account"}),
    _Table(spending_rollups.SUPPLIER_UNITS_TABLE, _PERIOD | {"supplier_key", "unit"},
           _PER_FILE_GROUPS | {"supplier", "unit"}),
    _ROWS,
)


def _table_for(filters: SpendingFilters, group_by: str | None) -> _Table:
    return next(table for table in _TABLES if table.covers(filters, group_by))


# Totals of every matching row, as aggregates (ungrouped) or as windows over the groups (before LIMIT), so a
# grouped question reads its rows once.
_TOTALS = ("sum(sp.amount)", "count(*)", "sum(sp.amount) FILTER (WHERE sp.credit)", "count(*) FILTER (WHERE sp.credit)",
           "sum(sp.amount) FILTER (WHERE sp.supplier_kind = 'redacted')",
           "count(*) FILTER (WHERE sp.supplier_kind = 'redacted')", "min(sp.currency)", "max(sp.currency)")


def spending(connection: sa.engine.Connection, filters: SpendingFilters, group_by: str | None = None,
             limit: int = 100) -> Spending:
    """Totals of the public rows ``filters`` selects and, with ``group_by``, up to ``limit`` groups.

    Raises :class:`MixedCurrenciesError` when those rows are in more than one currency.
    """
    where, parameters = filters.where()
    table = _table_for(filters, group_by)
    if group_by == "supplier" and _ranked(filters, table) is not None:
        return _largest_suppliers(connection, filters, limit)
    totals = table.totals()
    if group_by is None:
        rows = connection.execute(sa.text(f"SELECT {', '.join(totals)} {table.rows(where)}"), parameters).all()
        return _answer(filters, rows[0] if rows and rows[0][1] else None)
    keys = GROUP_KEYS[group_by]
    order = {"month": "sp.year, sp.month", "year": "sp.year DESC"}.get(group_by, "amount DESC, 1")
    label = {"supplier": "max(sp.supplier_name)", "organization": "max(src.organization_name)"}.get(group_by, "NULL")
    # A month's rows are nearly always in one file; its first and last resource are linked (a third is not).
    extra = {"supplier": "max(sp.supplier_number)", "month": "min(sp.resource_id) || ' ' || max(sp.resource_id)"}
    windows = ", ".join(f"{aggregate.split('(')[0] if aggregate.startswith(('min', 'max')) else 'sum'}({aggregate}) "
                        "OVER ()" for aggregate in totals)
    rows = connection.execute(sa.text(
        f"SELECT {', '.join(keys)}, {label} AS label, {extra.get(group_by, 'NULL')} AS extra, "
        f"sum(sp.amount) AS amount, {totals[1]} AS invoices, count(*) OVER () AS group_count, {windows} "
        f"{table.rows(where)} GROUP BY {', '.join(keys)} ORDER BY {order} NULLS LAST LIMIT :limit"),
        {**parameters, "limit": limit}).all()
    answer = _answer(filters, rows[0][-len(totals):] if rows else None)
    answer.group_count = rows[0].group_count if rows else 0
    answer.groups = [_group(group_by, row) for row in rows]
    if group_by == "month":
        answer.groups = _with_datasets(connection, answer.groups)
    return answer


def _ranked(filters: SpendingFilters, table: _Table) -> str | None:
    """The table holding one line per supplier group of ``filters``, ranked by amount, if there is one.

    An organisation's year: its supplier totals; a year of the catalogue: the catalogue's lines; every year
    of the catalogue: the catalogue's supplier totals.
    """
    if filters.month is not None or filters.used() & {"supplier_key", "account", "unit"}:
        return None
    if filters.year is None:
        return spending_rollups.CATALOGUE_TOTALS_TABLE if filters.organization_id is None else None
    if filters.organization_id is not None:
        return spending_rollups.SUPPLIER_TOTALS_TABLE
    return spending_rollups.CATALOGUE_SUPPLIERS_TABLE if table.name == spending_rollups.CATALOGUE_SUPPLIERS_TABLE \
        else None


# Where the names and numbers of a ranked table's suppliers are (the ranked totals add name variants up).
_NAMES_OF = {spending_rollups.SUPPLIER_TOTALS_TABLE: spending_rollups.PUBLIC_SUPPLIERS_TABLE,
             spending_rollups.CATALOGUE_TOTALS_TABLE: spending_rollups.CATALOGUE_SUPPLIERS_TABLE}


def _largest_suppliers(connection: sa.engine.Connection, filters: SpendingFilters, limit: int) -> Spending:
    """The largest suppliers of a year read straight off a ranked index (tens of lines, not every supplier).

    The totals come from the monthly rollup (the groups add up to them), the names and numbers of the
    suppliers shown from their name variants.
    """
    where, parameters = filters.where()
    ranked = _ranked(filters, _table_for(filters, "supplier"))
    answer = spending(connection, filters)
    answer.group_count = connection.execute(sa.text(f'SELECT count(*) FROM "{ranked}" sp WHERE {where}'),
                                            parameters).scalar() if answer.invoices else 0
    top = connection.execute(sa.text(
        f"SELECT sp.supplier_key, sp.supplier_kind, sp.amount, sp.rows FROM \"{ranked}\" sp WHERE {where} "
        "ORDER BY sp.amount DESC, sp.supplier_key NULLS LAST LIMIT :limit"), {**parameters, "limit": limit}).all()
    labels_of = _NAMES_OF.get(ranked, ranked)
    # Keyed suppliers through the supplier index; the few groups without a key (kind "redacted", "none") apart.
    keys = [row.supplier_key for row in top if row.supplier_key is not None]
    kinds = [row.supplier_kind for row in top if row.supplier_key is None]
    labels = {}
    for condition, values in (("sp.supplier_key = ANY(:values)", keys),
                              ("sp.supplier_key IS NULL AND sp.supplier_kind = ANY(:values)", kinds)):
        if values:
            labels.update({(key, kind): (name, number) for key, kind, name, number in connection.execute(sa.text(
                "SELECT sp.supplier_key, sp.supplier_kind, max(sp.supplier_name), max(sp.supplier_number) "
                f'FROM "{labels_of}" sp WHERE {where} AND {condition} GROUP BY 1, 2'),
                {**parameters, "values": values})})
    answer.groups = []
    for row in top:
        name, number = labels.get((row.supplier_key, row.supplier_kind), (None, None))
        answer.groups.append(SpendingGroup(row.supplier_key, name, row.amount, int(row.rows), kind=row.supplier_kind,
                                           number=number))
    return answer


def _answer(filters: SpendingFilters, totals: tuple | None) -> Spending:
    """The totals of an answer; raises :class:`MixedCurrenciesError` when they span two currencies."""
    if totals is None:
        return Spending(currency=filters.currency, total=Decimal(0), invoices=0)
    total, invoices, credit_total, credit_invoices, redacted_total, redacted_invoices, lowest, highest = totals
    if lowest != highest:
        raise MixedCurrenciesError(sorted({lowest, highest}, key=_currency_order))
    return Spending(lowest, total, int(invoices), credit_total or Decimal(0), int(credit_invoices or 0),
                    redacted_total or Decimal(0), int(redacted_invoices or 0))


def _currency_order(currency: str) -> tuple[int, str]:
    return (CURRENCIES.index(currency) if currency in CURRENCIES else len(CURRENCIES), currency)


def _with_datasets(connection: sa.engine.Connection, groups: list[SpendingGroup]) -> list[SpendingGroup]:
    resource_ids = sorted({resource_id for group in groups for _dataset, resource_id in group.resources})
    datasets = dict(connection.execute(sa.text(
        f'SELECT resource_id, dataset_id FROM "{SOURCES_TABLE}" WHERE resource_id = ANY(:ids)'),
        {"ids": resource_ids}).all())
    return [replace(group, resources=tuple((datasets.get(resource_id, ""), resource_id)
                                           for _dataset, resource_id in group.resources)) for group in groups]


def _group(group_by: str, row: sa.engine.Row) -> SpendingGroup:
    if group_by == "month":
        year, month = row[0], row[1]
        key = f"{year:04d}-{month:02d}" if year is not None and month is not None else None
        resources = tuple(("", resource_id) for resource_id in sorted(set(row.extra.split())))
        return SpendingGroup(key, key, row.amount, row.invoices, year=year, month=month, resources=resources)
    if group_by == "supplier":
        key, kind_without_key = row[0], row[1]
        kind = kind_without_key or _supplier_kind(key)
        return SpendingGroup(key, row.label, row.amount, row.invoices, kind=kind, number=row.extra)
    if group_by == "organization":
        return SpendingGroup(row[0], row.label, row.amount, row.invoices)
    if group_by == "year":
        key = str(row[0]) if row[0] is not None else None
        return SpendingGroup(key, key, row.amount, row.invoices, year=row[0])
    return SpendingGroup(row[0], row[0], row.amount, row.invoices)


def _supplier_kind(key: str) -> str:
    if key.startswith("internal:"):
        return "internal"
    return "ytunnus" if key.startswith("FI") else "orgnr"


@dataclass(frozen=True)
class SupplierMatch:
    """A supplier found by name or number: what each currency's buyers paid it."""

    key: str
    name: str | None
    kind: str
    currency: str
    amount: Decimal
    invoices: int
    buyers: int


def search_suppliers(connection: sa.engine.Connection, text: str, limit: int = 20) -> list[SupplierMatch]:
    """Suppliers of public rows whose key is the number in ``text`` or whose name contains its words.

    Names are compared without case, vowel marks (å, ä, ö) or company forms ("AB", "Oy"), so "Skolmat Nord"
    finds "SKOLMAT NORD AB" and "Skolmat-Nörd Ab". A supplier found by one of its names counts with all its
    public rows. Read from the supplier directory and the catalogue's supplier totals over every year.
    """
    key = supplier_key_from_number(text)
    if key is not None:
        condition, parameters = "d.supplier_key = :key", {"key": key}
    else:
        words = normalised_name_words(text)
        if not words:
            return []
        condition = " AND ".join(f"d.name_search LIKE :word{index}" for index in range(len(words)))
        parameters = {f"word{index}": _name_pattern(word) for index, word in enumerate(words)}
    found = connection.execute(sa.text(
        f"WITH matched AS (SELECT DISTINCT currency, supplier_key FROM {spending_rollups.DIRECTORY_TABLE} d "
        f"WHERE {condition}) SELECT c.supplier_key, c.currency, c.amount, c.rows "
        f"FROM {spending_rollups.CATALOGUE_TOTALS_TABLE} c JOIN matched USING (currency, supplier_key) "
        "ORDER BY 3 DESC, 1 LIMIT :limit"), {**parameters, "limit": limit}).all()
    # Names and buyers over every year, for the few suppliers shown.
    details = {(key, currency): (name, buyers) for key, currency, name, buyers in connection.execute(sa.text(
        "SELECT supplier_key, currency, max(supplier_name), count(DISTINCT organization_id) "
        f"FROM {spending_rollups.PUBLIC_SUPPLIERS_TABLE} WHERE supplier_key = ANY(:keys) GROUP BY 1, 2"),
        {"keys": [row[0] for row in found]})}
    return [SupplierMatch(key, details[key, currency][0], _supplier_kind(key), currency, amount, invoices,
                          details[key, currency][1]) for key, currency, amount, invoices in found]


COMPANY_FORMS = frozenset({"ab", "hb", "kb", "oy", "oyj", "ky", "tmi", "ay", "publ", "ltd", "as", "aps", "gmbh"})
_FOLDED = str.maketrans(spending_rollups.MARKED, spending_rollups.FOLDED)


def normalised_name_words(text: str) -> list[str]:
    """The words of a supplier name as searched: lower case, no punctuation, no company forms."""
    words = re.sub(r"[^\w]+", " ", text.lower()).split()
    return [word for word in words if word not in COMPANY_FORMS][:8]


def _name_pattern(word: str) -> str:
    """A LIKE pattern finding ``word`` in a folded name whatever marks its vowels carry (ö and o alike)."""
    return "%" + _like_escaped(word.translate(_FOLDED)) + "%"


def _like_escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def supplier_key_from_number(text: str) -> str | None:
    """The store's key for an organisation number or Y-tunnus written in ``text``, else None."""
    compact = re.sub(r"[\s-]", "", text.strip().upper())
    if re.fullmatch(r"(SE)?(16)?\d{10}(01)?", compact):
        digits = compact.removeprefix("SE")
        digits = digits[2:] if len(digits) in (12, 14) and digits.startswith("16") else digits
        return "SE" + digits[:10]
    finnish = re.fullmatch(r"(FI)?(\d{7})(\d)", compact)
    if finnish:
        return f"FI{finnish.group(2)}-{finnish.group(3)}"
    return None
