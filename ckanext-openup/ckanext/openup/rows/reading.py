"""A stored invoice file read into typed rows of its national layout, ready for PostgreSQL's COPY.

Uses the reader and checks ``openup inspect`` uses, so the rows loaded and the totals ``inspect``
prints come from the same parsing. A file with any error (an identity number included) is refused
whole: the guard should have stopped it, and rows that cannot be typed must not half-load.
"""

from __future__ import annotations

import csv
import io
import operator
import os
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from ckanext.openup.procurement.checks import ERROR, InvoiceChecker
from ckanext.openup.procurement.errors import InvoiceFileError
from ckanext.openup.procurement.inspection import finish_inspection
from ckanext.openup.procurement.layouts import LAYOUTS, OutputLayout
from ckanext.openup.procurement.tables import open_invoice_table
from ckanext.openup.procurement.variants import SPEC_COLUMNS, recognise_header

# Rows are staged on disk past this size, so memory stays bounded whatever the file's length.
SPOOL_BYTES = 8 << 20
_SUPPLIER_CELLS = operator.itemgetter(SPEC_COLUMNS.index("leverantor"), SPEC_COLUMNS.index("leverantor_id"))
IDENTITY_NUMBER_MESSAGE = (
    "the file holds a personal identity number; run `openup prepare` on it, which redacts them, and upload again"
)


class RowsRefusedError(InvoiceFileError):
    """A file whose rows are not loaded (the previous rows of its resource stay)."""


@dataclass
class TypedRows:
    """The rows of one file as CSV for COPY, in ``layout``'s column order, with what ``inspect`` counted."""

    layout: OutputLayout
    csv_file: IO[str]
    rows: int
    total_amount: Decimal
    # The suppliers' names and numbers as the rows hold them: what searching the catalogue finds the dataset by.
    supplier_terms: frozenset[str] = frozenset()

    def close(self) -> None:
        self.csv_file.close()


def read_typed_rows(path: str | os.PathLike[str], country: str | None = None, name: str = "") -> TypedRows:
    """Read and check every row of ``path``; the layout is ``country``'s, else that of the file's format.

    ``name`` is how messages name the file (the resource's file name rather than a storage path).
    Raises :class:`RowsRefusedError` (or another :class:`InvoiceFileError`) when the file has errors.
    """
    staged = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline="")
    try:
        with open_invoice_table(path) as table:
            mapping = recognise_header(name or table.path, table.header)
            layout = LAYOUTS.get((country or "").lower()) or LAYOUTS[mapping.variant.country]
            project = operator.itemgetter(*layout.spec_indexes)
            checker = InvoiceChecker(mapping)
            # A batch is written to the spool in one call: the spool's own write is slow Python, per row.
            batch_text = io.StringIO()
            writer = csv.writer(batch_text, lineterminator="\n")
            terms: set[str] = set()
            for batch in checker.check_batches(table.rows, all_text=table.format == "csv"):
                if batch.identity_numbers:
                    # Never staged, whatever the checks call it: the DataStore is public.
                    raise RowsRefusedError(name or os.fspath(path), IDENTITY_NUMBER_MESSAGE)
                writer.writerows(map(project, batch.rows))
                terms.update(*map(_SUPPLIER_CELLS, batch.rows))
                staged.write(batch_text.getvalue())
                batch_text.seek(0)
                batch_text.truncate()
            report = finish_inspection(table, mapping, checker)
        errors = [finding for finding in report.findings if finding.severity == ERROR]
        if errors:
            first = errors[0]
            line = int(str(first.examples[0]["line"])) if first.examples else None
            raise RowsRefusedError(name or os.fspath(path), first.message, line, first.column or None)
        staged.seek(0)
        supplier_terms = frozenset(str(term) for term in terms if term is not None and term != "")
        return TypedRows(layout, staged, report.summary.rows, report.summary.total_amount, supplier_terms)
    except BaseException:
        staged.close()
        raise
