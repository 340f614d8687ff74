"""Generated spellings of valid identity numbers never survive ``prepare`` or the last check before upload;
generated organisation numbers, however written, are never redacted.

Each example is one invoice file of many rows, one spelling per row in a column chosen at random,
so thousands of spellings go through the real ``prepare`` in well under a minute.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.fi import ytunnus

from ckanext.openup.procurement.identity import find_identity_numbers
from ckanext.openup.procurement.preparation import prepare_invoice_file
from ckanext.openup.publishing.privacy import find_personal_data
from tests.procurement.identity_oracle import (
    SWEDISH_HEADER,
    TEXT_COLUMNS,
    cells_of,
    hetu_check,
    surviving,
    swedish_number,
    swedish_row,
    write_swedish_file,
)

SPELLINGS_PER_FILE = 25
EXAMPLES = 90  # 90 files of 25: 2,250 spellings
DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63", "\uff0d"]
SEPARATORS = ["", " ", " - ", ".", "\u00a0", "\u202f", *DASHES]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e", "\u200f", "\u2066", "\u2069"]
FULL_WIDTH = str.maketrans("0123456789-ABCDEFTUVWXY", "０１２３４５６７８９－ＡＢＣＤＥＦＴＵＶＷＸＹ")
PREFIXES = ["", "PNR", "pnr:", "Pnr ", "Kalle Karlsson ", "HETU", "hetu ", "Arvode ", "(", "SE"]
SUFFIXES = ["", "AB", " jan", ")", ".", "x"]
birth_dates = st.dates(min_value=datetime.date(1910, 1, 1), max_value=datetime.date(2020, 12, 31))


@st.composite
def swedish_spellings(draw) -> tuple[str, str]:
    """A valid personnummer or samordningsnummer, written one of the many ways: (spelling, its ten digits)."""
    born = draw(birth_dates)
    day = born.day + (60 if draw(st.booleans()) else 0)
    number = swedish_number(f"{born:%y%m}{day:02d}{draw(st.integers(0, 999)):03d}")
    form = draw(st.sampled_from(["plain", "pairs", "century", "vat"]))
    if form == "vat":
        text = draw(st.sampled_from(["SE", "se", "SE ", ""])) + number + "01"
    else:
        separator = draw(st.sampled_from(SEPARATORS))
        date, rest = number[:6], number[6:]
        if form == "pairs":
            between = draw(st.sampled_from([" ", ".", "-", "\u2013"]))
            date = between.join([date[:2], date[2:4], date[4:]])
            rest = draw(st.sampled_from([rest, rest[:2] + between + rest[2:]]))
        if form == "century":
            date = str(born.year)[:2] + date
        text = date + separator + rest
    return _dressed(draw, text), number


@st.composite
def finnish_spellings(draw) -> tuple[str, str]:
    """A valid henkilötunnus, written one of the many ways: (spelling, its nine date and individual digits)."""
    born = draw(birth_dates)
    ddmmyy, individual = f"{born:%d%m%y}", f"{draw(st.integers(2, 999)):03d}"
    check = hetu_check(ddmmyy, individual)
    sign = draw(st.sampled_from("-YXWVU" if born.year < 2000 else "ABCDEF"))
    sign = draw(st.sampled_from([sign, sign.lower(), *DASHES[1:]] if sign == "-" else [sign, sign.lower()]))
    if draw(st.booleans()) and check.isalpha():
        sign = draw(st.sampled_from(["", " "]))  # the sign left out, or a space for it
    text = ddmmyy + sign + individual + draw(st.sampled_from([check, check.lower()]))
    return _dressed(draw, text), ddmmyy + individual


def _dressed(draw, text: str) -> str:
    """``text`` with invisible characters inside, maybe full-width, and words or letters around it."""
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(1, len(text) - 1))
        text = text[:at] + draw(st.sampled_from(INVISIBLE)) + text[at:]
    if draw(st.integers(0, 4)) == 0:
        text = text.translate(FULL_WIDTH)
    return draw(st.sampled_from(PREFIXES)) + text + draw(st.sampled_from(SUFFIXES))


spellings = st.one_of(swedish_spellings(), finnish_spellings())
placed = st.tuples(st.sampled_from(TEXT_COLUMNS), spellings)


def test_no_generated_spelling_survives_prepare_or_the_check_before_upload():
    tried: list[str] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(st.lists(placed, min_size=SPELLINGS_PER_FILE, max_size=SPELLINGS_PER_FILE))
    def none_survives(rows: list[tuple[str, tuple[str, str]]]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            source = write_swedish_file(Path(folder) / "ledger.csv", [(column, text) for column, (text, _) in rows])
            report = prepare_invoice_file(source, Path(folder) / "out")
            cores = {core for _column, (_text, core) in rows}
            assert surviving([Path(prepared.path) for prepared in report.files], cores) == set()
            # The same values in a file that skipped prepare: the check before upload finds every row.
            unprepared = Path(folder) / "by-hand.csv"
            with open(unprepared, "w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(SWEDISH_HEADER.split(","))
                writer.writerows(swedish_row(line, column, text) for line, (column, (text, _)) in enumerate(rows, 2))
            findings = find_personal_data(str(unprepared), limit=len(rows) * len(TEXT_COLUMNS))
            assert {finding.line for finding in findings} == set(range(2, len(rows) + 2))
        tried.extend(text for _column, (text, _core) in rows)

    none_survives()
    assert len(tried) >= 2000


@st.composite
def organisation_spellings(draw) -> str:
    """A valid organisationsnummer, company VAT number or Y-tunnus, written one of the ways they are."""
    if draw(st.integers(0, 3)) == 0:
        seven = f"{draw(st.integers(0, 9_999_999)):07d}"
        checked = [seven + digit for digit in "0123456789" if ytunnus.is_valid(seven + "-" + digit)]
        assume(checked)  # a remainder of 1 gives no check digit: such numbers are never issued
        number = checked[0]
        return draw(st.sampled_from([number[:7] + "-" + number[7:], "FI" + number, number[:7] + "\u2013" + number[7:]]))
    number = swedish_number(f"{draw(st.integers(1, 9))}{draw(st.integers(0, 9))}{draw(st.integers(2, 9))}"
                            f"{draw(st.integers(0, 999_999)):06d}")
    return draw(
        st.sampled_from([
            number,
            number[:6] + "-" + number[6:],
            number[:6] + draw(st.sampled_from(DASHES)) + number[6:],
            number[:6] + " " + number[6:],
            "SE" + number + "01",
            "16" + number,
            "16" + number[:6] + "-" + number[6:],
        ])
    )


def test_organisation_numbers_are_never_redacted_however_written():
    @settings(max_examples=40, deadline=None, database=None)
    @given(st.lists(st.tuples(st.sampled_from(TEXT_COLUMNS), organisation_spellings()), min_size=25, max_size=25))
    def never_redacted(rows: list[tuple[str, str]]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            source = write_swedish_file(Path(folder) / "ledger.csv", rows)
            report = prepare_invoice_file(source, Path(folder) / "out")
            cells = cells_of(Path(report.files[0].path))
            assert report.redaction.identity_numbers == 0
            assert report.redaction.sole_trader_rows == 0
            for _column, number in rows:
                assert number in cells
                assert find_identity_numbers(f"Org.nr {number}, faktura") == []

    never_redacted()
