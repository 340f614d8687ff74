"""The suppliers a demo municipality pays: a few large ones that take most of the money, then a long tail.

Suppliers are ranked; how often each is invoiced falls with its rank (Zipf-like), so the first few appear
on every page of the ledger and most of the tail once or twice a year. A few are sole traders, exported
the way finance systems hold them: with a personal identity number, or a name that says "enskild firma"
or "Tmi". Everything is drawn from a generator seeded with the municipality's name: the same every run.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from stdnum import luhn

# Ranks at which the tail holds a sole trader: some appear every month, some a few times a year.
_SOLE_TRADER_RANKS = (30, 55, 90, 140, 220, 360, 600, 1000, 1600)
# How fast invoice frequency falls with rank: weight = 1 / (rank + offset) ** exponent.
_ZIPF_OFFSET = 1.5
_ZIPF_EXPONENT = 1.05
_Y_TUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


@dataclass(frozen=True)
class Supplier:
    """One supplier as the buyer's finance system holds it."""

    name: str
    identifier: str  # organisation number, Y-tunnus, internal number, or a sole trader's identity number
    trade: str
    typical_amount: float  # a typical invoice excluding VAT, in the country's currency
    accounts: tuple[str, ...]
    units: tuple[str, ...]
    invoice_number: str  # a format with {year} and {number}
    purchase_basis: str
    contract: str


@dataclass(frozen=True)
class SupplierRegister:
    """A municipality's suppliers in rank order, with cumulative weights for drawing invoices."""

    suppliers: tuple[Supplier, ...]
    cumulative_weights: tuple[float, ...]

    def draw(self, generator: random.Random, count: int) -> list[Supplier]:
        """``count`` suppliers to invoice, the large ones far more often than the tail."""
        return generator.choices(self.suppliers, cum_weights=self.cumulative_weights, k=count)


@cache
def ledgers() -> dict[str, Any]:
    """The per-country ledger parts (units, accounts, trades, name parts) from ``ledgers.yaml``."""
    with resources.files("ckanext.openup.demo").joinpath("ledgers.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def supplier_register(organisation: dict[str, Any]) -> SupplierRegister:
    """The ranked suppliers of ``organisation`` (a municipality of ``municipalities.yaml``)."""
    ledger = {"town": organisation["title"].split()[0], **(organisation.get("ledger") or {})}
    return _register(organisation["name"], organisation["country"].lower(), json.dumps(ledger, sort_keys=True))


@cache
def _register(name: str, country: str, ledger_json: str) -> SupplierRegister:
    ledger = json.loads(ledger_json)
    parts = {**ledgers()[country], "country": country, "town": ledger["town"]}
    generator = random.Random(f"suppliers-{name}")
    internal = ledger.get("supplier_ids") == "internal_numbers"
    identifiers = _Identifiers(generator, country, internal)
    named = [*parts["national_suppliers"], *ledger.get("local_suppliers", [])]
    suppliers = [_large_supplier(generator, parts, spec, identifiers) for spec in named]
    names = {supplier.name for supplier in suppliers}
    tail_size = int(ledger.get("rows_per_month", 3000) * 0.8)
    for rank in range(len(suppliers) + 1, len(suppliers) + tail_size + 1):
        if rank in _SOLE_TRADER_RANKS:
            supplier = _sole_trader(generator, parts, country, internal, identifiers, len(names))
        else:
            supplier = _tail_supplier(generator, parts, identifiers, names)
        names.add(supplier.name)
        suppliers.append(supplier)
    weights, total = [], 0.0
    for rank in range(1, len(suppliers) + 1):
        total += 1 / (rank + _ZIPF_OFFSET) ** _ZIPF_EXPONENT
        weights.append(total)
    return SupplierRegister(tuple(suppliers), tuple(weights))


class _Identifiers:
    """Supplier identifiers as this municipality's finance system writes them, never one twice."""

    def __init__(self, generator: random.Random, country: str, internal: bool) -> None:
        self.generator = generator
        self.country = country
        self.internal = internal
        self.used: set[str] = set()

    def company(self, registered: str | None = None) -> str:
        """The id of a company: its registered number, or the finance system's own supplier number."""
        while True:
            if self.internal:
                number = str(self.generator.randrange(10000, 99999))
            elif registered:
                number = registered
            elif self.country == "fi":
                number = _y_tunnus(self.generator)
            else:
                number = _organisation_number(self.generator)
            if number not in self.used:
                self.used.add(number)
                return number
            registered = None


def _organisation_number(generator: random.Random) -> str:
    """A valid Swedish organisationsnummer of a limited company (556/559...) or a partnership (969...)."""
    stem = generator.choice(("556", "556", "559", "969")) + f"{generator.randrange(10**6):06d}"
    return stem + luhn.calc_check_digit(stem)


def _y_tunnus(generator: random.Random) -> str:
    """A valid Finnish Y-tunnus (business ID): seven digits and a weighted modulo-11 check digit."""
    while True:
        stem = f"{generator.randrange(10**7):07d}"
        remainder = sum(weight * int(digit) for weight, digit in zip(_Y_TUNNUS_WEIGHTS, stem, strict=True)) % 11
        if remainder != 1:  # no check digit fits these seven digits
            return f"{stem}-{0 if remainder == 0 else 11 - remainder}"


def _personnummer(generator: random.Random) -> str:
    """A Swedish personal identity number (valid check digit, a birth date 1950-1995), as exports write it."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=generator.randrange(365 * 45))
    stem = born.strftime("%y%m%d") + f"{generator.randrange(1000):03d}"
    return f"{stem[:6]}-{stem[6:]}{luhn.calc_check_digit(stem)}"


def _henkilotunnus(generator: random.Random) -> str:
    """A Finnish personal identity code (valid check character, born 1950-1995)."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=generator.randrange(365 * 45))
    individual = generator.randrange(2, 900)
    check = _HETU_CHECK[int(born.strftime("%d%m%y") + f"{individual:03d}") % 31]
    return f"{born.strftime('%d%m%y')}-{individual:03d}{check}"


def _large_supplier(generator: random.Random, parts: dict[str, Any], spec: dict[str, Any],
                    identifiers: _Identifiers) -> Supplier:
    trade = parts["trades"][spec["trade"]]
    return Supplier(
        name=spec["name"], identifier=identifiers.company(spec.get("id")), trade=spec["trade"],
        typical_amount=spec["typical"] * parts["currency_scale"], accounts=tuple(trade["accounts"]),
        units=tuple(trade["units"]), invoice_number=generator.choice(("{number:07d}", "{year}{number:04d}")),
        purchase_basis="ramavtal", contract=f"RA-{generator.randrange(2019, 2026)}-{generator.randrange(1, 400):03d}",
    )


def _tail_supplier(generator: random.Random, parts: dict[str, Any], identifiers: _Identifiers,
                   taken: set[str]) -> Supplier:
    trade_key = generator.choice(sorted(parts["trades"]))
    trade = parts["trades"][trade_key]
    name = _company_name(generator, parts, trade)
    while name in taken:
        name = _company_name(generator, parts, trade)
    framework = generator.random() < 0.12
    return Supplier(
        name=name, identifier=identifiers.company(), trade=trade_key,
        typical_amount=trade["typical"] * parts["currency_scale"] * generator.lognormvariate(0, 0.5),
        accounts=tuple(generator.sample(trade["accounts"], k=min(2, len(trade["accounts"])))),
        units=tuple(generator.sample(trade["units"], k=min(generator.randint(1, 2), len(trade["units"])))),
        invoice_number=generator.choice(("{number}", "F{year}-{number:04d}", "{number:06d}")),
        purchase_basis="ramavtal" if framework else generator.choice(("direktupphandling",) * 6 + ("annat", "")),
        contract=f"RA-{generator.randrange(2019, 2026)}-{generator.randrange(1, 400):03d}" if framework else "",
    )


def _company_name(generator: random.Random, parts: dict[str, Any], trade: dict[str, Any]) -> str:
    word = generator.choice(trade["words"])
    surname = generator.choice(parts["surnames"])
    form = generator.choice(parts["company_forms"])
    if parts["country"] == "fi":
        patterns = ("{place} {word} {form}", "{word} {surname} {form}", "{surname} {word} {form}",
                    "{surname} & {other} {form}")
    else:
        patterns = ("{genitive} {word} {form}", "{place} {word} {form}", "{word} i {town} {form}",
                    "{surname} & {other} {word} {form}")
    return generator.choice(patterns).format(
        word=word, surname=surname, form=form, place=generator.choice(parts["places"]),
        genitive=surname if surname.endswith("s") else surname + "s", other=generator.choice(parts["surnames"]),
        town=parts["town"],
    )


def _sole_trader(generator: random.Random, parts: dict[str, Any], country: str, internal: bool,
                 identifiers: _Identifiers, serial: int) -> Supplier:
    """A sole trader as exported: named after the person, with a personal identity number where it shows."""
    trade_key = generator.choice(("painting", "electrical", "grounds", "culture", "training", "health"))
    trade = parts["trades"][trade_key]
    person = f"{generator.choice(parts['first_names'])} {generator.choice(parts['surnames'])}"
    form = generator.choice(parts["sole_trader_forms"])
    if country == "fi":
        # Most have a Y-tunnus and a "Tmi" name; one is paid as a person, under a henkilötunnus.
        by_person = serial % 4 == 0
        name = person if by_person else f"{form} {person}"
        identifier = _henkilotunnus(generator) if by_person else identifiers.company()
    elif internal:
        # The finance system's number says nothing about a person: only the name shows it.
        name, identifier = f"{person} {form}", identifiers.company()
    else:
        name = generator.choice((person, f"{person.split()[1]}s {generator.choice(trade['words'])}"))
        identifier = _personnummer(generator)
    return Supplier(
        name=name, identifier=identifier, trade=trade_key,
        typical_amount=trade["typical"] * parts["currency_scale"] * generator.lognormvariate(0, 0.4),
        accounts=tuple(trade["accounts"][:1]), units=tuple(trade["units"][:1]), invoice_number="{number}",
        purchase_basis="direktupphandling", contract="",
    )
