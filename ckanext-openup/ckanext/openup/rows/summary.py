"""A month's rows in a few figures (rows, period, total, suppliers, credit notes), worked out as it loads.

``record`` runs in the load's own transaction, so the figures always describe the rows readers see.
They and each month's distinct suppliers sit in two tables of the DataStore database that the
read-only role cannot read (a private month's suppliers are as private as its rows); pages and the
search index read them through the write connection, after CKAN has checked who may see the dataset.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit
import sqlalchemy as sa

from ckanext.openup.procurement.layouts import LAYOUTS, OutputLayout

SUMMARY_TABLE = "_openup_row_summaries"
SUPPLIERS_TABLE = "_openup_row_suppliers"
WRITE_URL = "ckan.datastore.write_url"
READ_URL = "ckan.datastore.read_url"
# Each layout is one country's: its amounts are in that country's currency.
LAYOUTS_BY_NAME = {layout.name: layout for layout in LAYOUTS.values()}
CURRENCIES = {layout.name: currency for layout, currency in ((LAYOUTS["se"], "SEK"), (LAYOUTS["fi"], "EUR"))}


@dataclass(frozen=True)
class RowSummary:
    """One month's rows, or a year's, in figures."""

    rows: int
    first_date: datetime.date | None
    last_date: datetime.date | None
    total: Decimal
    suppliers: int
    credit_notes: int
    credit_total: Decimal
    currency: str
    layout: str  # the name of the OutputLayout the rows were loaded in


@dataclass(frozen=True)
class YearSummary:
    """Each loaded month of a dataset (by resource id, in the dataset's order) and the year together."""

    months: dict[str, RowSummary]
    year: RowSummary
    layout: OutputLayout


def record(connection: sa.engine.Connection, resource_id: str, layout: OutputLayout,
           rows_table: str | None = None) -> None:
    """Work out the figures of ``resource_id``'s new rows and keep them (in the load's transaction).

    The rows are read from ``rows_table`` (the load's staging table) when given, else from the month's table.
    """
    ensure_tables(connection)
    column = {spec: f'"{written}"' for written, spec in layout.columns}
    amount, supplier_id, supplier = column["belopp"], column["leverantor_id"], column["leverantor"]
    table, key = rows_table or f'"{resource_id}"', f"coalesce({supplier_id}, {supplier})"
    parameters = {"id": resource_id, "layout": layout.name}
    connection.execute(sa.text(
        f'INSERT INTO "{SUMMARY_TABLE}" (resource_id, layout, rows, first_date, last_date, total, suppliers, '
        "credit_notes, credit_total) "
        f"SELECT :id, :layout, count(*), min({column['datum']}), max({column['datum']}), "
        f"coalesce(sum({amount}), 0), count(DISTINCT {key}), count(*) FILTER (WHERE {amount} < 0), "
        f"coalesce(sum({amount}) FILTER (WHERE {amount} < 0), 0) FROM {table} "
        "ON CONFLICT (resource_id) DO UPDATE SET layout = excluded.layout, rows = excluded.rows, "
        "first_date = excluded.first_date, last_date = excluded.last_date, total = excluded.total, "
        "suppliers = excluded.suppliers, credit_notes = excluded.credit_notes, "
        "credit_total = excluded.credit_total"), parameters)
    connection.execute(sa.text(f'DELETE FROM "{SUPPLIERS_TABLE}" WHERE resource_id = :id'), parameters)
    connection.execute(sa.text(
        f'INSERT INTO "{SUPPLIERS_TABLE}" (resource_id, supplier_key, name, organisation_number) '
        f"SELECT DISTINCT :id, {key}, {supplier}, {supplier_id} FROM {table} WHERE {key} IS NOT NULL"),
        parameters)


def forget(connection: sa.engine.Connection, resource_id: str) -> None:
    """Drop what was kept about ``resource_id``'s rows (its rows are being removed)."""
    ensure_tables(connection)
    for table in (SUMMARY_TABLE, SUPPLIERS_TABLE):
        connection.execute(sa.text(f'DELETE FROM "{table}" WHERE resource_id = :id'), {"id": resource_id})


def ensure_tables(connection: sa.engine.Connection) -> None:
    """Create both tables when missing and keep them from the DataStore's read-only role."""
    connection.execute(sa.text(
        f'CREATE TABLE IF NOT EXISTS "{SUMMARY_TABLE}" (resource_id text PRIMARY KEY, layout text NOT NULL, '
        "rows bigint NOT NULL, first_date date, last_date date, total numeric NOT NULL, suppliers bigint NOT NULL, "
        "credit_notes bigint NOT NULL, credit_total numeric NOT NULL)"))
    connection.execute(sa.text(
        f'CREATE TABLE IF NOT EXISTS "{SUPPLIERS_TABLE}" (resource_id text NOT NULL, supplier_key text NOT NULL, '
        "name text, organisation_number text)"))
    connection.execute(sa.text(
        f'CREATE INDEX IF NOT EXISTS "{SUPPLIERS_TABLE}_resource" ON "{SUPPLIERS_TABLE}" (resource_id)'))
    reader = sa.engine.make_url(toolkit.config[READ_URL]).username
    if reader:
        for table in (SUMMARY_TABLE, SUPPLIERS_TABLE):
            connection.execute(sa.text(f'REVOKE ALL ON "{table}" FROM PUBLIC, "{reader}"'))


def month_summaries(resource_ids: Iterable[str]) -> dict[str, RowSummary]:
    """The figures of each of ``resource_ids`` that has rows (the caller has checked who may see them)."""
    with _reading() as connection:
        return _month_summaries(connection, list(resource_ids)) if connection is not None else {}


def layout_of(resource_ids: Iterable[str]) -> dict[str, OutputLayout]:
    """The layout each of ``resource_ids`` with rows was loaded in."""
    return {resource_id: LAYOUTS_BY_NAME[figures.layout]
            for resource_id, figures in month_summaries(resource_ids).items() if figures.layout in LAYOUTS_BY_NAME}


def year_summary(resource_ids: Iterable[str]) -> YearSummary | None:
    """Each loaded month of a dataset and the whole year (suppliers counted once however many months)."""
    ids = list(resource_ids)
    with _reading() as connection:
        if connection is None:
            return None
        months = _month_summaries(connection, ids)
        suppliers = connection.execute(sa.text(
            f'SELECT count(DISTINCT supplier_key) FROM "{SUPPLIERS_TABLE}" WHERE resource_id = ANY(:ids)'),
            {"ids": list(months)}).scalar() if months else 0
    if not months:
        return None
    loaded = {resource_id: months[resource_id] for resource_id in ids if resource_id in months}
    figures = list(loaded.values())
    dates = [day for month in figures for day in (month.first_date, month.last_date) if day]
    year = RowSummary(
        rows=sum(month.rows for month in figures),
        first_date=min(dates, default=None), last_date=max(dates, default=None),
        total=sum((month.total for month in figures), Decimal(0)),
        suppliers=int(suppliers or 0),
        credit_notes=sum(month.credit_notes for month in figures),
        credit_total=sum((month.credit_total for month in figures), Decimal(0)),
        currency=figures[0].currency, layout=figures[0].layout)
    return YearSummary(loaded, year, LAYOUTS_BY_NAME[year.layout])


def _month_summaries(connection: sa.engine.Connection, ids: list[str]) -> dict[str, RowSummary]:
    if not ids:
        return {}
    found = connection.execute(sa.text(
        "SELECT resource_id, layout, rows, first_date, last_date, total, suppliers, credit_notes, credit_total "
        f'FROM "{SUMMARY_TABLE}" WHERE resource_id = ANY(:ids)'), {"ids": ids}).all()
    return {row.resource_id: RowSummary(row.rows, row.first_date, row.last_date, row.total, row.suppliers,
                                        row.credit_notes, row.credit_total, CURRENCIES.get(row.layout, ""),
                                        row.layout)
            for row in found}


def supplier_terms(resource_ids: Iterable[str]) -> list[str]:
    """The distinct names and organisation numbers of the suppliers in the rows of ``resource_ids``."""
    ids = list(resource_ids)
    if not ids:
        return []
    with _reading() as connection:
        if connection is None:
            return []
        found = connection.execute(sa.text(
            f'SELECT DISTINCT name, organisation_number FROM "{SUPPLIERS_TABLE}" WHERE resource_id = ANY(:ids)'),
            {"ids": ids}).all()
    terms = dict.fromkeys(term for row in found for term in row if term)
    return list(terms)


@contextmanager
def _reading() -> Iterator[sa.engine.Connection | None]:
    """A connection to the DataStore database, or None without a DataStore or before any rows were loaded."""
    if not plugins.plugin_loaded("datastore"):
        yield None
        return
    engine = write_engine()
    try:
        with engine.connect() as connection:
            exists = connection.execute(sa.text("SELECT to_regclass(:table) IS NOT NULL"),
                                        {"table": f'public."{SUPPLIERS_TABLE}"'}).scalar()
            yield connection if exists else None
    finally:
        engine.dispose()


def write_engine() -> sa.engine.Engine:
    """A short-lived engine on the DataStore's write URL (never pooled: RQ jobs fork)."""
    return sa.create_engine(toolkit.config[WRITE_URL], poolclass=sa.pool.NullPool)
