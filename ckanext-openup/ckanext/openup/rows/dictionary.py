"""The DataStore columns of a supplier-invoice file: types and a data dictionary in three languages.

Columns are those of the organisation's national layout (``procurement.layouts``), named as the layout
writes them. Dates are ``date``, amounts ``numeric`` (exact, never float) and every identifier ``text``,
so leading zeros and letters survive.
"""

from __future__ import annotations

from typing import Any

from ckanext.openup.procurement.layouts import OutputLayout

DATE_COLUMN = "datum"
AMOUNT_COLUMN = "belopp"
# PostgreSQL types by spec 1.1 column; the rest are text.
TYPES = {DATE_COLUMN: "date", AMOUNT_COLUMN: "numeric"}

# (label, description) per language for each spec 1.1 column.
DESCRIPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "kopare_id": {
        "sv": ("Köparens organisationsnummer", "Organisationsnumret för den kommun eller region som betalade."),
        "fi": ("Ostajan y-tunnus", "Maksaneen kunnan tai kuntayhtymän y-tunnus."),
        "en": ("Buyer's organisation number", "Organisation number of the municipality or region that paid."),
    },
    "kopare": {
        "sv": ("Köpare", "Namnet på den kommun eller region som betalade."),
        "fi": ("Kunnan nimi", "Maksaneen kunnan tai kuntayhtymän nimi."),
        "en": ("Buyer", "Name of the municipality or region that paid."),
    },
    "verifikationsnummer": {
        "sv": ("Verifikationsnummer", "Bokföringens verifikationsnummer för posteringen."),
        "fi": ("Tositenumero", "Kirjanpidon tositenumero."),
        "en": ("Voucher number", "The accounting voucher number of the posting."),
    },
    "leverantor": {
        "sv": ("Leverantör", "Leverantörens namn; tomt för enskilda firmor som skyddas."),
        "fi": ("Toimittajan nimi", "Toimittajan nimi; tyhjä suojatuilla yksityisillä elinkeinonharjoittajilla."),
        "en": ("Supplier", "The supplier's name; empty for protected sole traders."),
    },
    "leverantor_id": {
        "sv": ("Leverantörens organisationsnummer",
               "Organisationsnummer (hos vissa kommuner ett internt leverantörsnummer); aldrig ett personnummer."),
        "fi": ("Toimittajan y-tunnus", "Toimittajan y-tunnus; ei koskaan henkilötunnusta."),
        "en": ("Supplier's organisation number",
               "Organisation number (an internal supplier number at some buyers); never a personal identity number."),
    },
    "konto_nr": {
        "sv": ("Kontonummer", "Kontot i kommunens kontoplan."),
        "fi": ("Tili", "Tili kunnan tilikartassa."),
        "en": ("Account number", "The account in the buyer's chart of accounts."),
    },
    "konto_text": {
        "sv": ("Kontobenämning", "Kontots namn."),
        "fi": ("Tilin nimi", "Tilin nimi."),
        "en": ("Account name", "The account's name."),
    },
    DATE_COLUMN: {
        "sv": ("Bokföringsdatum", "Dagen posteringen bokfördes."),
        "fi": ("Kirjauspäivämäärä", "Päivä, jona kirjaus tehtiin."),
        "en": ("Posting date", "The day the posting was booked."),
    },
    "forvaltning": {
        "sv": ("Förvaltning", "Förvaltningen eller nämnden som köpte."),
        "fi": ("Vastuualue", "Ostanut vastuualue tai toimiala."),
        "en": ("Department", "The department or committee that bought."),
    },
    "fakturanummer": {
        "sv": ("Fakturanummer", "Leverantörens fakturanummer."),
        "fi": ("Laskun numero", "Toimittajan laskunumero."),
        "en": ("Invoice number", "The supplier's invoice number."),
    },
    AMOUNT_COLUMN: {
        "sv": ("Belopp", "Belopp exklusive moms i kronor; negativt för kreditfakturor."),
        "fi": ("Laskun summa ilman ALV", "Summa ilman arvonlisäveroa euroina; negatiivinen hyvityslaskuilla."),
        "en": ("Amount", "Amount excluding VAT in the national currency; negative for credit notes."),
    },
    "grund": {
        "sv": ("Inköpsgrund", "Direktupphandling, upphandling, ramavtal eller annat."),
        "fi": ("Hankinnan peruste", "Suorahankinta, kilpailutus, puitesopimus tai muu."),
        "en": ("Purchase basis", "Direct award, tender, framework agreement or other."),
    },
    "avtal": {
        "sv": ("Avtal", "Hänvisning till avtalet."),
        "fi": ("Sopimus", "Viittaus sopimukseen."),
        "en": ("Contract", "Reference to the contract."),
    },
    "kommun_id": {
        "sv": ("Kommunkod", "Kommunens kod hos SCB (fyra siffror)."),
        "fi": ("Kuntanumero", "Kunnan numero Tilastokeskuksen luokituksessa."),
        "en": ("Municipality code", "The municipality's official statistics code."),
    },
    "s_kod_nr": {
        "sv": ("S-kod", "Kontots kod i SCB:s räkenskapssammandrag."),
        "fi": ("S-koodi", "Tilin koodi Ruotsin tilastokeskuksen luokituksessa."),
        "en": ("S code", "The account's code in Statistics Sweden's accounts summary."),
    },
}
LANGUAGES = ("sv", "fi", "en")


def datastore_fields(layout: OutputLayout) -> list[dict[str, Any]]:
    """``datastore_create`` fields for ``layout``: id, type and ``info`` with labels in sv, fi and en.

    ``label`` and ``notes`` (what CKAN's data dictionary page shows) are in the layout's own language.
    """
    own_language = "fi" if layout.name.startswith("fi") else "sv"
    fields = []
    for written, spec in layout.columns:
        texts = DESCRIPTIONS[spec]
        info: dict[str, str] = {"label": texts[own_language][0], "notes": texts[own_language][1]}
        for language in LANGUAGES:
            info[f"label_{language}"], info[f"notes_{language}"] = texts[language]
        fields.append({"id": written, "type": TYPES.get(spec, "text"), "info": info})
    return fields
