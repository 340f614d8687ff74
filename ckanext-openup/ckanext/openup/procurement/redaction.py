"""Remove personal data from invoice rows: identity numbers, and the names of sole traders.

The rule is documented for publishers in ``docs/privacy-redaction.md``; keep the two in step.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ckanext.openup.procurement.identity import IdentityNumber, find_identity_numbers
from ckanext.openup.procurement.variants import SPEC_COLUMNS

SUPPLIER = SPEC_COLUMNS.index("leverantor")
SUPPLIER_ID = SPEC_COLUMNS.index("leverantor_id")
_supplier_of = operator.itemgetter(SUPPLIER)
# What a sole trader's name becomes: the terms the Swedish and Finnish guides use.
SOLE_TRADER_NAME = {"se": "Enskild näringsidkare", "fi": "Toiminimiyrittäjä"}
# What an identity number inside any other text becomes.
IDENTITY_PLACEHOLDER = {"se": "[personnummer borttaget]", "fi": "[henkilötunnus poistettu]"}
# Names that say "sole trader" themselves: enskild firma / EF (Sweden), Tmi / toiminimi (Finland).
_SOLE_TRADER_NAME = re.compile(r"(?i)(?<!\w)(enskild firma|e\.?f\.?$|tmi|t:mi|toiminimi)(?!\w)")


@lru_cache(maxsize=65536)
def is_sole_trader_name(name: str) -> bool:
    """Whether a supplier name itself marks a sole trader (``Tmi Virtanen``, ``Svensson Bygg Enskild Firma``)."""
    return bool(_SOLE_TRADER_NAME.search(name))


@lru_cache(maxsize=65536)
def supplier_key(name: str) -> str:
    """How supplier names are compared: case-folded, single spaces."""
    return " ".join(name.casefold().split())


@dataclass
class RedactionLog:
    """What redaction changed, counted for the report."""

    identity_numbers: int = 0
    sole_trader_rows: int = 0
    sole_trader_names: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {
            "identity_numbers_removed": self.identity_numbers,
            "sole_trader_rows": self.sole_trader_rows,
            "sole_trader_names": len(self.sole_trader_names),
        }


@dataclass
class SoleTraderRegister:
    """Supplier names found to be sole traders', and names that were written as they are.

    A name can turn out to be a sole trader's after rows with it were written (its personnummer
    appears later in the file); those names are collected in ``late_names`` for a second look.
    """

    keys: set[str] = field(default_factory=set)
    clean_names: set[str] = field(default_factory=set)
    late_names: set[str] = field(default_factory=set)
    # Clean names by comparison key, so a new sole trader finds its earlier spellings at once.
    _clean_by_key: dict[str, set[str]] = field(default_factory=dict)

    def add(self, name: str) -> None:
        """Record ``name`` as a sole trader's; earlier clean spellings of it become late names."""
        key = supplier_key(name)
        if not key or key in self.keys:
            return
        self.keys.add(key)
        late = self._clean_by_key.pop(key, set())
        self.clean_names -= late
        self.late_names |= late

    def add_clean(self, name: str) -> None:
        """Record ``name`` as written unredacted (not a sole trader's, as far as is known now)."""
        if name not in self.clean_names:
            self.clean_names.add(name)
            self._clean_by_key.setdefault(supplier_key(name), set()).add(name)


def redact_rows(
    rows: list[Sequence[str]],
    identity_numbers: dict[int, dict[int, list[IdentityNumber]]],
    country: str,
    sole_traders: SoleTraderRegister,
    log: RedactionLog,
) -> None:
    """Redact a batch of rows (spec column order) in place; ``identity_numbers`` are by row position.

    Only rows with an identity number or a supplier name not yet written unredacted are looked at:
    in most batches every supplier is a known company, and the batch is left as it is.
    """
    positions = set(identity_numbers)
    unseen = set(map(_supplier_of, rows)).difference(sole_traders.clean_names)
    if unseen:
        positions.update(position for position, row in enumerate(rows) if row[SUPPLIER] in unseen)
    # In line order: a name found to be a sole trader's applies to the rows after it.
    for position in sorted(positions):
        cells = list(rows[position])
        redact_row(cells, identity_numbers.get(position, {}), country, sole_traders, log)
        rows[position] = cells


def redact_row(
    cells: list[str],
    identity_numbers: dict[int, list[IdentityNumber]],
    country: str,
    sole_traders: SoleTraderRegister,
    log: RedactionLog,
) -> None:
    """Redact one row in place (spec column order).

    A row is a sole trader's when its supplier id or name holds a personal identity number, its
    name says so, or the same supplier name was already found to be a sole trader's. Then the
    name becomes the neutral term and the supplier id is emptied. Identity numbers anywhere else
    are replaced by a placeholder.
    """
    name = cells[SUPPLIER]
    if not identity_numbers and name in sole_traders.clean_names:
        return  # the common row: nothing personal, and a supplier already known not to be a person
    key = supplier_key(name)
    sole_trader = (
        SUPPLIER_ID in identity_numbers
        or SUPPLIER in identity_numbers
        or (bool(key) and key in sole_traders.keys)
        or is_sole_trader_name(name)
    )
    if sole_trader:
        sole_traders.add(name)
        if key:
            log.sole_trader_names.add(key)
        log.sole_trader_rows += 1
        log.identity_numbers += len(identity_numbers.pop(SUPPLIER_ID, [])) + len(identity_numbers.pop(SUPPLIER, []))
        cells[SUPPLIER] = SOLE_TRADER_NAME[country]
        cells[SUPPLIER_ID] = ""
    else:
        sole_traders.add_clean(name)
    for index, numbers in identity_numbers.items():
        cells[index] = replace_identity_numbers(cells[index], numbers, IDENTITY_PLACEHOLDER[country])
        log.identity_numbers += len(numbers)


def replace_identity_numbers(text: str, numbers: list[IdentityNumber] | None, placeholder: str) -> str:
    """``text`` with each identity number replaced by ``placeholder``; finds them when not given."""
    if numbers is None:
        numbers = find_identity_numbers(text)
    for number in reversed(numbers):
        text = text[: number.start] + placeholder + text[number.end :]
    return text
