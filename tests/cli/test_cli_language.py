"""The ``openup`` command speaks the publisher's language (sv, fi, en) and survives a Windows console."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

import ckanext.openup
from ckanext.openup.cli import openup
from ckanext.openup.cli.language import language_from_environment, language_of
from tests.cli.test_cli_wording import blank_field
from tests.publishing.invoices import raw_export

PACKAGE = Path(ckanext.openup.__file__).parent
CATALOGUES = PACKAGE / "i18n"
# Words of the English report that must not be left in a Swedish or Finnish one.
ENGLISH_WORDS = ["rows:", "result:", "suppliers:", "credit notes:", "error:", "warning:", "line ",
                 "required value is empty", "not a date", "kind of problem", "kinds of problem", "changes:",
                 "written as", " rows,", " bytes,", "ready to publish", "in all", "no problems found"]


def cli_messages() -> set[str]:
    """Every message the command can print, as the catalogue's extraction finds them."""
    found = set()
    for folder in ("cli", "procurement", "publishing"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            PACKAGE / folder, keywords={"_": None, "N_": None, "ngettext": (1, 2), "report": (5,)}
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_every_cli_message_is_translated(language):
    with (CATALOGUES / language / "LC_MESSAGES" / "openup-cli.po").open("rb") as po_file:
        catalogue = read_po(po_file, locale=language)
    translated = {
        (message.id if isinstance(message.id, str) else message.id[0])
        for message in catalogue
        if message.id and message.string and all(message.string if isinstance(message.string, tuple) else [1])
        and not message.fuzzy
    }
    assert sorted(cli_messages() - translated) == []
    compiled = CATALOGUES / language / "LC_MESSAGES" / "openup-cli.mo"
    assert compiled.stat().st_mtime >= (CATALOGUES / language / "LC_MESSAGES" / "openup-cli.po").stat().st_mtime - 1


def problem_file(tmp_path: Path) -> Path:
    source = raw_export(tmp_path / "export", 2025, [1])
    blank_field(source, "leverantor")
    blank_field(source, "datum", line=3, value="31.13.2025")
    return source


@pytest.mark.parametrize(("language", "expected"), [
    ("sv", ["rader:", "obligatoriskt värde saknas", "resultat: 2 slags problem", "rad 2"]),
    ("fi", ["rivit:", "pakollinen arvo puuttuu", "tulos: 2 ongelmatyyppiä", "rivi 2"]),
])
def test_prepare_report_has_no_english_left_with_lang(tmp_path, language, expected):
    result = CliRunner().invoke(openup, ["--lang", language, "prepare", str(problem_file(tmp_path)),
                                         "--out", str(tmp_path / "out")], env={"LANG": "C"})
    assert result.exit_code == 1
    for text in expected:
        assert text in result.output
    left = [word for word in ENGLISH_WORDS if word in result.output.replace(str(tmp_path), "")]
    assert left == []


def test_language_comes_from_the_environment(tmp_path):
    result = CliRunner().invoke(openup, ["inspect", str(problem_file(tmp_path))],
                                env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": "fi_FI.UTF-8"})
    assert "pakollinen arvo puuttuu" in result.output
    assert language_from_environment({"LC_ALL": "sv_SE.UTF-8", "LANG": "fi_FI.UTF-8"}) == "sv"
    assert language_from_environment({"LC_MESSAGES": "fi_FI", "LANG": "sv_SE"}) == "fi"
    assert language_from_environment({"LANG": "de_DE.UTF-8"}) == "en"
    # Windows names its locales in English words.
    assert language_of("Swedish_Sweden") == "sv"
    assert language_of("Finnish_Finland") == "fi"


def test_lang_option_wins_over_the_environment(tmp_path):
    result = CliRunner().invoke(openup, ["--lang", "en", "inspect", str(problem_file(tmp_path))],
                                env={"LANG": "sv_SE.UTF-8"})
    assert "required value is empty" in result.output


def test_publish_refusals_speak_swedish(tmp_path):
    from tests.publishing.invoices import prepared_months

    prepared = prepared_months(tmp_path, 2025, [1])
    result = CliRunner().invoke(openup, ["--lang", "sv", "publish", "--ckan", "http://127.0.0.1:9", "--org",
                                         "sundsvall", "--year", "2025", str(prepared)],
                                env={"OPENUP_CKAN_TOKEN": None, "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.exit_code == 2
    assert "fel: Ingen API-nyckel för CKAN: sätt OPENUP_CKAN_TOKEN" in result.output
    assert "Skapa en nyckel på din användarsida i CKAN" in result.output
