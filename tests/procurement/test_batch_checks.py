"""Checking a batch column by column finds exactly what checking every row one by one finds.

The column pass only decides which rows need the row check; if it ever cleared a row wrongly, a
personal identity number or a bad value would slip through unreported. The oracle below sends
every row through the row check.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from ckanext.openup.procurement.checks import BATCH_ROWS, CheckedBatch, InvoiceChecker, is_formula_like
from ckanext.openup.procurement.variants import SPEC_COLUMNS, recognise_header

HEADER = [*SPEC_COLUMNS, "valuta", "anteckning"]  # valuta as in spec 1.0, and a column no spec knows
# Values for each column: ordinary ones, and the kinds of trouble the checks look for.
POOL = {
    "kopare_id": ["2120001355", "2120001355", "2120001356", ""],
    "kopare": ["Göteborgs Stad", ""],
    "verifikationsnummer": ["1000001", "811218-9876", "19811218-9876", "", "12345678901"],
    "leverantor": ["Bygg AB", "Anna Andersson", "Svensson Enskild Firma", "Tmi Virtanen", "Kalle 811218-9876", ""]
    + ["+cmd"],
    "leverantor_id": ["5562000116", "556200-0116", "811218-9876", "8112189876", "5562000117", "12", ""],
    "konto_nr": ["4010", "6550"],
    "konto_text": ["Konsulttjänster", "Arvode 811218-9876", "=HYPERLINK(A1)", "-5", ""],
    "datum": ["2024-01-31", "20240215", "31.03.2024", "2024-04", "2024-13-01", "igår", "1899-01-01", "=NOW()", ""],
    "forvaltning": ["Kulturförvaltningen", ""],
    "fakturanummer": ["7000001", "F-811218-9876", "123456789012345", "@SUM(A1)", "-7000001", ""],
    "belopp": ["1302,03", "-250,50", "12 345,67", "1302.03", "1.234,56", "+5", "007", "tusen", "1,2,3", "", "-0,00"]
    + ["-A1"],
    "grund": ["direktupphandling", ""],
    "avtal": ["", "AVT-1"],
    "kommun_id": ["1480", ""],
    "s_kod_nr": ["", "S1"],
    "valuta": ["", "SEK", "sek", "EUR"],
    "anteckning": ["", "ok", "ring 811218-9876"],
}


class RowByRowChecker(InvoiceChecker):
    """Sends every row through the row check, and every cell through the formula test: the plain reading."""

    def _identity_suspects(self, columns: list[Sequence[str]], sources: list, formulas: dict) -> set[int]:
        return set(range(len(columns[0])))

    def _party_suspects(self, columns: list[Sequence[str]]) -> tuple[set[int], dict]:
        return set(), {}

    def _formula_cells(self, columns: list[Sequence[str]], formulas: dict, unparsed: dict) -> dict[int, list[int]]:
        cells = {
            index: [position for position, value in enumerate(columns[index]) if is_formula_like(value)]
            for index in self._mapped_indexes
        }
        return {index: positions for index, positions in cells.items() if positions}


def generated_rows(seed: int, count: int, trouble: float) -> list[tuple[int, list[str]]]:
    rng = random.Random(seed)
    rows = []
    for line in range(2, count + 2):
        row = [values[0] if rng.random() > trouble else rng.choice(values) for values in POOL.values()]
        if rng.random() < trouble / 10:
            row = row[: rng.randrange(len(row))]  # a short row
        rows.append((line, row))
    return rows


def check_all(checker: InvoiceChecker, rows: list[tuple[int, list[str]]]) -> list[CheckedBatch]:
    return list(checker.check_batches(iter([(line, list(cells)) for line, cells in rows]), all_text=True))


def findings(checker: InvoiceChecker) -> dict[tuple[str, str], tuple[str, int, list[dict[str, object]]]]:
    return {key: (f.severity, f.count, f.examples) for key, f in checker.findings.items()}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("trouble", [0.02, 0.3])
def test_column_pass_reports_what_the_row_check_reports(seed, trouble):
    mapping = recognise_header("x.csv", HEADER)
    rows = generated_rows(seed, BATCH_ROWS * 3 + 17, trouble)
    fast, slow = InvoiceChecker(mapping), RowByRowChecker(mapping)
    fast_batches, slow_batches = check_all(fast, rows), check_all(slow, rows)
    assert findings(fast) == findings(slow)
    assert fast.findings  # the pool makes trouble on purpose
    assert fast.summary.as_dict() == slow.summary.as_dict()
    for fast_batch, slow_batch in zip(fast_batches, slow_batches, strict=True):
        assert list(map(tuple, fast_batch.rows)) == list(map(tuple, slow_batch.rows))
        assert fast_batch.identity_numbers == slow_batch.identity_numbers
        assert (fast_batch.dates_rewritten, fast_batch.amounts_rewritten) == (
            slow_batch.dates_rewritten,
            slow_batch.amounts_rewritten,
        )


def test_every_identity_number_in_a_large_clean_file_is_found_once_per_row():
    mapping = recognise_header("x.csv", HEADER)
    rows = generated_rows(7, 5000, 0.0)
    planted = {100: "leverantor_id", 2600: "konto_text", 4999: "fakturanummer", 3000: "anteckning"}
    for position, column in planted.items():
        rows[position][1][HEADER.index(column)] = "F-811218-9876" if column == "fakturanummer" else "811218-9876"
    checker = InvoiceChecker(mapping)
    check_all(checker, rows)
    found = {
        (key[1], example["line"])
        for key, finding in checker.findings.items()
        if key[0] == "identity-number"
        for example in finding.examples
    }
    assert {(label.split(" ")[0], line) for label, line in found} == {
        (column, rows[position][0]) for position, column in planted.items()
    }


def test_amounts_in_common_forms_are_canonical_and_summed_exactly():
    mapping = recognise_header("x.csv", list(SPEC_COLUMNS))
    amounts = ["1302,03", "-250,50", "12 345,67", "0,10", "0,20", "1302.03"]
    rows = [
        (
            line,
            [
                "2120001355",
                "G",
                "1",
                "Bygg AB",
                "5562000116",
                "4010",
                "t",
                "2024-01-31",
                "f",
                "7",
                amount,
                "",
                "",
                "",
                "",
            ],
        )
        for line, amount in enumerate(amounts, start=2)
    ]
    checker = InvoiceChecker(mapping)
    [batch] = check_all(checker, rows)
    assert [row[SPEC_COLUMNS.index("belopp")] for row in batch.rows] == [
        "1302.03",
        "-250.50",
        "12345.67",
        "0.10",
        "0.20",
        "1302.03",
    ]
    assert batch.amounts_rewritten == 5
    assert checker.summary.as_dict()["total_amount"] == "14699.53"
    assert checker.summary.as_dict()["credit_notes"] == {"rows": 1, "amount": "-250.50"}
