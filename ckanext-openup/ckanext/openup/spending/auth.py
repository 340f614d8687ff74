"""Who may ask ``openup_spending`` (mirrors action.py)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit


@toolkit.auth_allow_anonymous_access
def openup_spending(context: dict, data_dict: dict[str, Any]) -> dict[str, bool]:
    """Anyone may ask: only public rows are ever counted."""
    return {"success": True}


def get_auth_functions() -> dict[str, Any]:
    return {"openup_spending": openup_spending, "openup_spending_supplier_search": openup_spending}
