"""Realistic organisations and supplier-invoice datasets for the schema, profile and feed tests."""

from __future__ import annotations

import copy
from typing import Any

import ckan.plugins.toolkit as toolkit
from ckan.tests import factories

SUNDSVALL = {
    "name": "sundsvall",
    "title": "Sundsvalls kommun",
    "country": "SE",
    "organization_number": "212000-2411",
    "municipality_code": "2281",
    "contact_email": "oppnadata@sundsvall.se",
    "homepage": "https://sundsvall.se",
    "spatial_uri": "https://sws.geonames.org/2670781/",
}
VASTERAS = {
    "name": "vasteras",
    "title": "Västerås stad",
    "country": "SE",
    "organization_number": "2120002080",
    "municipality_code": "1980",
    "contact_email": "opendata@vasteras.se",
    "homepage": "https://www.vasteras.se",
}
TAMPERE = {
    "name": "tampere",
    "title": "Tampereen kaupunki",
    "country": "FI",
    "organization_number": "0211675-2",
    "municipality_code": "837",
    "contact_email": "avoindata@tampere.fi",
    "homepage": "https://www.tampere.fi",
}


def sysadmin_context() -> dict[str, Any]:
    return {"user": factories.Sysadmin()["name"], "ignore_auth": True}


def create_organisation(fields: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return toolkit.get_action("organization_create")(sysadmin_context(), dict(fields, **overrides))


def supplier_invoice(organisation: dict[str, Any], year: int = 2025, **overrides: Any) -> dict[str, Any]:
    """A fully described supplier-invoice dataset dict for ``organisation`` (before package_create)."""
    finnish = organisation.get("country") == "FI"
    title = {"sv": f"Leverantörsfakturor {year}", "en": f"Supplier invoices {year}"}
    notes = {
        "sv": f"Betalda leverantörsfakturor för {organisation['title']} under {year}, en fil per månad.",
        "en": f"Supplier invoices paid by {organisation['title']} in {year}, one file per month.",
    }
    keywords = {"sv": ["leverantörsfakturor", "inköp"], "en": ["supplier invoices", "procurement"]}
    if finnish:
        title["fi"] = f"Ostolaskut {year}"
        notes["fi"] = f"{organisation['title']} maksetut ostolaskut vuonna {year}."
        keywords["fi"] = ["ostolaskut", "hankinnat"]
    dataset = {
        "type": "supplier-invoices",
        "name": f"{organisation['name']}-supplier-invoices-{year}",
        "owner_org": organisation["id"],
        "title_translated": title,
        "notes_translated": notes,
        "tags_translated": keywords,
        "year": year,
        "theme": [
            "http://publications.europa.eu/resource/authority/data-theme/GOVE",
            "http://publications.europa.eu/resource/authority/data-theme/ECON",
        ],
        "license_id": "cc-by",
        "issued": f"{year}-02-01",
        "modified": f"{year}-03-01",
        "resources": [
            {
                "name": f"{year}-{month:02d}",
                "description": f"Leverantörsfakturor {year}-{month:02d}",
                "url": f"https://example.org/{organisation['name']}/{year}-{month:02d}.csv",
                "format": "CSV",
                "period": f"{year}-{month:02d}",
                "size": 123456 + month,
                "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "hash_algorithm": "sha256",
                "rights": "Fri användning enligt licensen.",
            }
            for month in (1, 2)
        ],
    }
    dataset.update(copy.deepcopy(overrides))
    return dataset


def create_supplier_invoice(organisation: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return toolkit.get_action("package_create")(sysadmin_context(), supplier_invoice(organisation, **overrides))


def sundsvall_editor_with_dataset(year: int) -> dict[str, Any]:
    """An editor of Sundsvall with an API token, and the organisation's dataset for ``year`` (no months yet)."""
    sundsvall = create_organisation(SUNDSVALL)
    user = factories.User()
    toolkit.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": sundsvall["id"], "username": user["name"], "role": "editor"}
    )
    dataset = create_supplier_invoice(sundsvall, year=year, resources=[])
    return {"dataset": dataset, "headers": {"Authorization": factories.APIToken(user=user["name"])["token"]}}
