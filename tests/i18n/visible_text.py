"""What a person sees on a page, and which of it is English: the detector behind the language tests.

English words are the words of CKAN's and this extension's English interface texts (their .pot files) that
no Swedish or Finnish translation uses; so cognates ("Format", "CSV", "URL") and names never count.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import ckan
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment

import ckanext.openup

CATALOGUES = [
    (Path(ckan.__file__).parent / "i18n", "ckan"),
    (Path(ckanext.openup.__file__).parent / "i18n", "ckanext-openup"),
]
# Attributes whose text is read out or shown to a person.
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Words that are the same in every language of the page: product, standard and vocabulary names.
ALLOWED = {"ckan", "dcat", "dcat-ap", "dcat-ap-se", "mqa", "api", "english", "svenska", "suomi", "markdown",
           "creative", "commons", "attribution", "cc0", "cc", "by", "sha-256", "sha-512", "sha-1", "md5",
           "dataportal", "avoindata", "geonames", "y-tunnus", "gravatar", "rss", "json", "rdf", "turtle",
           "jsonld", "xml", "ttl", "n3", "facebook", "linkedin", "twitter"}
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
# Addresses and identifiers are shown as they are.
_ADDRESS_OR_ID = re.compile(r"\b(?:https?://|mailto:)\S+|(?<![\w/])/[\w/.-]+/|"
                            r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def visible_texts(html: str) -> list[str]:
    """The page's text nodes and person-facing attributes, without scripts, styles and English-marked parts.

    Parts marked ``lang="en"`` are technical detail deliberately shown in English (for experts).
    """
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template", "noscript"]):
        hidden.decompose()
    for english in soup.select('[lang="en"]:not(html)'):
        english.decompose()
    # The language menu names each language in that language.
    for menu in soup.select("form.lang-select"):
        menu.decompose()
    texts = [str(node).strip() for node in soup.find_all(string=True)
             if not isinstance(node, Comment) and node.parent.name not in ("head", "title") and str(node).strip()]
    for element in soup.find_all(True):
        texts += [element[name] for name in VISIBLE_ATTRIBUTES if element.get(name)]
        # A button shows its content; an input button shows its value.
        if element.name == "input" and element.get("type") in ("submit", "button", "reset"):
            texts += [element["value"]] if element.get("value") else []
    title = soup.find("title")
    if title and title.string:
        texts.append(title.string.strip())
    return texts


def english_left(html: str, own_texts: list[str]) -> list[str]:
    """The visible texts of ``html`` that still hold an English word, after removing ``own_texts``.

    ``own_texts`` are what the publisher typed (titles, descriptions, keywords in any language): shown as
    entered, so never a missing translation.
    """
    english = english_words()
    left = []
    for text in visible_texts(html):
        for own in sorted(own_texts, key=len, reverse=True):
            text = text.replace(own, " ")
        text = _ADDRESS_OR_ID.sub(" ", text)
        words = {w.lower() for w in _WORD.findall(text)} - ALLOWED
        if words & english:
            left.append(f"{text.strip()!r} ({', '.join(sorted(words & english))})")
    return sorted(set(left))


@cache
def english_words() -> frozenset[str]:
    english: set[str] = set()
    translated: set[str] = set()
    for directory, domain in CATALOGUES:
        for locale in ("sv", "fi"):
            with (directory / locale / "LC_MESSAGES" / f"{domain}.po").open("rb") as po:
                for message in read_po(po):
                    ids = message.id if isinstance(message.id, tuple) else (message.id,)
                    strings = message.string if isinstance(message.string, tuple) else (message.string,)
                    english |= {w.lower() for text in ids for w in _WORD.findall(text or "")}
                    translated |= {w.lower() for text in strings for w in _WORD.findall(text or "")}
    # Placeholders like {number} and one-letter words are no language.
    return frozenset(w for w in english - translated if len(w) > 1)
