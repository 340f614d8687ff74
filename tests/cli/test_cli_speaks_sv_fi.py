"""Every part of the ``openup`` command speaks Swedish and Finnish: help, usage errors, check, publish, demo."""

from __future__ import annotations

import ast
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import ckanext.openup
from ckanext.openup.cli import openup
from tests.publishing.conftest import organisation, site  # noqa: F401 - fixtures
from tests.publishing.invoices import month_file, prepared_months
from tests.quality.conftest import complete_catalogue, distribution_uri

CLI = Path(ckanext.openup.__file__).parent / "cli"
# Words of the English texts (click's and ours) that must not be left in a Swedish or Finnish one.
# Proper names and codes (dataportal.se, DCAT-AP, SHACL, MQA, URL, CSV, --options) are allowed.
ENGLISH_WORDS = re.compile(
    r"\b(Usage|Options|OPTIONS|Commands|COMMAND|Show this message|Show the version|Examples?|Error|Missing|"
    r"No such|Invalid|"
    r"is not one of|for help|the|and|or|of|with|without|file|files|rules|blocking|violations|warnings|"
    r"datasets?|conform|score|points|checked|Result|harvestable|read|would|create|replace|keep|unchanged|"
    r"not on the site|content changed|second copy|rows|bytes|private|month|year|language|messages|"
    r"default|seconds|publish|stop|already in use)\b")


def speak(language: str, *args: object, env: dict[str, str] | None = None):
    environment = {"LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "",
                   "OPENUP_CKAN_TOKEN": "a-token", "XDG_CONFIG_HOME": "/nonexistent", **(env or {})}
    result = CliRunner().invoke(openup, ["--lang", language, *map(str, args)], env=environment)
    assert "Traceback" not in result.output
    return result


def english_left(text: str, *allowed: str) -> list[str]:
    for proper in allowed:
        text = text.replace(str(proper), "")
    text = re.sub(r"-\n\s+", "-", text)  # an option click wrapped at its hyphen
    # Addresses, options, command names and examples' shell words, RDF terms (dct:language) and file names.
    text = re.sub(r"https?://\S+|--[a-z-]+|openup( [a-z]+)?|^\s+(demo|inspect|prepare|publish|check)\b|read -rs|"
                  r"docker stop|\w+:\w+|\S+\.(rdf|csv|json|ini)\b", "", text, flags=re.MULTILINE)
    return sorted(set(ENGLISH_WORDS.findall(text)))


@pytest.mark.parametrize(("language", "usage"), [("sv", "Användning:"), ("fi", "Käyttö:")])
@pytest.mark.parametrize("command", [[], ["inspect"], ["prepare"], ["publish"], ["check"], ["demo"]])
def test_help_of_every_command_speaks_the_language(language, usage, command):
    result = speak(language, *command, "--help")

    assert result.exit_code == 0
    assert usage in result.output
    assert english_left(result.output) == []
    # click names an option's kind of value in English capitals (INTEGER RANGE, FLOAT, TEXT, PATH)
    assert not re.findall(r"\b(?:INTEGER|FLOAT|TEXT|PATH|RANGE|FILENAME|DIRECTORY)\b", result.output)


def test_help_language_comes_from_the_environment():
    result = CliRunner().invoke(openup, ["--help"], env={"LC_ALL": "", "LANGUAGE": "", "LANG": "fi_FI.UTF-8"})
    assert "Käyttö:" in result.output and "Esimerkit" in result.output


@pytest.mark.parametrize(("language", "args", "expected"), [
    ("sv", ["publish"], "Fel: Argument saknas: 'FILES...'."),
    ("fi", ["publish"], "Virhe: Argumentti puuttuu: 'FILES...'."),
    ("sv", ["check", "--bogus", "x"], "Fel: Okänt alternativ '--bogus'."),
    ("fi", ["check", "--bogus", "x"], "Virhe: Tuntematon valitsin '--bogus'."),
    ("sv", ["publish", "--org", "x", "--year", "1800", "."],
     "Fel: Ogiltigt värde för '--year': 1800 ligger inte inom intervallet 1990<=x<=2100."),
    ("fi", ["publish", "--org", "x", "--year", "2025", "--licence", "zz", "."],
     "Virhe: Virheellinen arvo kohdassa '--licence': 'zz' ei ole mikään näistä: 'cc-zero', 'cc-by'."),
    ("sv", ["--bogus"], "Fel: Okänt alternativ '--bogus'."),
    ("fi", ["nosuchcommand"], "Virhe: Tuntematon komento 'nosuchcommand'."),
])
def test_click_usage_errors_speak_the_language(language, args, expected):
    result = speak(language, *args)

    assert result.exit_code == 2
    assert expected in result.output
    assert english_left(result.output, "FILES", "nosuchcommand") == []


@pytest.mark.parametrize(("language", "expected"), [
    ("sv", ["Resultat: kan skördas", "dataportal.se:s regler", "MQA-poäng"]),
    ("fi", ["Tulos: haravoitavissa", "dataportal.se:n säännöt", "MQA-pisteet"]),
])
def test_check_report_of_a_clean_catalogue_speaks_the_language(tmp_path, language, expected):
    feed = tmp_path / "feed.rdf"
    complete_catalogue().serialize(feed, format="xml")

    result = speak(language, "check", feed)

    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output
    assert english_left(result.output, feed) == []


@pytest.mark.parametrize(("language", "expected"), [
    ("sv", ["Resultat: kan INTE skördas", "ogiltig IRI"]),
    ("fi", ["Tulos: EI haravoitavissa", "virheellinen IRI"]),
])
def test_check_report_of_a_blocked_catalogue_speaks_the_language(tmp_path, language, expected):
    from rdflib import URIRef

    from ckanext.openup.profiles.namespaces import DCAT

    graph = complete_catalogue()
    graph.set((distribution_uri(0), DCAT.accessURL, URIRef("https://example.se/fakturor 2024.csv")))
    feed = tmp_path / "feed.rdf"
    graph.serialize(feed, format="xml")

    result = speak(language, "check", feed)

    assert result.exit_code == 1
    for text in expected:
        assert text in result.output
    assert english_left(result.output, feed, distribution_uri(0), "fakturor 2024.csv") == []


@pytest.mark.parametrize(("language", "expected"), [
    ("sv", ["skulle skapa", "finns inte på webbplatsen", "skulle ersätta", "innehållet har ändrats",
            "skulle behålla", "oförändrad"]),
    ("fi", ["koeajo: luodaan", "ei ole sivustolla", "koeajo: korvataan", "sisältö on muuttunut",
            "koeajo: säilytetään", "ennallaan"]),
])
def test_publish_plan_says_why_in_the_language(site, organisation, tmp_path, language, expected):  # noqa: F811
    year = 2025
    args = ("publish", "--ckan", site.url, "--org", organisation["name"], "--year", year)
    token = {"OPENUP_CKAN_TOKEN": site.admin_token}
    first = prepared_months(tmp_path / "first", year, [1, 2])
    assert speak(language, *args, first, env=token).exit_code == 0
    changed = prepared_months(tmp_path / "second", year, [1, 3], rows_per_month=7)
    plan_files = [month_file(first, year, 2), month_file(changed, year, 1), month_file(changed, year, 3)]

    result = speak(language, *args, *plan_files, "--dry-run", env=token)

    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output
    assert english_left(result.output, organisation["name"], *plan_files) == []


@pytest.mark.parametrize(("language", "expected"), [
    ("sv", "används redan"), ("fi", "on jo käytössä"),
])
def test_demo_says_its_port_is_taken_in_the_language(tmp_path, language, expected):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        # In a process of its own: the demo stops the embedded database of the process it runs in.
        result = subprocess.run(
            [sys.executable, "-m", "ckanext.openup.cli", "--lang", language, "demo", "--port", str(port),
             "--home", str(tmp_path / "demo")],
            capture_output=True, text=True, timeout=120, env=dict(os.environ, LANG="C", LC_ALL=""))

    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert english_left(result.stderr, tmp_path) == []


def _printed_literals(tree: ast.AST) -> list[str]:
    """String literals handed straight to click.echo or a click exception, not through the catalogue."""
    printers = {"echo", "ClickException", "UsageError", "BadParameter", "say", "warn", "error"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in printers and node.args and isinstance(node.args[0], (ast.JoinedStr, ast.Constant)):
                value = node.args[0]
                text = re.sub(r"\{[^}]*\}", " ", ast.unparse(value))
                if re.search(r"[A-Za-z]{3,}", text):
                    found.append(f"line {node.lineno}: {text[:60]}")
    return found


@pytest.mark.parametrize("module", sorted(path.name for path in CLI.glob("*.py")))
def test_every_message_the_command_prints_goes_through_the_catalogue(module):
    assert _printed_literals(ast.parse((CLI / module).read_text(encoding="utf-8"))) == []


def test_every_harvest_rule_message_has_a_translatable_template():
    from ckanext.openup.cli.check_report import RULE_MESSAGES, _pattern

    rules = (CLI.parent / "quality" / "rules.py").read_text(encoding="utf-8")
    said = []
    for node in ast.walk(ast.parse(rules)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Finding", "finding") and \
                len(node.args) > 1 and isinstance(node.args[1], (ast.Constant, ast.JoinedStr)):
            message = node.args[1]
            # An f-string's values stand for themselves: "{x}" matches any text.
            said.append(message.value if isinstance(message, ast.Constant) else "".join(
                part.value if isinstance(part, ast.Constant) else "VALUE" for part in message.values))
    assert said
    assert [text for text in said if not any(_pattern(template).match(text) for template in RULE_MESSAGES)] == []
