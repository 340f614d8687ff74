"""Dataset and resource fields derived from the prepared files and the organisation (pure functions).

Only what the files tell us is set on each run (size, checksum, format, period); the texts of a new
dataset are a starting point the publisher may edit in CKAN afterwards, and publish never overwrites them.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote, urljoin

from ckanext.openup.publishing.local_files import MonthlyFile

DATASET_TYPE = "supplier-invoices"
THEME_GOVERNMENT = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
THEME_ECONOMY = "http://publications.europa.eu/resource/authority/data-theme/ECON"
CHECKSUM_ALGORITHM = "sha256"
FILE_FORMAT = "CSV"
LICENCES = ("cc-zero", "cc-by")

_TITLES = {"sv": "Leverantörsfakturor {year}", "en": "Supplier invoices {year}", "fi": "Ostolaskut {year}"}
_DESCRIPTIONS = {
    "sv": "Betalda leverantörsfakturor från {title} under {year}, en fil per månad.",
    "en": "Supplier invoices paid by {title} in {year}, one file per month.",
    "fi": "{title}: maksetut ostolaskut vuonna {year}, yksi tiedosto kuukaudessa.",
}
_KEYWORDS = {
    "sv": ["leverantörsfakturor", "inköp"],
    "en": ["supplier invoices", "procurement"],
    "fi": ["ostolaskut", "hankinnat"],
}
_LANGUAGES = {"SE": ["sv", "en"], "FI": ["fi", "sv", "en"]}
_RESOURCE_DESCRIPTIONS = {
    "sv": "{rows} fakturarader, bokförda {start} – {end}.",
    "fi": "{rows} laskuriviä, kirjattu {start} – {end}.",
}


# The national name of the data, in the URL's ASCII: leverantörsfakturor (Sweden), ostolaskut (Finland).
_NAME_WORDS = {"SE": "leverantorsfakturor", "FI": "ostolaskut"}


def dataset_name(organisation_name: str, year: int, country: str | None = None) -> str:
    """The URL name of an organisation's dataset for ``year``, as the demo and the guides write it.

    ``sundsvalls-kommun-leverantorsfakturor-2025`` for a Swedish organisation,
    ``tampereen-kaupunki-ostolaskut-2025`` for a Finnish one.
    """
    return f"{organisation_name}-{_NAME_WORDS.get(country or 'SE', _NAME_WORDS['SE'])}-{year}"


def monthly_file_name(organisation_name: str, month: str, country: str | None = None) -> str:
    """The name a month's file is published under, e.g. ``sundsvalls-kommun-leverantorsfakturor-2025-01.csv``."""
    year, _, number = month.partition("-")
    return f"{dataset_name(organisation_name, int(year), country)}-{number}.csv"


def new_dataset(organisation: dict[str, Any], year: int, licence: str, today: datetime.date) -> dict[str, Any]:
    """The fields of a new yearly dataset (without resources; they are added one by one)."""
    languages = _LANGUAGES.get(organisation.get("country") or "SE", _LANGUAGES["SE"])
    title = organisation.get("title") or organisation["name"]
    dataset: dict[str, Any] = {
        "type": DATASET_TYPE,
        "name": dataset_name(organisation["name"], year, organisation.get("country")),
        "owner_org": organisation["id"],
        "year": str(year),
        "title_translated": {lang: _TITLES[lang].format(year=year) for lang in languages},
        "notes_translated": {lang: _DESCRIPTIONS[lang].format(title=title, year=year) for lang in languages},
        "tags_translated": {lang: _KEYWORDS[lang] for lang in languages},
        "theme": [THEME_GOVERNMENT, THEME_ECONOMY],
        "license_id": licence,
        "issued": today.isoformat(),
        "modified": today.isoformat(),
    }
    # Publisher, contact, frequency and the specification (conforms_to, unversioned, the same for
    # every year of the series) come from owner_org: the schema's organisation defaults. Each file
    # names the version it follows on its resource. Spatial coverage too comes from the organisation,
    # but it is named here so --dry-run shows it.
    if organisation.get("spatial_uri"):
        dataset["spatial_uri"] = organisation["spatial_uri"]
    return dataset


def resource_fields(monthly: MonthlyFile, country: str | None, link_url: str | None) -> dict[str, Any]:
    """The fields of a month's resource; ``link_url`` for a file hosted elsewhere, else it is uploaded."""
    fields: dict[str, Any] = {
        "name": monthly.month,
        "period": monthly.month,
        "format": FILE_FORMAT,
        "mimetype": monthly.media_type,
        "size": monthly.bytes,
        "hash": monthly.sha256,
        "hash_algorithm": CHECKSUM_ALGORITHM,
    }
    if monthly.conforms_to:
        fields["conforms_to"] = monthly.conforms_to
    if monthly.period_start and monthly.period_end:
        fields["description"] = month_description(monthly.rows, monthly.period_start, monthly.period_end, country)
    if link_url:
        fields["url"] = link_url
        fields["url_type"] = ""  # a file that was uploaded before is now a link
    return fields


def month_description(rows: int, start: str, end: str, country: str | None) -> str:
    """A month file's one-sentence description, in the organisation's language: what it holds and when."""
    template = _RESOURCE_DESCRIPTIONS["fi" if country == "FI" else "sv"]
    return template.format(rows=f"{rows:,}".replace(",", " "), start=start, end=end)


def linked_url(link_base: str, file_name: str) -> str:
    """Where a file hosted under ``link_base`` is found: the base folder plus the encoded file name."""
    return urljoin(link_base.rstrip("/") + "/", quote(file_name))
