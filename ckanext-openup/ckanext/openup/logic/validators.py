"""Validators named in the scheming YAML (schemas/): one small function per rule, registered by name.

``fluent_*`` validators keep ckanext-fluent's names and storage (a JSON object of language -> text) because
ckanext-dcat recognises multilingual fields by those names; ckanext-fluent itself does not fit CKAN 2.11+.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as toolkit
from ckanext.scheming.validation import scheming_validator

from ckanext.openup import organisations, vocabularies
from ckanext.openup.text import xml_safe

Invalid = toolkit.Invalid
missing = toolkit.missing
StopOnError = toolkit.StopOnError
_ = toolkit._

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
_HEX = re.compile(r"^[0-9a-f]+$")
MAX_KEYWORD_LENGTH = 100
LANGUAGE_NAMES = {"sv": "Swedish", "fi": "Finnish", "en": "English"}


def is_empty(value: Any) -> bool:
    return value is missing or value is None or value == "" or value == [] or value == {}


def _language_map(value: Any) -> dict[str, Any]:
    """A language -> value dict from a dict or its JSON text; anything else is an error."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise Invalid(_("Expected an object of language code to text, e.g. {\"sv\": \"...\"}")) from error
    if not isinstance(value, dict):
        raise Invalid(_("Expected an object of language code to text, e.g. {\"sv\": \"...\"}"))
    return value


def form_language_fields(key: tuple, data: dict) -> dict[str, Any]:
    """Values posted by the form as separate ``<field>-<lang>`` inputs (kept by CKAN in ``__extras``)."""
    extras = data.get(key[:-1] + ("__extras",), {})
    prefix = f"{key[-1]}-"
    return {name[len(prefix):]: text for name, text in extras.items() if name.startswith(prefix)}


def _offered_languages(field: dict, schema: dict) -> list[str]:
    return field.get("form_languages") or schema.get("form_languages") or []


def _check_languages(texts: dict[str, Any], offered: list[str]) -> None:
    for lang in texts:
        if not isinstance(lang, str) or not _LANGUAGE_CODE.match(lang):
            raise Invalid(_("Not a language code: {0!r}").format(lang))
        if offered and lang not in offered:
            raise Invalid(_("Language {0!r} is not offered here: use {1}").format(lang, ", ".join(offered)))


@scheming_validator
def fluent_text(field: dict, schema: dict):
    """One text per language, from a dict, its JSON or the form's ``<field>-<lang>`` inputs; stored as JSON."""
    offered = _offered_languages(field, schema)

    def validator(key, data, errors, context):
        if errors.get(key):
            return
        value = data.get(key)
        try:
            texts = form_language_fields(key, data) if is_empty(value) else _language_map(value)
            _check_languages(texts, offered)
        except Invalid as error:
            errors[key].append(error.error)
            raise StopOnError from error
        cleaned = {}
        for lang, text in texts.items():
            if text is None or text is missing:
                continue
            if not isinstance(text, str):
                errors[key].append(_("Text for {0!r} must be a string").format(lang))
                raise StopOnError
            text = xml_safe(text).strip()
            if text:
                cleaned[lang] = text
        _store_language_map(key, data, errors, cleaned, required=bool(field.get("required")))

    return validator


def _store_language_map(key, data, errors, cleaned: dict[str, Any], required: bool) -> None:
    """Store the non-empty per-language map as JSON; drop the field (an error if required) when empty."""
    if not cleaned:
        if required:
            errors[key].append(_("Missing value"))
        data.pop(key, None)
        raise StopOnError
    data[key] = json.dumps(cleaned, ensure_ascii=False)


def fluent_text_output(value: Any) -> dict[str, str]:
    """The stored JSON as a language -> text dict (a plain string becomes the value of ``""``)."""
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return {"": value} if value else {}
    return parsed if isinstance(parsed, dict) else {"": value}


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise Invalid(_("Keywords must be a list or a comma-separated string"))
    keywords: list[str] = []
    for keyword in value:
        if not isinstance(keyword, str):
            raise Invalid(_("Keywords must be strings"))
        # DCAT-AP-SE: one literal per keyword, in lower case.
        keyword = xml_safe(keyword).strip().lower()
        if len(keyword) > MAX_KEYWORD_LENGTH:
            raise Invalid(_("Keyword longer than {0} characters: {1!r}").format(MAX_KEYWORD_LENGTH, keyword[:20]))
        if keyword and keyword not in keywords:
            keywords.append(keyword)
    return keywords


@scheming_validator
def fluent_tags(field: dict, schema: dict):
    """Keywords per language (lists or comma-separated strings), lower-cased; stored as JSON."""
    offered = _offered_languages(field, schema)

    def validator(key, data, errors, context):
        if errors.get(key):
            return
        value = data.get(key)
        try:
            lists = form_language_fields(key, data) if is_empty(value) else _language_map(value)
            _check_languages(lists, offered)
            cleaned = {lang: _keywords(words) for lang, words in lists.items() if not is_empty(words)}
        except Invalid as error:
            errors[key].append(error.error)
            raise StopOnError from error
        cleaned = {lang: words for lang, words in cleaned.items() if words}
        _store_language_map(key, data, errors, cleaned, required=False)

    return validator


def fluent_tags_output(value: Any) -> dict[str, Any]:
    """The stored JSON as a language -> value dict (keywords here; any fluent field's stored map)."""
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def openup_plain_text(value: Any) -> Any:
    """Free text without characters XML cannot carry, trimmed."""
    if isinstance(value, str):
        return xml_safe(value).strip()
    return value


def _check_http_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise Invalid(_("Must be an absolute http(s) URL without spaces"))
    return value


def openup_http_url(key, data, errors, context):
    """An absolute http(s) URL; an uploaded resource's file name is accepted as it is."""
    value = data.get(key)
    if is_empty(value) or data.get(key[:-1] + ("url_type",)) == "upload":
        return
    try:
        data[key] = _check_http_url(str(value))
    except Invalid as error:
        errors[key].append(error.error)


def openup_single_uri(value: Any) -> Any:
    """Accept ckanext-dcat's one-element list (or its JSON) for a field holding one URI."""
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise Invalid(_("Expected one URI")) from error
    if isinstance(value, list):
        if len(value) != 1:
            raise Invalid(_("Expected exactly one URI"))
        value = value[0]
    return value


def _this_year() -> int:
    # The examples in messages name the current year (an old year reads like a value to copy).
    return datetime.date.today().year


def openup_calendar_year(value: Any) -> str:
    """A four-digit calendar year (the temporal coverage of a yearly dataset)."""
    try:
        year = int(str(value).strip())
    except ValueError as error:
        raise Invalid(_("Must be a year such as {year}").format(year=_this_year())) from error
    if not 1990 <= year <= 2100:
        raise Invalid(_("Must be a year between 1990 and 2100"))
    return str(year)


def openup_year_month(value: Any) -> Any:
    """A month in ``YYYY-MM`` form."""
    if is_empty(value):
        return value
    if not _YEAR_MONTH.match(str(value).strip()):
        raise Invalid(_("Must be a month in the form YYYY-MM, e.g. {month}").format(month=f"{_this_year()}-01"))
    return str(value).strip()


def openup_government_theme(value: Any) -> list[str]:
    """The themes with GOVE always included (supplier invoices are public-sector data)."""
    if is_empty(value):
        return [vocabularies.THEME_GOVERNMENT]
    if isinstance(value, str):
        try:
            parsed = json.loads(value) if value.startswith("[") else [value]
        except ValueError as error:
            raise Invalid(_("Expected a list of theme URIs")) from error
        value = parsed
    themes = list(value)
    if vocabularies.THEME_GOVERNMENT not in themes:
        themes.insert(0, vocabularies.THEME_GOVERNMENT)
    return themes


def openup_file_format(value: Any) -> Any:
    """A format label the feeds can map to an EU file type (CSV, JSON, XLSX...)."""
    if is_empty(value):
        return value
    label = str(value).strip().upper()
    if label not in vocabularies.FILE_FORMATS:
        raise Invalid(
            _("Unsupported format {0!r}: use one of {1}").format(value, ", ".join(vocabularies.FILE_FORMATS))
        )
    return label


def openup_media_type(value: Any) -> Any:
    """An IANA media type such as ``text/csv`` (parameters are dropped)."""
    if is_empty(value):
        return value
    media_type = str(value).split(";")[0].strip().lower()
    if media_type.startswith(vocabularies.IANA_MEDIA_TYPES):
        media_type = media_type[len(vocabularies.IANA_MEDIA_TYPES):]
    if not _MEDIA_TYPE.match(media_type):
        raise Invalid(_("Not a media type: {0!r} (e.g. text/csv)").format(value))
    return media_type


def openup_hex_checksum(value: Any) -> Any:
    """A checksum in hexadecimal (what spdx:checksumValue holds)."""
    if is_empty(value):
        return value
    checksum = str(value).strip().lower()
    if not _HEX.match(checksum):
        raise Invalid(_("A checksum must be hexadecimal, e.g. the output of sha256sum"))
    return checksum


def openup_organization_number(key, data, errors, context):
    """An organisationsnummer or Y-tunnus (per the organisation's country), stored in canonical form."""
    value = data.get(key)
    if is_empty(value):
        return
    try:
        data[key] = organisations.normalise_organisation_number(data.get(("country",)) or None, str(value))
    except ValueError as error:
        errors[key].append(str(error))


def openup_municipality_code(key, data, errors, context):
    """A kommunkod (4 digits) in Sweden, a kuntanumero (3 digits) in Finland."""
    value = data.get(key)
    if is_empty(value):
        return
    country = data.get(("country",)) or vocabularies.DEFAULT_COUNTRY
    value = str(value).strip()
    if not organisations.valid_municipality_code(country, value):
        expected = "3 digits (kuntanumero)" if country == "FI" else "4 digits (kommunkod)"
        errors[key].append(_("Municipality code must be {0}").format(expected))
        return
    data[key] = value

