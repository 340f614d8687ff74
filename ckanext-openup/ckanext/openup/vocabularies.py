"""Controlled-vocabulary IRIs and country conventions shared by the schemas, validators and RDF profile.

Values come from the EU Publications Office authority tables, the ADMS publisher types, the Creative
Commons licence URIs DCAT-AP-SE asks for and IANA media types. Only what a procurement catalogue
publishes is listed; extend the tables rather than building IRIs from free text.
"""

from __future__ import annotations

from ckanext.openup.procurement.layouts import KUNTALIITTO_2021_URI

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME = EU_AUTHORITY + "data-theme/"
FREQUENCY = EU_AUTHORITY + "frequency/"
ACCESS_RIGHT = EU_AUTHORITY + "access-right/"
FILE_TYPE = EU_AUTHORITY + "file-type/"
LANGUAGE = EU_AUTHORITY + "language/"
COUNTRY = EU_AUTHORITY + "country/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
SPDX_CHECKSUM_ALGORITHM = "http://spdx.org/rdf/terms#checksumAlgorithm_"

THEME_GOVERNMENT = DATA_THEME + "GOVE"
THEME_ECONOMY = DATA_THEME + "ECON"
ACCESS_PUBLIC = ACCESS_RIGHT + "PUBLIC"
LOCAL_AUTHORITY = ADMS_PUBLISHER_TYPE + "LocalAuthority"

# CKAN licence id -> the exact Creative Commons URI DCAT-AP-SE expects (http, trailing slash).
# CKAN's own "cc-by" is unversioned; in this catalogue it means CC BY 4.0.
LICENCE_URIS = {
    "cc-zero": "http://creativecommons.org/publicdomain/zero/1.0/",
    "cc-by": "http://creativecommons.org/licenses/by/4.0/",
}
CATALOGUE_LICENCE = LICENCE_URIS["cc-zero"]
LICENCE_TYPES = {
    LICENCE_URIS["cc-zero"]: "http://purl.org/adms/licencetype/PublicDomain",
    LICENCE_URIS["cc-by"]: "http://purl.org/adms/licencetype/Attribution",
}
THEME_TAXONOMY = EU_AUTHORITY + "data-theme"
AVAILABILITY_STABLE = EU_AUTHORITY + "planned-availability/STABLE"

# ISO 639-1 code used in language tags -> EU language authority IRI.
LANGUAGE_URIS = {
    "sv": LANGUAGE + "SWE",
    "en": LANGUAGE + "ENG",
    "fi": LANGUAGE + "FIN",
}

# CKAN resource format label -> (EU file type code, IANA media type).
FILE_FORMATS = {
    "CSV": ("CSV", "text/csv"),
    "TSV": ("TSV", "text/tab-separated-values"),
    "JSON": ("JSON", "application/json"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "XML": ("XML", "application/xml"),
    "ZIP": ("ZIP", "application/zip"),
}

# English labels of the concepts the feeds use, so each concept can be typed skos:Concept (DCAT-AP's
# range shapes) with the skos:prefLabel a concept must have.
CONCEPT_LABELS = {
    THEME_GOVERNMENT: "Government and public sector",
    THEME_ECONOMY: "Economy and finance",
    AVAILABILITY_STABLE: "Stable",
    EU_AUTHORITY + "planned-availability/AVAILABLE": "Available",
    EU_AUTHORITY + "planned-availability/TEMPORARY": "Temporary",
    "http://purl.org/adms/licencetype/PublicDomain": "Public domain",
    "http://purl.org/adms/licencetype/Attribution": "Attribution",
    LOCAL_AUTHORITY: "Local authority",
    ADMS_PUBLISHER_TYPE + "RegionalAuthority": "Regional authority",
    ADMS_PUBLISHER_TYPE + "NationalAuthority": "National authority",
    ADMS_PUBLISHER_TYPE + "Company": "Company",
}
CONCEPT_SCHEME_TITLES = {THEME_TAXONOMY: "Data theme"}

# What the forms and pages call each value, per language: the EU Publications Office's official labels
# (data themes, frequencies, access rights, planned availability) and the licences' own names. Kept here,
# not fetched: the pages must not depend on the EU's servers answering.
VOCABULARY_LABELS: dict[str, dict[str, str]] = {
    THEME_GOVERNMENT: {"en": "Government and public sector", "sv": "Regeringen och den offentliga sektorn",
                       "fi": "Valtioneuvosto ja julkinen sektori"},
    THEME_ECONOMY: {"en": "Economy and finance", "sv": "Ekonomi och finans", "fi": "Talous ja raha-asiat"},
    FREQUENCY + "MONTHLY": {"en": "monthly", "sv": "månatlig", "fi": "kuukausittainen"},
    FREQUENCY + "QUARTERLY": {"en": "quarterly", "sv": "kvartalsvis", "fi": "neljännesvuosittainen"},
    FREQUENCY + "ANNUAL": {"en": "annual", "sv": "årlig", "fi": "vuotuinen"},
    FREQUENCY + "IRREG": {"en": "irregular", "sv": "oregelbunden", "fi": "epäsäännöllinen"},
    ACCESS_PUBLIC: {"en": "public", "sv": "offentlig", "fi": "julkinen"},
    AVAILABILITY_STABLE: {"en": "stable", "sv": "stabil", "fi": "vakaa"},
    EU_AUTHORITY + "planned-availability/AVAILABLE": {"en": "available", "sv": "tillgänglig",
                                                       "fi": "saatavilla"},
    EU_AUTHORITY + "planned-availability/TEMPORARY": {"en": "temporary", "sv": "tillfällig",
                                                       "fi": "väliaikainen"},
    "cc-zero": {"en": "Creative Commons CC0 1.0 Universal", "sv": "Creative Commons CC0 1.0 Universell",
                "fi": "Creative Commons CC0 1.0 Yleismaailmallinen"},
    "cc-by": {"en": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
              "sv": "Creative Commons Erkännande 4.0 Internationell (CC BY 4.0)",
              "fi": "Creative Commons Nimeä 4.0 Kansainvälinen (CC BY 4.0)"},
}
# The values each form field offers, in the order shown (field name -> values).
FIELD_CHOICES: dict[str, list[str]] = {
    "theme": [THEME_GOVERNMENT, THEME_ECONOMY],
    "frequency": [FREQUENCY + code for code in ("MONTHLY", "QUARTERLY", "ANNUAL", "IRREG")],
    "access_rights": [ACCESS_PUBLIC],
    "license_id": ["cc-zero", "cc-by"],
    "availability": [AVAILABILITY_STABLE, EU_AUTHORITY + "planned-availability/AVAILABLE",
                     EU_AUTHORITY + "planned-availability/TEMPORARY"],
}


def field_choices(field_name: str) -> list[dict[str, object]]:
    """A form field's choices as scheming wants them: value and a label per language (capitalised)."""
    return [{"value": value,
             "label": {language: text[:1].upper() + text[1:]
                       for language, text in VOCABULARY_LABELS[value].items()}}
            for value in FIELD_CHOICES[field_name]]

CHECKSUM_ALGORITHMS = {"sha1", "sha256", "sha512", "md5"}

# Per country: the languages a supplier-invoice text must have (first = primary), the languages offered,
# the specification the files follow and the usual update frequency.
COUNTRIES = {
    "SE": {
        "required_languages": ["sv"],
        "languages": ["sv", "en"],
        "conforms_to": "https://lankadedata.se/spec/leverantorsreskontra",
        "frequency": FREQUENCY + "MONTHLY",
        "country_uri": COUNTRY + "SWE",
    },
    "FI": {
        "required_languages": ["fi", "sv"],
        "languages": ["fi", "sv", "en"],
        "conforms_to": KUNTALIITTO_2021_URI,
        "frequency": FREQUENCY + "ANNUAL",
        "country_uri": COUNTRY + "FIN",
    },
}
DEFAULT_COUNTRY = "SE"


def file_type_uri(resource_format: str) -> str | None:
    """The EU file-type IRI for a CKAN format label such as ``CSV``, or None when unknown."""
    known = FILE_FORMATS.get((resource_format or "").strip().upper())
    return FILE_TYPE + known[0] if known else None


def media_type_uri(media_type: str) -> str | None:
    """The IANA IRI for a media type such as ``text/csv`` (already-IRI values pass through)."""
    media_type = (media_type or "").strip()
    if media_type.startswith(IANA_MEDIA_TYPES):
        return media_type
    if media_type.count("/") == 1 and " " not in media_type:
        return IANA_MEDIA_TYPES + media_type.lower()
    return None


def media_type_for_format(resource_format: str) -> str | None:
    """The usual media type for a CKAN format label, or None when unknown."""
    known = FILE_FORMATS.get((resource_format or "").strip().upper())
    return known[1] if known else None
