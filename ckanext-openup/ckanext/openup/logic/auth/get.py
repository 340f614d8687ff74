"""Auth functions for the read actions (mirrors logic/action/get.py)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit


@toolkit.auth_allow_anonymous_access
def openup_organization_catalog_show(context: dict, data_dict: dict[str, Any]) -> dict[str, bool]:
    """Anyone: the feed holds only public datasets."""
    return {"success": True}


def openup_harvest_readiness(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Members of the organisation (any role) and sysadmins: it lists private and draft datasets too."""
    user = context.get("user")
    if not user:
        return {"success": False, "msg": toolkit._("Only members of the organisation can see its readiness")}
    organisation_id = data_dict.get("id")
    memberships = toolkit.get_action("organization_list_for_user")(
        {"user": user, "ignore_auth": True}, {"id": user, "permission": "read"})
    if any(organisation_id in (org["id"], org["name"]) for org in memberships):
        return {"success": True}
    return {"success": False, "msg": toolkit._("Only members of the organisation can see its readiness")}


def get_auth_functions() -> dict[str, Any]:
    return {
        "openup_organization_catalog_show": openup_organization_catalog_show,
        "openup_harvest_readiness": openup_harvest_readiness,
    }
