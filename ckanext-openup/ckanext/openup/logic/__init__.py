"""Actions, auth functions and validators of the extension."""

from __future__ import annotations

from typing import Any

from ckanext.openup.logic import dataset_names, supplier_invoices, validators


def get_validators() -> dict[str, Any]:
    """The validators by the names the schemas use."""
    return {
        "fluent_text": validators.fluent_text,
        "fluent_text_output": validators.fluent_text_output,
        "fluent_tags": validators.fluent_tags,
        "fluent_tags_output": validators.fluent_tags_output,
        "openup_plain_text": validators.openup_plain_text,
        "openup_http_url": validators.openup_http_url,
        "openup_single_uri": validators.openup_single_uri,
        "openup_calendar_year": validators.openup_calendar_year,
        "openup_year_month": validators.openup_year_month,
        "openup_government_theme": validators.openup_government_theme,
        "openup_file_format": validators.openup_file_format,
        "openup_media_type": validators.openup_media_type,
        "openup_hex_checksum": validators.openup_hex_checksum,
        "openup_organization_number": validators.openup_organization_number,
        "openup_municipality_code": validators.openup_municipality_code,
        "openup_name_from_title": dataset_names.openup_name_from_title,
        "openup_organization_defaults": supplier_invoices.openup_organization_defaults,
        "openup_supplier_invoice_checks": supplier_invoices.openup_supplier_invoice_checks,
    }
