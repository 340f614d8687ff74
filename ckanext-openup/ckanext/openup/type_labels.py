"""What CKAN's pages call a supplier-invoice dataset, in the page's language.

CKAN builds its texts for a custom dataset type from the type's name ("Create Supplier-invoices",
"3 supplier-invoicess found"), which no catalogue can translate; these are whole sentences instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as toolkit

from ckanext.openup.profiles.dataset_types import SUPPLIER_INVOICES


def _texts() -> dict[str, str]:
    # Built per request: toolkit._ answers in the page's language.
    _ = toolkit._
    plural = _("Supplier invoices")
    return {
        "add link": _("Add supplier invoices for a year"),
        "breadcrumb": plural, "content tab": plural, "facet label": plural, "main nav": plural,
        "page title": plural,
        "create label": _("New supplier-invoice dataset"),
        "create title": _("New supplier-invoice dataset"),
        "edit label": _("Edit supplier-invoice dataset"),
        "form label": _("Supplier-invoice dataset"),
        "view label": _("View the dataset"),
        "save label": _("Save the dataset"),
        "update label": _("Save the dataset"),
        "delete confirmation": _("Are you sure you want to delete this supplier-invoice dataset?"),
        "description placeholder": _("What the files hold, e.g. which payments are left out"),
        "name placeholder": _("supplier-invoices"),
        "search placeholder": _("Search supplier invoices..."),
        "my label": _("My supplier-invoice datasets"),
        "no label": _("No supplier-invoice dataset"),
        "no any objects": _("There are no supplier-invoice datasets yet."),
        "no description": _("There is no description for this dataset."),
    }


@toolkit.chained_helper
def humanize_entity_type(next_helper: Callable[..., Any], entity_type: str, object_type: str,
                         purpose: str) -> str | None:
    """CKAN's ``h.humanize_entity_type``, with translated texts for the supplier-invoice type."""
    if entity_type == "package" and object_type == SUPPLIER_INVOICES:
        return _texts().get(purpose) or toolkit._("Supplier-invoice dataset")
    return next_helper(entity_type, object_type, purpose)


def get_helpers() -> dict[str, Any]:
    return {"humanize_entity_type": humanize_entity_type}
