"""A supplier-invoice dataset's address (CKAN ``name``) made from its organisation and title when left empty.

A publisher knows the title ("Leverantörsfakturor 2026"), not a URL slug: the first save must succeed with
the address left blank. The organisation's name goes first so two municipalities' "Leverantörsfakturor
2026" do not collide (``sundsvall-leverantorsfakturor-2026``).
"""

from __future__ import annotations

import re
import unicodedata

from ckan import model

from ckanext.openup import organisations
from ckanext.openup.logic.validators import fluent_tags_output, form_language_fields, is_empty

# CKAN's limits on a dataset name (ckan.model.PACKAGE_NAME_MAX_LENGTH); shorter keeps room for "-2".
MAX_NAME_LENGTH = 90
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``Leverantörsfakturor 2026`` -> ``leverantorsfakturor-2026`` (letters without accents, digits, dashes)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", plain.lower()).strip("-")


def name_from_title(organisation_name: str, title: str, package_id: str | None = None) -> str:
    """The first free address ``<organisation>-<title>``, ``...-2``, ``...-3``... (``package_id``'s own is free)."""
    base = slug(title)
    if organisation_name and not base.startswith(f"{organisation_name}-"):
        base = f"{organisation_name}-{base}" if base else organisation_name
    base = base[:MAX_NAME_LENGTH].strip("-")
    candidate, number = base, 1
    while True:
        holder = model.Package.get(candidate)
        if holder is None or holder.id == package_id:
            return candidate
        number += 1
        candidate = f"{base}-{number}"


def _title(data: dict, language: str) -> str:
    """The dataset's title in ``language`` (else the first given), from the API's map or the form's inputs."""
    value = data.get(("title_translated",))
    texts = form_language_fields(("title_translated",), data) if is_empty(value) else fluent_tags_output(value)
    texts = {lang: text for lang, text in texts.items() if isinstance(text, str) and text.strip()}
    return texts.get(language) or next(iter(texts.values()), "") or str(data.get(("title",)) or "")


def openup_name_from_title(key, data, errors, context):
    """An empty dataset address is made from the organisation and the title (in its first language)."""
    if not is_empty(data.get(key)):
        return
    organisation = organisations.organisation(data.get(("owner_org",))) or {}
    language = organisations.country_rules(organisation.get("country"))["required_languages"][0]
    title = _title(data, language)
    if title:
        data[key] = name_from_title(organisation.get("name") or "", title, data.get(("id",)) or None)
