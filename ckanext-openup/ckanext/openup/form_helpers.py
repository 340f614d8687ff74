"""Template helpers of the supplier-invoice form: which languages to ask for, which year to suggest.

A Swedish organisation is asked for Swedish (English optional, as dataportal.se expects it beside Swedish);
a Finnish one for Finnish and Swedish, the national languages (English optional): ``vocabularies.COUNTRIES``.
"""

from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup import organisations
from ckanext.openup.logic.validators import fluent_text_output


def _form_organisation(data: dict[str, Any]) -> dict[str, Any] | None:
    """The organisation the form is for: the dataset's, the one asked for in the address, else the
    first the user may add datasets to (what the form's organisation list shows first)."""
    chosen = data.get("owner_org") or data.get("group_id") or toolkit.request.args.get("owner_org")
    if not chosen:
        available = toolkit.h.organizations_available("create_dataset")
        chosen = available[0]["id"] if available else None
    return organisations.organisation(chosen) if chosen else None


def openup_form_languages(data: dict[str, Any] | None, offered: list[str]) -> list[dict[str, Any]]:
    """The languages to show an input for, each ``{"code", "required"}``: the organisation's country's,
    within the schema's ``offered``, plus any the dataset already has a text in (so none is lost)."""
    data = data or {}
    organisation = _form_organisation(data)
    rules = organisations.country_rules((organisation or {}).get("country"))
    present = {lang for field in ("title_translated", "notes_translated")
               for lang in _language_keys(data.get(field))}
    codes = [lang for lang in offered if lang in rules["languages"] or lang in present] or list(offered)
    codes.sort(key=lambda lang: rules["languages"].index(lang) if lang in rules["languages"] else len(offered))
    return [{"code": lang, "required": lang in rules["required_languages"]} for lang in codes]


def _language_keys(value: Any) -> list[str]:
    texts = fluent_text_output(value) if value else {}
    return [lang for lang, text in texts.items() if lang and text]


def openup_this_year() -> int:
    """The current calendar year: suggested for a new dataset and used in the form's examples."""
    return datetime.date.today().year


def openup_form_placeholder(field: dict[str, Any], language: str) -> str:
    """The field's example for ``language`` (a text or a language -> text map), ``{year}`` as this year."""
    example = field.get("form_placeholder") or ""
    if isinstance(example, dict):
        example = example.get(language) or ""
    return str(example).replace("{year}", str(openup_this_year()))


def get_helpers() -> dict[str, Any]:
    return {"openup_form_languages": openup_form_languages, "openup_form_placeholder": openup_form_placeholder,
            "openup_this_year": openup_this_year}
