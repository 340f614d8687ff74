"""Find personal identity numbers in invoice rows, and check organisation numbers.

A Swedish personnummer (or samordningsnummer) and a Finnish henkilötunnus must never be published.
A candidate only counts when its check digit validates and its date part is a plausible birth
date, which keeps invoice numbers and amounts from being taken for people. Organisationsnummer
share the shape of a personnummer but have a third digit of 2 or more (a month of 20+).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum import luhn
from stdnum.fi import hetu, ytunnus
from stdnum.se import orgnr, personnummer

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
HENKILOTUNNUS = "henkilötunnus"

# [0-9], not \d: \d also matches other scripts' digits, which the check-digit code rejects.
_EDGE_BEFORE = r"(?<![0-9A-Za-z])"
_EDGE_AFTER = r"(?![0-9A-Za-z])"
# A space (also a no-break space) is written for the hyphen too: "811218 9876".
_SWEDISH_SEPARATED = r"(?:19|20)?[0-9]{6}[-+ \u00a0][0-9]{4}"
_SWEDISH_ANY = r"(?:19|20)?[0-9]{6}[-+ \u00a0]?[0-9]{4}"
_FINNISH = r"[0-9]{6}[-+ABCDEFYXWVU][0-9]{3}[0-9A-Y]"
# Separated forms: YYYYMMDD-XXXX, YYMMDD-XXXX, YYMMDD XXXX, YYMMDD+XXXX and DDMMYYCZZZQ (Finnish century signs).
_SEPARATED = re.compile(f"{_EDGE_BEFORE}(?:{_SWEDISH_SEPARATED}|{_FINNISH}){_EDGE_AFTER}")
# Also the unseparated YYMMDDXXXX and YYYYMMDDXXXX.
_ANY = re.compile(f"{_EDGE_BEFORE}(?:{_SWEDISH_ANY}|{_FINNISH}){_EDGE_AFTER}")
MAX_AGE_YEARS = 120


@dataclass(frozen=True)
class IdentityNumber:
    """A personal identity number found in text: its kind and where it is."""

    kind: str
    text: str
    start: int
    end: int


def find_identity_numbers(text: str, separated_only: bool = False) -> list[IdentityNumber]:
    """Every valid personnummer, samordningsnummer or henkilötunnus in ``text``.

    ``separated_only`` skips the ten- and twelve-digit forms without ``-``/``+`` (a stricter search
    for callers that know a text holds many long digit runs).
    """
    pattern = _SEPARATED if separated_only else _ANY
    found = []
    for match in pattern.finditer(text):
        kind = classify_identity_number(match.group())
        if kind:
            found.append(IdentityNumber(kind, match.group(), match.start(), match.end()))
    return found


@lru_cache(maxsize=65536)
def classify_identity_number(candidate: str) -> str | None:
    """The kind of personal identity number ``candidate`` is, or None (it may be an organisationsnummer)."""
    if len(candidate) == 11 and candidate[6] not in "-+ \u00a0" or candidate[6:7].isalpha():
        return HENKILOTUNNUS if hetu.is_valid(candidate, allow_temporary=True) else None
    kind = _swedish_kind(candidate)
    if kind is None and len(candidate) == 11 and candidate[6] in "-+":
        # 131052-308T style with a digit check character: a Finnish code with the '-' or '+' sign.
        return HENKILOTUNNUS if hetu.is_valid(candidate, allow_temporary=True) else None
    return kind


def _swedish_kind(candidate: str) -> str | None:
    if not candidate.isascii():
        candidate = candidate.replace("\u00a0", "-")
    candidate = candidate.replace(" ", "-")
    digits = candidate.replace("-", "").replace("+", "")
    core = digits[-10:]
    if core[2] >= "2":
        return None  # a month of 20 or more: organisationsnummer, never a person
    if not luhn.is_valid(core):
        return None
    kind = PERSONNUMMER
    number = candidate
    if int(core[4:6]) > 60:
        # Samordningsnummer: the day plus 60. Check the date with the real day.
        kind = SAMORDNINGSNUMMER
        day_at = len(digits) - 6
        real = digits[:day_at] + f"{int(digits[day_at : day_at + 2]) - 60:02d}" + digits[day_at + 2 :]
        number = real[:-4] + ("+" if "+" in candidate else "-") + real[-4:]
    try:
        born = personnummer.get_birth_date(number)
    except Exception:  # stdnum raises its ValidationError subclasses for impossible dates
        return None
    today = datetime.date.today()
    if born > today:
        return None
    # Without a separator the digits could be anything; ask for a plausible age as well.
    if candidate.isdigit() and born.year < today.year - MAX_AGE_YEARS:
        return None
    return kind


@lru_cache(maxsize=65536)
def organisation_number_problem(value: str, country: str) -> str | None:
    """Why ``value`` is not a valid organisationsnummer (``se``) or Y-tunnus (``fi``); None when valid."""
    if country == "fi":
        if ytunnus.is_valid(value):
            return None
        return "not a valid Y-tunnus (1234567-8 with a correct check digit)"
    if orgnr.is_valid(value):
        return None
    compact = value.replace("-", "").replace(" ", "")
    if len(compact) == 12 and compact.startswith("16") and orgnr.is_valid(compact[2:]):
        return None  # the 16-prefixed twelve-digit form used in some registers
    if compact.isdigit() and len(compact) == 10:
        return "the check digit of this organisationsnummer is wrong"
    return "not an organisationsnummer (ten digits, NNNNNN-NNNN)"


def contains_identity_number(text: str, separated_only: bool = False) -> bool:
    """Whether ``text`` holds any personal identity number: the fast test run on every row."""
    candidates = (_SEPARATED if separated_only else _ANY).findall(text)
    return bool(candidates) and any(map(classify_identity_number, candidates))
