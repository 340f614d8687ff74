"""Swedish, Finnish and English on Solr: CKAN's schema plus one stemmed text field per language.

``openup_search`` stems each language of a multilingual (fluent) field by its own rules, and text that
does not say its language by ``ckanext.openup.search.language``. On Solr the same happens in fields
``extras_openup_text_<code>``: the dataset's texts go there when it is indexed
(:func:`add_language_texts`), free-text queries search them (:func:`add_language_query_fields`), and
:func:`openup_schema` gives each its analysis. The ``extras_`` prefix keeps CKAN's own schema safe too:
there they are ordinary English text fields, not 32 KB-limited strings.
"""

from __future__ import annotations

import json
import re
from typing import Any

FIELD_PREFIX = "extras_openup_text_"
SCHEMA_NAME_SUFFIX = "-openup"
# CKAN's default dismax fields (ckan.lib.search.query.QUERY_FIELDS), which a plugin's qf replaces.
_CKAN_QUERY_FIELDS = "name^4 title^4 tags^2 groups^2 text"
_TRANSLATED = "_translated"
# Swedish and Finnish write compounds as one word: word endings of at least this length are indexed
# too, so `faktura` finds `leverantörsfakturor` (openup_search's search.document.compound_suffixes).
_MIN_COMPOUND_ENDING = 5
_COMPOUNDING = frozenset({"swedish", "finnish"})


def language_field(code: str) -> str:
    """The Solr field holding a dataset's text in the language ``code`` (``sv``, ``fi``, ``en``)."""
    return FIELD_PREFIX + code


def add_language_texts(pkg_dict: dict[str, Any], languages: dict[str, str], default_code: str) -> dict[str, Any]:
    """``before_dataset_index`` on Solr: copy each language's text into its field.

    Fluent fields (``title_translated``...) go by their language codes; the plain text fields that
    CKAN's schema copies into ``text`` go to ``default_code``, the language of text that does not say.
    """
    from ckanext.openup.search.fields import text_weight

    texts: dict[str, list[str]] = {code: [] for code in languages}
    for name, value in pkg_dict.items():
        if name.endswith(_TRANSLATED) and not name.startswith("extras_"):
            for code, words in _translations(value).items():
                if code in texts:
                    texts[code].extend(words)
        elif text_weight(name) and not name.startswith("extras_") and default_code in texts:
            values = value if isinstance(value, list) else [value]
            texts[default_code].extend(str(item) for item in values if isinstance(item, (str, int, float)))
    for code, words in texts.items():
        if words:
            pkg_dict[language_field(code)] = words
    # Their text is in the language fields now. Left as they are, Solr would read an object as an atomic
    # update, and CKAN's schema holds the JSON in a string field that refuses values over 32 KB.
    for name in [name for name in pkg_dict if name.endswith(_TRANSLATED) and not name.startswith("extras_")]:
        del pkg_dict[name]
    return pkg_dict


def add_language_query_fields(search_params: dict[str, Any], languages: dict[str, str]) -> dict[str, Any]:
    """``before_dataset_search`` on Solr: free text also searches every language's stemmed field."""
    if "qf" in search_params or not search_params.get("q"):
        return search_params
    search_params["qf"] = " ".join([_CKAN_QUERY_FIELDS, *(language_field(code) for code in languages)])
    return search_params


def _translations(value: Any) -> dict[str, list[str]]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, dict):
        return {}
    found: dict[str, list[str]] = {}
    for code, translation in value.items():
        items = translation if isinstance(translation, list) else [translation]
        found.setdefault(str(code), []).extend(str(item) for item in items if item)
    return found


class SchemaError(ValueError):
    """CKAN's schema.xml is not what this command knows how to extend."""


def openup_schema(ckan_schema: str, languages: dict[str, str] | None = None) -> str:
    """CKAN's ``schema.xml`` text with an analysed field per language (default: sv, fi and en).

    ``languages`` maps a language code to its PostgreSQL text-search configuration name (``swedish``),
    which is also the Snowball stemmer's name in Solr.
    """
    languages = languages or {"sv": "swedish", "fi": "finnish", "en": "english"}
    name = re.search(r'<schema name="([^"]+)"', ckan_schema)
    if not name or "</fields>" not in ckan_schema or "</types>" not in ckan_schema:
        raise SchemaError("not CKAN's schema.xml: no <schema name=...>, <types> or <fields> element found")
    types = "".join(_field_type(configuration) for configuration in sorted(set(languages.values())))
    fields = "".join(
        f'    <field name="{language_field(code)}" type="text_openup_{configuration}" indexed="true" '
        f'stored="false" multiValued="true"/>\n'
        for code, configuration in languages.items())
    schema = ckan_schema.replace(name.group(0), f'<schema name="{name.group(1)}{SCHEMA_NAME_SUFFIX}"', 1)
    schema = schema.replace("</types>", f"    <!-- ckanext-openup: one analysis per language -->\n{types}</types>", 1)
    fields = f"    <!-- ckanext-openup: a dataset's text per language -->\n{fields}"
    return schema.replace("</fields>", f"{fields}</fields>", 1)


def _field_type(configuration: str) -> str:
    stemmer = f'<filter class="solr.SnowballPorterFilterFactory" language="{configuration.capitalize()}"/>'
    endings = ""
    if configuration in _COMPOUNDING:
        # The word's endings (read backwards: its reversed prefixes), each stemmed like a word.
        endings = ('<filter class="solr.ReverseStringFilterFactory"/>'
                   f'<filter class="solr.EdgeNGramFilterFactory" minGramSize="{_MIN_COMPOUND_ENDING}" '
                   'maxGramSize="64" preserveOriginal="true"/>'
                   '<filter class="solr.ReverseStringFilterFactory"/>')
    lower = '<tokenizer class="solr.StandardTokenizerFactory"/><filter class="solr.LowerCaseFilterFactory"/>'
    return (f'    <fieldType name="text_openup_{configuration}" class="solr.TextField" positionIncrementGap="100">\n'
            f'      <analyzer type="index">{lower}{endings}{stemmer}</analyzer>\n'
            f'      <analyzer type="query">{lower}{stemmer}</analyzer>\n'
            '    </fieldType>\n')
