"""Find personal identity numbers in invoice rows, and check organisation numbers.

A Swedish personnummer (or samordningsnummer) and a Finnish henkilötunnus must never be published.
People write them in many ways (copied from PDFs, Word and web forms): with any dash or minus sign,
spaces, dots, zero-width characters or soft hyphens inside, in full-width digits, with letters
touching (``PNR8112189876``) or inside a sole trader's VAT number (``SE811218987601``). So the text
is first normalised (NFKC, every dash one ``-``, every space one `` ``, invisible characters
dropped, case folded) and searched there; what is found is mapped back to the span of the original
text, which is what redaction replaces.

A candidate only counts when its check digit validates and its date part is a plausible birth
date, which keeps invoice numbers and amounts from being taken for people. Organisationsnummer
share the shape of a personnummer but have a third digit of 2 or more (a month of 20+), and so do
the company VAT numbers built from them.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from stdnum import luhn
from stdnum.exceptions import ValidationError as IdentifierError
from stdnum.fi import hetu, ytunnus
from stdnum.se import orgnr

from ckanext.openup.procurement.messages import N_

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
HENKILOTUNNUS = "henkilötunnus"
MAX_AGE_YEARS = 120
# The fewest digits an identity number has: a henkilötunnus's six date and three individual digits.
FEWEST_DIGITS = 9

# Hyphens, dashes and minus signs people (and word processors) put where a hyphen belongs.
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d")
# Digit groups and what may stand between them: spaces, dots, a hyphen or a plus (" - " too).
_DIGIT_RUN = re.compile(r"[0-9]+(?:[\s.+-]{1,3}[0-9]+)*")
_DIGIT_GROUP = re.compile(r"[0-9]+")
# An ISO date and four more digits after a space ("2024-06-07 4201"): a date and a number, while
# "1981-12-18-9876" is a personnummer written with hyphens.
_ISO_DATE_AND_NUMBER = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:\s*|\.)[0-9]{2}\s?[0-9]{2}")
# DDMMYY, the century sign (or a space, or nothing), three individual digits and the check character.
_FINNISH = re.compile(r"(?<![0-9])([0-9]{6})\s{0,2}([-+a-fu-y]?)\s{0,2}([0-9]{3})([0-9a-y])(?![0-9])", re.IGNORECASE)
_HETU_SIGNS_TO_TRY = ("-", "A")  # a missing sign: the check character does not depend on the century


@dataclass(frozen=True)
class IdentityNumber:
    """A personal identity number found in text: its kind and where it is (in the original text)."""

    kind: str
    text: str
    start: int
    end: int


def find_identity_numbers(text: str) -> list[IdentityNumber]:
    """Every valid personnummer, samordningsnummer or henkilötunnus in ``text``, however it is written."""
    if not _has_enough_digits(text):
        return []
    folded, origin = normalise(text)
    found = []
    for kind, start, end in _find_in_normalised(folded):
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        found.append(IdentityNumber(kind, text[start:end], start, end))
    return found


def contains_identity_number(text: str) -> bool:
    """Whether ``text`` holds any personal identity number: the fast test run on every new value."""
    if not _has_enough_digits(text):
        return False
    folded, _origin = normalise(text)
    return next(_find_in_normalised(folded), None) is not None


def classify_identity_number(candidate: str) -> str | None:
    """The kind of personal identity number ``candidate`` (all of it) is, or None."""
    found = find_identity_numbers(candidate.strip())
    if len(found) == 1 and found[0].text == candidate.strip():
        return found[0].kind
    return None


def _has_enough_digits(text: str) -> bool:
    """A cheap first look: most values (names, account texts, amounts) have too few digits."""
    if len(text) < FEWEST_DIGITS:
        return False
    if text.isascii():
        return sum(map(text.count, "0123456789")) >= FEWEST_DIGITS
    # Any script's digits, full-width and superscript ones too: normalising turns them into 0-9.
    return sum(map(str.isnumeric, text)) >= FEWEST_DIGITS


def normalise(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded for searching, and each folded character's index in ``text``.

    ASCII text is searched as it is (case is ignored by the patterns) and the index list is None.
    """
    if text.isascii():
        return text, None
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            out = char
        elif unicodedata.category(char) == "Cf":
            continue  # shows nothing: soft hyphen, zero-width space and joiners, direction marks, BOM
        elif char in _DASHES:
            out = "-"
        elif char.isspace():
            out = " "
        elif (digit := unicodedata.decimal(char, None)) is not None:
            out = str(digit)  # every script's decimal digits, full-width ones included
        else:
            out = unicodedata.normalize("NFKC", char).casefold()
        folded.append(out)
        origin.extend([index] * len(out))
    return "".join(folded), origin


def _find_in_normalised(text: str) -> Iterator[tuple[str, int, int]]:
    """``(kind, start, end)`` of each identity number in normalised text, in order."""
    found: list[tuple[str, int, int]] = []
    for run in _DIGIT_RUN.finditer(text):
        if run.end() - run.start() >= FEWEST_DIGITS:
            found.extend(_swedish_in_run(run.group(), run.start(), text))
    for match in _FINNISH.finditer(text):
        ddmmyy, sign, individual, check = match.groups()
        if sign or check.isalpha() or match.group()[6].isspace():
            if _is_henkilotunnus(ddmmyy, sign.upper(), individual, check.upper()):
                found.append((HENKILOTUNNUS, match.start(), match.end()))
    if len(found) > 1:
        found = _without_overlaps(found)
    yield from found


def _without_overlaps(found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """One finding per stretch of text: where two overlap, the longer span covers both."""
    merged: list[tuple[str, int, int]] = []
    for kind, start, end in sorted(found, key=lambda item: (item[1], -item[2])):
        if merged and start < merged[-1][2]:
            last_kind, last_start, last_end = merged[-1]
            merged[-1] = (last_kind, last_start, max(end, last_end))
        else:
            merged.append((kind, start, end))
    return merged


def _swedish_in_run(run: str, offset: int, text: str) -> Iterator[tuple[str, int, int]]:
    """Swedish numbers among a run of digit groups (``81 12 18-98 76``, ``811218 - 9876``).

    Consecutive groups holding ten or twelve digits are a candidate when every break between
    them falls between pairs of digits (YY MM DD NN NN), which thousands groups (``1 234 567``)
    never do.
    """
    groups = [(group.start(), group.end()) for group in _DIGIT_GROUP.finditer(run)]
    first = 0
    while first < len(groups):
        digits = ""
        for last in range(first, len(groups)):
            if digits and len(digits) % 2:
                break
            digits += run[groups[last][0] : groups[last][1]]
            if len(digits) > 12:
                break
            if len(digits) in (10, 12):
                between = run[groups[first][0] : groups[last][1]]
                if _ISO_DATE_AND_NUMBER.fullmatch(between):
                    continue
                start = offset + groups[first][0]
                after_se = text[max(0, start - 3) : start].rstrip().lower().endswith("se")
                kind = _swedish_kind(digits, "+" in between, after_se)
                if kind:
                    yield kind, offset + groups[first][0], offset + groups[last][1]
                    first = last
                    break
        first += 1


@lru_cache(maxsize=65536)
def _swedish_kind(digits: str, centenarian: bool, after_se: bool = False) -> str | None:
    """The kind of a ten- or twelve-digit Swedish number, or None (an organisationsnummer, or noise).

    ``after_se`` says ``SE`` stands before the digits: twelve of them ending in 01 are a VAT number.
    """
    if len(digits) == 10:
        return _core_kind(digits, None, centenarian)
    if after_se and digits.endswith("01") and _is_organisation_number(digits[:10]):
        return None  # a company's VAT number, though its digits may also read as 19YYMMDDNNNN
    kind = _core_kind(digits[2:], int(digits[:4]), False) if digits[:2] in ("18", "19", "20") else None
    if kind is None and digits.endswith("01") and not (digits.startswith("16") and _is_organisation_number(digits[2:])):
        # A sole trader's VAT number: SE + personnummer + 01 (but "16" + organisationsnummer is a company).
        kind = _core_kind(digits[:10], None, centenarian)
    return kind


def _is_organisation_number(ten: str) -> bool:
    """Ten digits with a "month" of 20 or more and a valid check digit: never a person's."""
    return ten[2] >= "2" and luhn.is_valid(ten)


def _core_kind(core: str, year: int | None, centenarian: bool) -> str | None:
    """Personnummer or samordningsnummer for YYMMDDNNNC, when its check digit and date hold."""
    if core[2] >= "2" or not luhn.is_valid(core):
        return None  # a month of 20 or more is an organisationsnummer, never a person
    month, day = int(core[2:4]), int(core[4:6])
    kind = PERSONNUMMER
    if day > 60:
        kind, day = SAMORDNINGSNUMMER, day - 60  # samordningsnummer: the day of birth plus 60
    today = datetime.date.today()
    if year is None:
        # Ten digits say no century: the latest year ending so ('+' says a hundred years more), or
        # the one before, whichever makes a real date that has passed.
        latest = today.year - (today.year - int(core[:2])) % 100 - (100 if centenarian else 0)
        years, oldest = (latest, latest - 100), 0
    else:
        years, oldest = (year,), today.year - MAX_AGE_YEARS
    for candidate in years:
        try:
            born = datetime.date(candidate, month, day)
        except ValueError:
            continue
        if oldest <= born.year and born <= today:
            return kind
    return None


def _is_henkilotunnus(ddmmyy: str, sign: str, individual: str, check: str) -> bool:
    signs = (sign,) if sign else _HETU_SIGNS_TO_TRY
    return any(hetu.is_valid(ddmmyy + each + individual + check, allow_temporary=True) for each in signs)


@lru_cache(maxsize=65536)
def organisation_number_problem(value: str, country: str) -> str | None:
    """Why ``value`` is not a valid organisationsnummer (``se``) or Y-tunnus (``fi``); None when valid."""
    if country == "fi":
        if ytunnus.is_valid(value):
            return None
        return N_("not a valid Y-tunnus (1234567-8 with a correct check digit)")
    if orgnr.is_valid(value):
        return None
    compact = value.replace("-", "").replace(" ", "")
    if len(compact) == 12 and compact.startswith("16") and orgnr.is_valid(compact[2:]):
        return None  # the 16-prefixed twelve-digit form used in some registers
    if compact.isdigit() and len(compact) == 10:
        return N_("the check digit of this organisationsnummer is wrong")
    return N_("not an organisationsnummer (ten digits, NNNNNN-NNNN)")


def normalise_organisation_number(country: str | None, value: str) -> str:
    """The canonical form of an organisationsnummer (10 digits) or Y-tunnus (``1234567-8``).

    Raises ValueError with a readable message when the number is not valid for ``country``.
    """
    country = country or "SE"
    try:
        if country == "FI":
            return ytunnus.format(ytunnus.validate(value))
        number = orgnr.validate(value)
    except IdentifierError as error:
        kind = "Y-tunnus" if country == "FI" else "organisationsnummer"
        raise ValueError(f"Not a valid {kind}: {value!r} ({error.message})") from error
    # The month field of an organisationsnummer is >= 20; a personnummer (a sole trader) is never
    # an organisation's identifier here and must not be published.
    if number[2] < "2":
        raise ValueError(f"Not a valid organisationsnummer: {value!r} (looks like a personnummer)")
    return number
