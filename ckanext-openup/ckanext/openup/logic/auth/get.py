"""Auth functions for the read actions (mirrors logic/action/get.py)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit


@toolkit.auth_allow_anonymous_access
def openup_organization_catalog_show(context: dict, data_dict: dict[str, Any]) -> dict[str, bool]:
    """Anyone: the feed holds only public datasets."""
    return {"success": True}


def get_auth_functions() -> dict[str, Any]:
    return {"openup_organization_catalog_show": openup_organization_catalog_show}
