"""Regenerate the small invoice files under tests/data/procurement (run from the repository root).

Each file reproduces one real-world quirk from shared/reference/procurement-data.md. The files are
committed; this script documents how they were made. Identity numbers are test numbers computed
here (valid check digits), not real people.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

from stdnum import luhn

HERE = Path(__file__).parent
SPEC = (
    "kopare_id,kopare,verifikationsnummer,leverantor,leverantor_id,konto_nr,konto_text,datum,"
    "forvaltning,fakturanummer,belopp,grund,avtal,kommun_id,s_kod_nr"
).split(",")


def orgnr(first_nine: str) -> str:
    """A valid ten-digit organisationsnummer or personnummer from its first nine digits."""
    return first_nine + luhn.calc_check_digit(first_nine)


def hetu(ddmmyy: str, sign: str, individual: str) -> str:
    return ddmmyy + sign + individual + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(ddmmyy + individual) % 31]


def ytunnus(first_seven: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2)
    remainder = sum(w * int(d) for w, d in zip(weights, first_seven, strict=True)) % 11
    return f"{first_seven}-{0 if remainder == 0 else 11 - remainder}"


GBG = "2120001355"  # Göteborgs Stad
BUYER = orgnr("212000135")
SUPPLIER_A = orgnr("556016068")
SUPPLIER_B = orgnr("556677889")
PERSON = orgnr("811218987")  # 811218-9876, the classic test personnummer
TAMPERE = ytunnus("0211675")
FI_SUPPLIER = ytunnus("0144411")


def spec_rows(sep: str, decimal_comma: bool) -> list[list[str]]:
    def amount(text: str) -> str:
        return text.replace(".", ",") if decimal_comma else text

    return [
        [BUYER, "Göteborgs Stad", "1001", "Åkeriet i Väst AB", SUPPLIER_A, "4010", "Förbrukningsmaterial",
         "2024-01-15", "Kulturförvaltningen", "F-88", amount("1302.03"), "upphandling", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "1002", "Öresund Konsult AB", SUPPLIER_B, "6550", "Konsulttjänster",
         "2024-02-01", "Stadsledningskontoret", "F-89", amount("-250.50"), "direktupphandling", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "1003", "Åkeriet i Väst AB", SUPPLIER_A, "4010", "Förbrukningsmaterial",
         "2024-02-20", "Kulturförvaltningen", "F-90", amount("3270.50") if not decimal_comma else "3 270,50",
         "ramavtal", "AV-1", "1480", ""],
    ]


def write_text(name: str, header: list[str], rows: list[list[str]], sep: str, newline: str, encoding: str) -> None:
    lines = [sep.join(_quote(cell, sep) for cell in row) for row in [header, *rows]]
    (HERE / name).write_bytes((newline.join(lines) + newline).encode(encoding))


def _quote(cell: str, sep: str) -> str:
    return f'"{cell}"' if sep in cell or '"' in cell else cell


def make_swedish() -> None:
    write_text("se-1.1-utf8-comma-lf.csv", SPEC, spec_rows(",", False), ",", "\n", "utf-8")
    write_text("se-1.1-utf8bom-semicolon-crlf.csv", SPEC, spec_rows(";", True), ";", "\r\n", "utf-8-sig")
    write_text("se-1.1-utf16-tab-crlf.csv", SPEC, spec_rows("\t", True), "\t", "\r\n", "utf-16")
    # A comma-separated file with decimal commas: amounts are quoted.
    write_text("se-1.1-comma-decimal-comma.csv", SPEC, spec_rows(",", True), ",", "\n", "utf-8")
    vgr = ["bokforingsdatum" if c == "datum" else "nettobelopp" if c == "belopp" else c for c in SPEC]
    write_text("se-1.1-vgr-cr.csv", vgr, spec_rows(";", True), ";", "\r", "utf-8")
    open_up = ["kopare_id", "kopare_text", "verifikationsnummer", "leverantor", "leverantor_id", "konto_nr",
               "konto_text", "datum", "forvaltning", "faktura_nr", "belopp", "valuta", "ansvar_kod", "ansvar_text"]
    rows = [
        [BUYER, "Västerås stad", "77", "Mälarkonsult AB", SUPPLIER_A, "4010", "Förbrukning", "202403",
         "Tekniska nämnden", "123", "1 000,00", "", "A1", "Ansvar ett"],
        [BUYER, "Västerås stad", "78", "Mälarkonsult AB", SUPPLIER_A, "4010", "Förbrukning", "202404",
         "Tekniska nämnden", "124", "-99,90", "SEK", "A1", "Ansvar ett"],
    ]
    write_text("se-1.0-cp1252-yyyymm.csv", open_up, rows, ";", "\r\n", "cp1252")
    # A finance system's export ending with a totals row: a word, no date or ids, the sum.
    totals = ["", "Summa", "", "", "", "", "", "", "", "", "4 322,03", "", "", "", ""]
    write_text("se-1.1-totals-row.csv", SPEC, [*spec_rows(";", True), totals], ";", "\r\n", "utf-8")
    # UTF-8 with one line saved as CP1252 (pasted in from another export).
    lines = [",".join(row) for row in [SPEC, *spec_rows(",", False)]]
    mixed = [line.encode("cp1252" if number == 2 else "utf-8") for number, line in enumerate(lines, start=1)]
    (HERE / "se-1.1-mixed-encoding.csv").write_bytes(b"\n".join(mixed) + b"\n")


def make_finnish() -> None:
    header = ["Kuntanumero", "Kunnan nimi", "Kunnan y-tunnus", "Vastuualue", "Tulosyksikkö", "Tulosyksikön nimi",
              "Toimittajan nimi", "Toimittajan y-tunnus", "Toimittajan maakoodi", "Tiliryhmä", "Tili", "Tilin nimi",
              "JHS-tili", "JHS-tilin nimi", "Laskun summa ilman ALV", "Kirjauspäivämäärä", "Palveluluokka"]
    rows = [
        ["837", "Tampere", TAMPERE, "Kasvatus", "101", "Päiväkodit", "Oy Esimerkki Ab", FI_SUPPLIER, "FI", "43",
         "4300", "Palvelut", "4300", "Palvelujen ostot", "1 234,56", "31.01.2023", "Opetus"],
        ["837", "Tampere", TAMPERE, "Kasvatus", "101", "Päiväkodit", "Tmi Matti Virtanen", ytunnus("1234567"),
         "FI", "43", "4300", "Palvelut", "4300", "Palvelujen ostot", "-10,00", "1.2.2023", "Opetus"],
    ]
    write_text("fi-kuntaliitto-2021.csv", header, rows, ";", "\r\n", "utf-8")
    header_2016 = ["kuntanumero", "kunnan_nimi", "tulosyksikon_id", "tulosyksikon_nimi", "toimittajan_nimi",
                   "toimittajan_y_tunnus", "tositepaivamaara", "summa_alv0_euroina", "alv_maara_euroina",
                   "kokonaisumma_euroina"]
    rows_2016 = [["564", "Oulu", "12", "Sivistys", "Oy Esimerkki Ab", FI_SUPPLIER, "2016-03-01", "100.00", "24.00",
                  "124.00"]]
    write_text("fi-2016-snake-case.csv", header_2016, rows_2016, ",", "\n", "utf-8")
    header_state = ["lasku_id", "tili", "tiliointisumma", "tositepvm", "toimittaja_y_tunnus", "toimittaja_nimi",
                    "hankintayksikko_tunnus", "hankintayksikko", "ylaorganisaatio_tunnus", "ylaorganisaatio",
                    "sektori", "tuote_palveluryhma", "hankintakategoria"]
    rows_state = [["9001", "4300", "560,20", "15.06.2023", FI_SUPPLIER, "Oy Esimerkki Ab", ytunnus("0245437"),
                   "Valtiokonttori", ytunnus("0245437"), "Valtiovarainministeriö", "Valtio", "IT", "ICT-palvelut"]]
    write_text("th_data_2023.csv", header_state, rows_state, "\t", "\n", "utf-8")


def make_entryscape() -> None:
    results = [dict(zip(SPEC, row, strict=True)) for row in spec_rows(",", False)]
    text = json.dumps({"resultCount": 3, "results": results}, ensure_ascii=False)
    # The BOM inside the first key, as some EntryScape exports have it.
    text = text.replace('{"resultCount"', '{"\ufeffresultCount"', 1)
    (HERE / "entryscape-rowstore.json").write_text(text, encoding="utf-8")
    # One page of a paged export, as Västerås's download is: count and next link before the results.
    page = {
        "resultCount": 376449,
        "offset": 0,
        "limit": 2,
        "next": "https://example.org/store/rows?_offset=2&_limit=2",
        "results": results[:2],
    }
    (HERE / "entryscape-page.json").write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")


def make_xlsx() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Leverantör", "Organisationsnummer", "Belopp", "Bokföringsdatum", "Förvaltning", "Kontotext"])
    sheet.append(["Åkeriet i Väst AB", SUPPLIER_A, 1302.03, datetime.datetime(2024, 1, 15), "Kultur", "Material"])
    sheet.append(["Öresund Konsult AB", int(SUPPLIER_B), -250.5, datetime.date(2024, 2, 1), "Ledning", "Konsult"])
    workbook.save(HERE / "se-human-headers.xlsx")


def make_personal_data() -> None:
    samordning = orgnr("811278987")  # day 18 + 60
    twelve = "19" + PERSON[:6] + "-" + PERSON[6:]
    rows = [
        # Sole trader named first without an id, then identified by a personnummer: both rows redacted.
        [BUYER, "Göteborgs Stad", "1", "Anna Andersson Bygg", "", "4010", "Material", "2024-01-02", "Kultur",
         "11", "100.00", "", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "2", "Anna Andersson Bygg", PERSON[:6] + "-" + PERSON[6:], "4010", "Material",
         "2024-01-03", "Kultur", "12", "200.00", "", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "3", "Bertil Berg", PERSON, "4010", "Material", "2024-01-04", "Kultur", "13",
         "300.00", "", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "4", "Cecilia Ceder " + twelve, "", "4010", "Material", "2024-01-05", "Kultur",
         "14", "400.00", "", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "5", "Åkeriet i Väst AB", SUPPLIER_A, "4010",
         "Ersättning till " + samordning[:6] + "-" + samordning[6:], "2024-01-06", "Kultur", "15", "500.00", "",
         "", "1480", ""],
        # A personnummer even as an invoice number is redacted (the check digit and date validate);
        # ten digits with a wrong check digit are an invoice number and stay.
        [BUYER, "Göteborgs Stad", "6", "Åkeriet i Väst AB", SUPPLIER_A, "4010", "Material", "2024-01-07",
         "Kultur", PERSON, "600.00", "", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "6b", "Åkeriet i Väst AB", SUPPLIER_A, "4010", "Material", "2024-01-07",
         "Kultur", PERSON[:-1] + str((int(PERSON[-1]) + 1) % 10), "650.00", "", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "7", "David Dahl", PERSON[:6] + "+" + PERSON[6:], "4010",
         "Material", "2024-01-08", "Kultur", "17", "700.00", "", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "8", "Eva Ek Enskild Firma", SUPPLIER_B, "4010", "Material", "2024-01-09",
         "Kultur", "18", "800.00", "", "", "1480", ""],
    ]
    write_text("se-personal-data.csv", SPEC, rows, ",", "\n", "utf-8")
    header = ["Toimittajan nimi", "Toimittajan y-tunnus", "Laskun summa ilman ALV", "Kirjauspäivämäärä", "Tilin nimi"]
    fi_rows = [
        ["Matti Meikäläinen", hetu("131052", "-", "308"), "50,00", "02.01.2023", "Palvelut"],
        ["Oy Esimerkki Ab", FI_SUPPLIER, "60,00", "03.01.2023", "Korvaus " + hetu("010101", "A", "123")],
    ]
    write_text("fi-personal-data.csv", header, fi_rows, ";", "\n", "utf-8")


def make_broken() -> None:
    broken = HERE / "broken"
    broken.mkdir(exist_ok=True)
    (broken / "empty.csv").write_bytes(b"")
    (broken / "header-only.csv").write_text(",".join(SPEC) + "\n", encoding="utf-8")
    (broken / "unknown-columns.csv").write_text("namn,summa,datum\nA,1,2024-01-01\n", encoding="utf-8")
    (broken / "binary.csv").write_bytes(bytes(range(256)) * 8)
    (broken / "not-an-invoice.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    good = (HERE / "se-1.1-utf16-tab-crlf.csv").read_bytes()
    (broken / "truncated-utf16.csv").write_bytes(good[: len(good) - 7])  # odd length: cut inside a character
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    xlsx = (HERE / "se-human-headers.xlsx").read_bytes()
    (broken / "truncated.xlsx").write_bytes(xlsx[: len(xlsx) // 2])
    json_text = (HERE / "entryscape-rowstore.json").read_text(encoding="utf-8")
    (broken / "truncated.json").write_text(json_text[: len(json_text) // 2], encoding="utf-8")
    # UTF-8 header, then a byte that is neither UTF-8 nor CP1252 (0x81): a broken encoding.
    (broken / "wrong-encoding.csv").write_bytes(
        (",".join(SPEC) + "\n").encode() + ",".join([BUYER, "G\x81teborg"] + [""] * 13).encode("latin-1") + b"\n"
    )
    bad_rows = [
        [BUYER, "Göteborgs Stad", "1", "Åkeriet i Väst AB", SUPPLIER_A, "4010", "Material", "2024-13-45", "Kultur",
         "1", "12,34,56", "", "", "1480", ""],
        [BUYER, "Göteborgs Stad", "2", "Åkeriet i Väst AB", SUPPLIER_A, "4010", "Material", "igår", "Kultur", "2",
         "tusen", "", "", "1480", ""],
        ["2120001356", "Göteborgs Stad", "", "", "5560160681", "4010", "Material", "2024-01-01", "Kultur", "3",
         "1.00", "", "", "1480", ""],
    ]
    write_text("invalid-values.csv", SPEC, bad_rows, ",", "\n", "utf-8")
    (HERE / "invalid-values.csv").rename(broken / "invalid-values.csv")


if __name__ == "__main__":
    make_swedish()
    make_finnish()
    make_entryscape()
    make_xlsx()
    make_personal_data()
    make_broken()
