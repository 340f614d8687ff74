"""The guard's refusals reach Swedish and Finnish publishers in their language, and no text is left untranslated."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import ckan.plugins.toolkit as toolkit
import polib
import pytest
from bs4 import BeautifulSoup

from tests.logic.test_invoice_guard import YEAR, files_holding, january, upload, with_personnummer
from tests.supplier_invoices import sundsvall_editor_with_dataset

I18N = Path(__file__).parents[2] / "ckanext-openup" / "ckanext" / "openup" / "i18n"
PERSONNUMMER = "811218-9876"  # a test number with a valid check digit, not a real person
FILE_NAME = "leverantorsfakturor-2025-01.csv"

# The refusal of a file whose fifth line holds a personnummer in the column leverantor_id, in each language.
REFUSALS = [
    ("sv", "Filen innehåller ett personnummer (rad 5, kolumn 'leverantor_id'; 1 totalt)"),
    ("fi", "Tiedostossa on henkilötunnus (rivi 5, sarake 'leverantor_id'; yhteensä 1)"),
]


@pytest.fixture
def publisher():
    return sundsvall_editor_with_dataset(YEAR)


def raw_export() -> tuple[io.BytesIO, str]:
    return io.BytesIO(with_personnummer(PERSONNUMMER).encode("utf-8")), FILE_NAME


def assert_names_the_place_and_never_the_number(message: str, expected: str) -> None:
    assert expected in message
    assert f"openup prepare {FILE_NAME} --out prepared/" in message
    for part in (PERSONNUMMER, "811218", "9876", "Kalle Karlsson"):
        assert part not in message


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.parametrize(("locale", "expected"), REFUSALS)
def test_web_form_refuses_a_personnummer_in_the_publishers_language(app, publisher, locale, expected):
    dataset = publisher["dataset"]

    response = app.post(
        f"/{locale}/supplier-invoices/{dataset['name']}/resource/new",
        data={
            "id": "",
            "url": "",
            "upload": raw_export(),
            "name": f"{YEAR}-01",
            "period": f"{YEAR}-01",
            "format": "CSV",
            "save": "go-metadata",
        },
        headers=publisher["headers"],
        content_type="multipart/form-data",
    )

    page = response.get_data(as_text=True)
    refusal = BeautifulSoup(page, "html.parser").select_one(".openup-invoice-file-error").text
    assert_names_the_place_and_never_the_number(refusal, expected)
    assert "personal identity number" not in refusal
    assert "9876" not in page and "Kalle Karlsson" not in page
    assert files_holding(os.environ["CKAN_STORAGE_PATH"], b"Kalle Karlsson") == []


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.parametrize(("locale", "expected"), REFUSALS)
def test_api_refuses_a_personnummer_in_the_language_of_the_address(app, publisher, locale, expected):
    response = app.post(
        f"/{locale}/api/3/action/resource_create",
        data={
            "package_id": publisher["dataset"]["id"],
            "format": "CSV",
            "period": f"{YEAR}-01",
            "upload": raw_export(),
        },
        headers=publisher["headers"],
        content_type="multipart/form-data",
        status=409,
    )

    assert_names_the_place_and_never_the_number(" ".join(response.json["error"]["upload"]), expected)
    assert "9876" not in response.get_data(as_text=True)


# The schema's texts about what the guard fills in, as the resource form and the month's page show them.
SCHEMA_TEXTS = [
    ("sv", "ur filen när den laddas upp eller länkas", ["Antal rader", "Totalbelopp", "Filens struktur"]),
    ("fi", "tiedostosta, kun se ladataan palveluun", ["Rivimäärä", "Kokonaissumma", "Tiedoston rakenne"]),
]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.parametrize(("locale", "size_help", "labels"), SCHEMA_TEXTS)
def test_form_and_month_page_describe_what_the_guard_fills_in_the_publishers_language(
    app, publisher, locale, size_help, labels
):
    dataset = publisher["dataset"]
    month = toolkit.get_action("resource_create")(
        {"ignore_auth": True}, {"package_id": dataset["id"], "format": "CSV", "upload": upload(january())}
    )

    form = app.get(f"/{locale}/supplier-invoices/{dataset['name']}/resource/new", headers=publisher["headers"])
    page = app.get(f"/{locale}/supplier-invoices/{dataset['name']}/resource/{month['id']}")

    assert size_help in form.get_data(as_text=True)
    shown = BeautifulSoup(page.get_data(as_text=True), "html.parser").get_text()
    assert all(label in shown for label in labels), labels


def catalogue(locale: str) -> polib.POFile:
    return polib.pofile(str(I18N / locale / "LC_MESSAGES" / "ckanext-openup.po"))


@pytest.fixture(scope="module")
def texts_in_the_code(tmp_path_factory) -> set[str]:
    """Every translatable text in the package today, extracted the way `make i18n` does."""
    template = tmp_path_factory.mktemp("i18n") / "ckanext-openup.pot"
    package = I18N.parent
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "-q",
            "extract",
            "-F",
            str(package.parents[1] / "babel.cfg"),
            "-o",
            str(template),
            str(package),
        ],
        check=True,
    )
    return {entry.msgid for entry in polib.pofile(str(template)) if entry.msgid}


@pytest.mark.parametrize("locale", ["sv", "fi"])
def test_every_text_in_the_code_is_translated(locale, texts_in_the_code):
    translated = {entry.msgid for entry in catalogue(locale) if entry.translated() and not entry.obsolete}

    untranslated = sorted(texts_in_the_code - translated)

    assert untranslated == [], f"run `make i18n` and translate these in i18n/{locale}: {untranslated}"


@pytest.mark.parametrize("locale", ["sv", "fi"])
def test_translations_keep_every_placeholder_and_command(locale):
    placeholders = re.compile(r"\{[\w.!:]*\}|openup \w+|--[\w-]+")  # {0} {1!r} {formats}, commands, options
    differing = [
        entry.msgid
        for entry in catalogue(locale)
        if entry.msgstr and sorted(placeholders.findall(entry.msgid)) != sorted(placeholders.findall(entry.msgstr))
    ]
    assert differing == []


@pytest.mark.parametrize("locale", ["sv", "fi"])
def test_compiled_catalogue_matches_the_translations(locale):
    po = catalogue(locale)
    compiled = polib.mofile(str(I18N / locale / "LC_MESSAGES" / "ckanext-openup.mo"))
    assert {entry.msgid: entry.msgstr for entry in compiled if entry.msgid} == {
        entry.msgid: entry.msgstr for entry in po if entry.translated()
    }, "the .mo is older than the .po: run `make i18n`"
