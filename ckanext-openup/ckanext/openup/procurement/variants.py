"""The header variants of supplier-invoice files and their mapping to the Swedish spec 1.1 columns.

A variant is data: which source headers mean which spec column, which extra columns are known
(so they are not reported as unknown), and which headers identify the variant. Canonical names are
those of ``https://lankadedata.se/spec/leverantorsreskontra/1.1``; Finnish files are mapped onto them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ckanext.openup.procurement.errors import UnknownHeaderError
from ckanext.openup.procurement.messages import N_

SPEC_URI = "https://lankadedata.se/spec/leverantorsreskontra/1.1"
# Spec 1.1 columns in order; the first nine are mandatory.
SPEC_COLUMNS = (
    "kopare_id",
    "kopare",
    "verifikationsnummer",
    "leverantor",
    "leverantor_id",
    "konto_nr",
    "konto_text",
    "datum",
    "forvaltning",
    "fakturanummer",
    "belopp",
    "grund",
    "avtal",
    "kommun_id",
    "s_kod_nr",
)
SPEC_MANDATORY = SPEC_COLUMNS[:9]
# The currency amounts are in, per country; a ``valuta`` column may name another one on some rows.
CURRENCY = {"se": "SEK", "fi": "EUR"}
CURRENCY_COLUMN = "valuta"


@dataclass(frozen=True)
class HeaderVariant:
    """One known header layout. ``sources`` maps a spec column to source headers in order of preference."""

    name: str
    title: str
    country: str  # "se" (organisationsnummer) or "fi" (Y-tunnus): which identifiers to expect
    sources: dict[str, tuple[str, ...]]
    signatures: tuple[frozenset[str], ...]
    required: tuple[str, ...]
    known_extra: frozenset[str] = field(default_factory=frozenset)

    def recognised(self) -> frozenset[str]:
        names = {name for names in self.sources.values() for name in names}
        return frozenset(names) | self.known_extra


def _same_names(*columns: str) -> dict[str, tuple[str, ...]]:
    return {column: (column,) for column in columns}


_SE_11 = _same_names(*SPEC_COLUMNS)
_OPEN_UP_EXTRA = frozenset(
    {"valuta"}
    | {
        f"{part}_{suffix}"
        for part in ("ansvar", "projekt", "aktivitet", "verksamhet", "objekt")
        for suffix in ("kod", "text")
    }
)

VARIANTS: tuple[HeaderVariant, ...] = (
    HeaderVariant(
        name="se-1.1-vgr",
        title=N_("Swedish spec 1.1, Västra Götalandsregionen variant (bokforingsdatum, nettobelopp)"),
        country="se",
        sources={**_SE_11, "datum": ("bokforingsdatum", "datum"), "belopp": ("nettobelopp", "belopp")},
        signatures=(frozenset({"leverantor", "bokforingsdatum"}), frozenset({"leverantor", "nettobelopp"})),
        required=SPEC_MANDATORY,
    ),
    HeaderVariant(
        name="se-1.0",
        title=N_("Swedish spec 1.0 / Open Up names (kopare_text, faktura_nr, valuta)"),
        country="se",
        sources={**_SE_11, "kopare": ("kopare_text", "kopare"), "fakturanummer": ("faktura_nr", "fakturanummer")},
        signatures=(
            frozenset({"leverantor", "kopare_text"}),
            frozenset({"leverantor", "faktura_nr"}),
            frozenset({"leverantor", "valuta"}),
        ),
        required=SPEC_MANDATORY,
        known_extra=_OPEN_UP_EXTRA,
    ),
    HeaderVariant(
        name="se-1.1",
        title=N_("Swedish spec 1.1 (lankadedata.se leverantörsreskontra)"),
        country="se",
        sources=_SE_11,
        signatures=(frozenset({"leverantor", "datum", "belopp"}),),
        required=SPEC_MANDATORY,
    ),
    HeaderVariant(
        name="se-human",
        title=N_("Swedish export with human headers (Leverantör, Organisationsnummer, Belopp)"),
        country="se",
        sources={
            "kopare_id": ("köpare organisationsnummer", "köparens organisationsnummer"),
            "kopare": ("köpare", "organisation", "kommun"),
            "verifikationsnummer": ("verifikationsnummer", "verifikation", "verifikationsnr"),
            "leverantor": ("leverantör", "leverantörsnamn", "leverantörens namn"),
            "leverantor_id": ("organisationsnummer", "leverantörens organisationsnummer", "orgnr", "org.nr"),
            "konto_nr": ("konto", "kontonummer", "konto nr", "kontonr"),
            "konto_text": ("kontotext", "kontonamn", "konto text", "kontobenämning"),
            "datum": ("bokföringsdatum", "datum", "fakturadatum", "betaldatum"),
            "forvaltning": ("förvaltning", "nämnd", "verksamhet"),
            "fakturanummer": ("fakturanummer", "fakturanr", "faktura nr"),
            "belopp": ("belopp", "nettobelopp", "belopp exkl moms", "belopp exkl. moms", "summa"),
        },
        signatures=(frozenset({"leverantör", "belopp"}), frozenset({"leverantörsnamn", "belopp"})),
        required=("leverantor", "datum", "belopp"),
        known_extra=frozenset({"moms", "valuta", "belopp inkl moms", "belopp inkl. moms"}),
    ),
    HeaderVariant(
        name="fi-kuntaliitto-2021",
        title=N_("Finnish Kuntaliitto 2021 guide (ostolaskut)"),
        country="fi",
        sources={
            "kommun_id": ("kuntanumero",),
            "kopare": ("kunnan nimi",),
            "kopare_id": ("kunnan y-tunnus",),
            "verifikationsnummer": ("tositenumero",),
            "forvaltning": ("vastuualue", "tulosyksikön nimi"),
            "leverantor": ("toimittajan nimi",),
            "leverantor_id": ("toimittajan y-tunnus",),
            "konto_nr": ("tili",),
            "konto_text": ("tilin nimi",),
            "belopp": ("laskun summa ilman alv", "summa (alv 0%)"),
            "datum": ("kirjauspäivämäärä", "tositepäivämäärä"),
        },
        signatures=(frozenset({"toimittajan nimi"}),),
        required=("leverantor", "datum", "belopp"),
        known_extra=frozenset(
            {
                "tulosyksikkö",
                "tulosyksikön nimi",
                "toimittajan maakoodi",
                "tiliryhmä",
                "jhs-tili",
                "jhs-tilin nimi",
                "palveluluokka",
                "kustannuspaikka",
                "vuosi",
            }
        ),
    ),
    HeaderVariant(
        name="fi-2016",
        title=N_("Finnish 2016 guide, machine names (6Aika / Oulu API)"),
        country="fi",
        sources={
            "kommun_id": ("kuntanumero",),
            "kopare": ("kunnan_nimi",),
            "kopare_id": ("kunnan_y_tunnus",),
            "verifikationsnummer": ("tositenumero",),
            "forvaltning": ("tulosyksikon_nimi", "vastuualue"),
            "leverantor": ("toimittajan_nimi",),
            "leverantor_id": ("toimittajan_y_tunnus",),
            "konto_nr": ("tili_id", "tilin_id", "tili"),
            "konto_text": ("tilin_nimi", "tili_nimi"),
            "belopp": ("summa_alv0_euroina",),
            "datum": ("kirjauspaivamaara", "tositepaivamaara", "tositepvm", "laskun_pvm", "maksupaivamaara"),
        },
        signatures=(frozenset({"toimittajan_nimi", "summa_alv0_euroina"}),),
        required=("leverantor", "datum", "belopp"),
        known_extra=frozenset(
            {"tulosyksikon_id", "alv_maara_euroina", "kokonaisumma_euroina", "vuosi", "kuukausi", "palveluluokka"}
        ),
    ),
    HeaderVariant(
        name="fi-tutkihankintoja",
        title=N_("Finnish state invoices (tutkihankintoja.fi th_data_YYYY.csv)"),
        country="fi",
        sources={
            "fakturanummer": ("lasku_id",),
            "konto_nr": ("tili",),
            "belopp": ("tiliointisumma",),
            "datum": ("tositepvm",),
            "leverantor_id": ("toimittaja_y_tunnus",),
            "leverantor": ("toimittaja_nimi",),
            "kopare_id": ("hankintayksikko_tunnus",),
            "kopare": ("hankintayksikko",),
        },
        signatures=(frozenset({"toimittaja_nimi", "tiliointisumma"}),),
        required=("leverantor", "datum", "belopp", "kopare"),
        known_extra=frozenset(
            {"ylaorganisaatio_tunnus", "ylaorganisaatio", "sektori", "tuote_palveluryhma", "hankintakategoria"}
        ),
    ),
)


@dataclass(frozen=True)
class ColumnMapping:
    """How one file's columns map to the spec: ``positions`` gives the source index of each spec column."""

    variant: HeaderVariant
    header: tuple[str, ...]
    positions: dict[str, int]
    unknown_columns: tuple[str, ...]
    dropped_columns: tuple[str, ...]  # known to the variant but not part of the spec

    @property
    def currency_position(self) -> int | None:
        """Where the file's ``valuta`` column is, if it has one."""
        names = [normalise_header(name) for name in self.header]
        return names.index(CURRENCY_COLUMN) if CURRENCY_COLUMN in names else None

    @property
    def missing_required(self) -> tuple[str, ...]:
        return tuple(column for column in self.variant.required if column not in self.positions)

    def source_name(self, column: str) -> str:
        """The file's own header for a spec column (for messages that name the column as the user sees it)."""
        return self.header[self.positions[column]]


def normalise_header(name: str) -> str:
    """Header as compared: no BOM or quotes, case-folded, single spaces."""
    return " ".join(name.replace("\ufeff", "").strip().strip('"').casefold().split())


def recognise_header(path: str, header: list[str]) -> ColumnMapping:
    """Find the variant of ``header`` and map its columns; raise :class:`UnknownHeaderError` if none fits."""
    names = [normalise_header(name) for name in header]
    present = set(names)
    candidates = [variant for variant in VARIANTS if any(signature <= present for signature in variant.signatures)]
    if not candidates:
        raise UnknownHeaderError(path, _unknown_header_message(header), line=1)
    # The most specific variant wins: the one that recognises most of the file's columns.
    variant = max(candidates, key=lambda candidate: len(present & candidate.recognised()))
    positions: dict[str, int] = {}
    for column, sources in variant.sources.items():
        for source in sources:
            if source in present:
                positions[column] = names.index(source)
                break
    used = set(positions.values())
    recognised = variant.recognised()
    unknown = tuple(header[i] for i, name in enumerate(names) if name not in recognised and name)
    dropped = tuple(header[i] for i, name in enumerate(names) if i not in used and name in recognised)
    return ColumnMapping(variant, tuple(header), positions, unknown, dropped)


def _unknown_header_message(header: list[str]) -> str:
    shown = ", ".join(repr(name[:40]) for name in header[:12])
    more = f" and {len(header) - 12} more" if len(header) > 12 else ""
    known = "; ".join(variant.title for variant in VARIANTS)
    return (
        f"the first line is not a known invoice header (found {shown}{more}). "
        f"Expected one of: {known}. A supplier column and an amount column are needed at least."
    )
