"""Organisations with members in each role, and the readiness action called as one of them."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit
import pytest
from ckan.tests import factories

from tests.supplier_invoices import SUNDSVALL, create_organisation, sysadmin_context


def readiness_as(user: dict[str, Any] | None, organisation: str, **params: Any) -> dict[str, Any]:
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return toolkit.get_action("openup_harvest_readiness")(context, dict(params, id=organisation))


@pytest.fixture
def sundsvall() -> dict[str, Any]:
    return create_organisation(SUNDSVALL)


@pytest.fixture
def editor(sundsvall) -> dict[str, Any]:
    user = factories.User()
    toolkit.get_action("organization_member_create")(
        sysadmin_context(), {"id": sundsvall["id"], "username": user["name"], "role": "editor"})
    return user


def update_dataset(name: str, **changes: Any) -> dict[str, Any]:
    return toolkit.get_action("package_patch")(sysadmin_context(), dict(changes, id=name))
