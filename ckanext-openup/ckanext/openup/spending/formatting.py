"""Amounts and counts as people read them in the page's language: ``1 234 567,89 kr``, ``1 234 567,89 €``."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal

# The page's language to the locale whose number customs it follows.
LOCALES = {"sv": "sv_SE", "fi": "fi_FI", "en": "en_GB"}
# English puts a currency code before the amount; a space keeps "SEK 1,234.50" readable.
ENGLISH_PATTERN = "¤\xa0#,##0.00"


def money(amount: Decimal | str | None, currency: str | None, language: str) -> str:
    """``amount`` in ``currency`` written for ``language`` (``sv``, ``fi``, ``en``), to the öre or cent."""
    if amount is None or currency is None:
        return ""
    locale = LOCALES.get(language, LOCALES["en"])
    pattern = ENGLISH_PATTERN if locale.startswith("en") else None
    return format_currency(Decimal(amount), currency, format=pattern, locale=locale, currency_digits=True)


def count(number: int | None, language: str) -> str:
    """A whole number with the page's thousands separator."""
    return "" if number is None else format_decimal(number, locale=LOCALES.get(language, LOCALES["en"]))


def share(part: Decimal | str, whole: Decimal | str, language: str) -> str:
    """``part`` as a percentage of ``whole`` with one decimal (empty when the whole is zero)."""
    whole = Decimal(whole)
    if not whole:
        return ""
    percent = (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))
    return format_decimal(percent, format="#,##0.0", locale=LOCALES.get(language, LOCALES["en"])) + "\xa0%"
