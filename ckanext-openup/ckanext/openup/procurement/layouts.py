"""The layouts ``prepare`` writes: each country's published columns, filled from the spec 1.1 model.

Rows are read into the Swedish spec 1.1 columns whatever their source (see ``variants``); a file is
written in the layout of its country's specification: lankadedata.se's spec 1.1 for Swedish files,
the Kuntaliitto 2021 guide's columns for Finnish ones. Both take UTF-8, commas, ISO dates and a
decimal point.
"""

from __future__ import annotations

from dataclasses import dataclass

from ckanext.openup.procurement.messages import N_
from ckanext.openup.procurement.variants import SPEC_COLUMNS, SPEC_URI

KUNTALIITTO_2021_URI = (
    "https://www.kuntaliitto.fi/julkaisut/2021/2112-kuntien-ja-kuntayhtymien-ostolaskudatan-avaamisen-ohje"
)


@dataclass(frozen=True)
class OutputLayout:
    """One written layout: its specification and its columns as (header written, spec 1.1 column read)."""

    name: str
    title: str
    conforms_to: str
    columns: tuple[tuple[str, str], ...]

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(written for written, _spec in self.columns)

    @property
    def header_line(self) -> str:
        return ",".join(self.header)

    @property
    def spec_indexes(self) -> tuple[int, ...]:
        """Where each written column's value is in a row of spec 1.1 cells."""
        return tuple(SPEC_COLUMNS.index(spec) for _written, spec in self.columns)

    def position(self, spec_column: str) -> int:
        """Where a spec 1.1 column is written (every layout has date, amount, supplier and supplier id)."""
        return [spec for _written, spec in self.columns].index(spec_column)

    @property
    def left_out(self) -> tuple[str, ...]:
        """Spec 1.1 columns this layout has no place for."""
        kept = {spec for _written, spec in self.columns}
        return tuple(column for column in SPEC_COLUMNS if column not in kept)


SWEDISH = OutputLayout(
    name="se-1.1",
    title=N_("Swedish spec 1.1 (lankadedata.se leverantörsreskontra)"),
    conforms_to=SPEC_URI,
    columns=tuple((column, column) for column in SPEC_COLUMNS),
)
FINNISH = OutputLayout(
    name="fi-kuntaliitto-2021",
    title=N_("Finnish Kuntaliitto 2021 guide (ostolaskut)"),
    conforms_to=KUNTALIITTO_2021_URI,
    columns=(
        ("Kuntanumero", "kommun_id"),
        ("Kunnan nimi", "kopare"),
        ("Kunnan y-tunnus", "kopare_id"),
        ("Vastuualue", "forvaltning"),
        ("Toimittajan nimi", "leverantor"),
        ("Toimittajan y-tunnus", "leverantor_id"),
        ("Tili", "konto_nr"),
        ("Tilin nimi", "konto_text"),
        ("Tositenumero", "verifikationsnummer"),
        ("Laskun summa ilman ALV", "belopp"),
        ("Kirjauspäivämäärä", "datum"),
    ),
)
LAYOUTS = {"se": SWEDISH, "fi": FINNISH}


def layout_for_header(header_line: str) -> OutputLayout | None:
    """The layout whose header line this is (a prepared file's first line), or None."""
    return next((layout for layout in LAYOUTS.values() if layout.header_line == header_line), None)
