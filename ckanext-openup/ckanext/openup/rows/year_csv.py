"""A dataset's whole year of invoice rows as one CSV, streamed from the DataStore in the national layout.

Same header line and cells as ``openup prepare`` writes (ISO dates, amounts as they were loaded, empty
cells empty, text a spreadsheet would run as a formula behind a leading '), so ``openup inspect`` reads the
year back with the months' own totals. Rows come through a server-side cursor a batch at a time: memory
stays the same however long the year.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from ckanext.openup.procurement.layouts import OutputLayout
from ckanext.openup.procurement.spreadsheet import spreadsheet_text
from ckanext.openup.rows import summary

BATCH_ROWS = 5000


def year_query(resource_ids: Sequence[str], layout: OutputLayout) -> str:
    """SQL for every row of ``resource_ids``' tables as text cells, by posting date (then month, then line)."""
    date_column = next(written for written, spec in layout.columns if spec == "datum")
    cells = ", ".join(
        f"to_char(\"{written}\", 'YYYY-MM-DD')" if written == date_column else f'"{written}"::text'
        for written in layout.header)
    months = " UNION ALL ".join(
        f'SELECT {cells}, "{date_column}" AS posted, {order} AS month, _id FROM "{resource_id}"'
        for order, resource_id in enumerate(resource_ids))
    return f"SELECT * FROM ({months}) AS year ORDER BY posted NULLS LAST, month, _id"


def stream_year(resource_ids: Sequence[str], layout: OutputLayout) -> Iterator[str]:
    """The CSV text of the year, header first, a batch of rows at a time."""
    yield layout.header_line + "\n"
    width = len(layout.header)
    engine = summary.write_engine()
    connection = engine.raw_connection()
    try:
        # A named cursor is PostgreSQL's server-side cursor: only one batch is ever in this process.
        cursor = connection.cursor(name="openup_year_csv")
        cursor.execute(year_query(resource_ids, layout))
        while batch := cursor.fetchmany(BATCH_ROWS):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(
                # Rows written through the DataStore API never met the invoice checks: guard formulas here.
                [spreadsheet_text(cell) if cell else "" for cell in row[:width]] for row in batch)
            yield buffer.getvalue()
        cursor.close()
    finally:
        connection.close()
        engine.dispose()
