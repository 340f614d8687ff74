"""Text cells written so that a spreadsheet shows them as text and never runs them (OWASP: CSV injection)."""

from __future__ import annotations

from ckanext.openup.procurement.checks import FORMULA_GUARD, FORMULA_STARTS, is_formula_like


def spreadsheet_text(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet would take it for a formula (numbers such as
    ``-120.50`` are left alone): for every CSV served, whatever wrote the text."""
    if cell[:1] in FORMULA_STARTS and is_formula_like(cell):
        return FORMULA_GUARD + cell
    return cell
