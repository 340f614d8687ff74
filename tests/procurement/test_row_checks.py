"""Row checks never crash on hostile values and count what they find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ckanext.openup.procurement.checks import InvoiceChecker
from ckanext.openup.procurement.variants import SPEC_COLUMNS, recognise_header


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=len(SPEC_COLUMNS), max_size=len(SPEC_COLUMNS)))
def test_any_text_in_any_cell_is_checked_without_an_exception(cells):
    checker = InvoiceChecker(recognise_header("x.csv", list(SPEC_COLUMNS)))
    checked = list(checker.check_batches(iter([(2, list(cells))])))
    assert len(checked[0].rows) == 1
    assert checker.summary.rows == 1


def test_short_rows_are_padded_and_reported_once_per_kind():
    checker = InvoiceChecker(recognise_header("x.csv", list(SPEC_COLUMNS)))
    list(checker.check_batches(iter([(2, ["2120001355", "Göteborgs Stad"]), (3, ["2120001355"])])))
    finding = checker.findings[("column-count", "")]
    assert finding.count == 2
    assert [example["line"] for example in finding.examples] == [2, 3]


def test_reported_example_masks_the_identity_number():
    checker = InvoiceChecker(recognise_header("x.csv", list(SPEC_COLUMNS)))
    row = ["2120001355", "Göteborgs Stad", "1", "Anna", "811218-9876"] + [""] * 10
    list(checker.check_batches(iter([(2, row)])))
    example = checker.findings[("identity-number", "leverantor_id")].examples[0]
    assert example["value"] == "811218-****"
