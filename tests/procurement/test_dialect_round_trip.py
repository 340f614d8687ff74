"""Whatever the encoding, separator, line end and decimal style, prepare gives back the same values."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckanext.openup.procurement.preparation import prepare_invoice_file
from ckanext.openup.procurement.variants import SPEC_COLUMNS

# Names with the letters and punctuation that break naive readers: åäö, separators, quotes.
NAMES = st.text(alphabet="abcÅÄÖåäöé -&,;\"'", min_size=1, max_size=20).map(lambda name: f"X{name.strip()}X")
AMOUNTS = st.decimals(min_value=-10**7, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
DATES = st.dates(min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2025, 12, 31))


def written_amount(amount: Decimal, decimal_comma: bool, thousands: bool) -> str:
    whole, _, cents = format(amount, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = f"{int(whole.lstrip('-')):,}".replace(",", " ") if thousands else whole.lstrip("-")
    return f"{sign}{digits}{',' if decimal_comma else '.'}{cents}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(NAMES, AMOUNTS, DATES), min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\r\n", "\n", "\r"]),
    decimal_comma=st.booleans(),
    thousands=st.booleans(),
)
def test_any_dialect_round_trips_to_the_same_canonical_values(
    tmp_path, rows, encoding, delimiter, newline, decimal_comma, thousands
):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator=newline)
    writer.writerow(SPEC_COLUMNS)
    for number, (name, amount, date) in enumerate(rows):
        cells = dict.fromkeys(SPEC_COLUMNS, "")
        cells.update(leverantor=name, belopp=written_amount(amount, decimal_comma, thousands),
                     datum=date.isoformat(), verifikationsnummer=str(number))
        writer.writerow(cells.values())
    folder = tmp_path / f"{encoding}-{ord(delimiter)}-{len(newline)}-{decimal_comma}-{thousands}-{len(rows)}"
    folder.mkdir(exist_ok=True)
    source = folder / "in.csv"
    source.write_bytes(text.getvalue().encode(encoding))

    report = prepare_invoice_file(source, folder / "out")

    with open(Path(report.files[0].path), encoding="utf-8", newline="") as stream:
        back = [(row["leverantor"], Decimal(row["belopp"]), row["datum"]) for row in csv.DictReader(stream)]
    assert back == [(name, amount, date.isoformat()) for name, amount, date in rows]
    assert report.inspection.layout["delimiter"] == delimiter
