"""Fill the demo catalogue: an administrator, four municipalities and their monthly invoice files.

Idempotent: what exists is kept, what is missing is created, so a restart never duplicates data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from importlib import resources
from typing import Any

import ckan.plugins.toolkit as toolkit
import yaml
from werkzeug.datastructures import FileStorage

from ckanext.openup.demo.invoices import year_files
from ckanext.openup.publishing.metadata import dataset_name, monthly_file_name

log = logging.getLogger(__name__)

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "openup-demo"  # a local demo only; the README says to change it before sharing
TOKEN_NAME = "openup-demo"
_THEMES = "http://publications.europa.eu/resource/authority/data-theme/"


def municipalities() -> list[dict[str, Any]]:
    with resources.files("ckanext.openup.demo").joinpath("municipalities.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def seed_demo(year: int | None = None) -> dict[str, Any]:
    """Create what is missing and return the administrator's name, a fresh API token and counts."""
    today = dt.date.today()
    year = year or today.year
    last_month = today.month - 1 if year == today.year else 12
    admin = _ensure_admin()
    context = {"user": admin["name"], "ignore_auth": True}
    created = {"organizations": 0, "datasets": 0, "resources": 0}
    for organisation in municipalities():
        created["organizations"] += _ensure_organization(context, organisation)
        dataset, is_new = _ensure_dataset(context, organisation, year)
        created["datasets"] += is_new
        existing = {resource["name"] for resource in dataset["resources"]}
        missing = [month for month in range(1, max(last_month, 1) + 1) if f"{year}-{month:02d}" not in existing]
        for month, content in year_files(organisation, year, missing).items() if missing else ():
            _upload_month(context, dataset, organisation, year, month, content)
            created["resources"] += 1
    token = _fresh_token(admin["name"])
    return {"admin": admin["name"], "password": ADMIN_PASSWORD, "token": token, "created": created}


def _ensure_admin() -> dict[str, Any]:
    context = {"ignore_auth": True}
    try:
        user = toolkit.get_action("user_show")(context, {"id": ADMIN_NAME})
    except toolkit.ObjectNotFound:
        user = toolkit.get_action("user_create")(context, {
            "name": ADMIN_NAME, "email": "admin@openup.example", "password": ADMIN_PASSWORD,
            "fullname": "Demo administrator",
        })
    if not user.get("sysadmin"):
        # Only another sysadmin may grant it: the site user does.
        site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        user = toolkit.get_action("user_patch")(
            {"ignore_auth": True, "user": site_user}, {"id": user["id"], "sysadmin": True})
    return user


def _ensure_organization(context: dict[str, Any], organisation: dict[str, Any]) -> bool:
    try:
        toolkit.get_action("organization_show")(dict(context), {"id": organisation["name"]})
        return False
    except toolkit.ObjectNotFound:
        fields = {key: value for key, value in organisation.items() if key not in ("dataset", "ledger")}
        toolkit.get_action("organization_create")(dict(context), fields)
        return True


def _ensure_dataset(context: dict[str, Any], organisation: dict[str, Any],
                    year: int) -> tuple[dict[str, Any], bool]:
    spec = organisation["dataset"]
    name = dataset_name(organisation["name"], year, organisation["country"])
    try:
        return toolkit.get_action("package_show")(dict(context), {"id": name}), False
    except toolkit.ObjectNotFound:
        dataset = toolkit.get_action("package_create")(dict(context), {
            "type": "supplier-invoices", "name": name, "owner_org": organisation["name"],
            "title_translated": spec["title"], "notes_translated": spec["notes"],
            "tags_translated": spec["keywords"], "year": year,
            "theme": [f"{_THEMES}GOVE", f"{_THEMES}ECON"], "license_id": "cc-zero",
            "issued": f"{year}-02-01",
        })
        return dataset, True


def _upload_month(context: dict[str, Any], dataset: dict[str, Any], organisation: dict[str, Any],
                  year: int, month: int, content: bytes) -> None:
    filename = monthly_file_name(organisation["name"], f"{year}-{month:02d}", organisation["country"])
    toolkit.get_action("resource_create")(dict(context), {
        "package_id": dataset["id"], "name": f"{year}-{month:02d}", "period": f"{year}-{month:02d}",
        "format": "CSV", "mimetype": "text/csv", "size": len(content),
        "hash": hashlib.sha256(content).hexdigest(), "hash_algorithm": "sha256",
        "description": f"{organisation['title']}, {year}-{month:02d}",
        "upload": FileStorage(io.BytesIO(content), filename=filename, content_type="text/csv"),
    })


def _fresh_token(user_name: str) -> str:
    context = {"user": user_name, "ignore_auth": True}
    for token in toolkit.get_action("api_token_list")(dict(context), {"user_id": user_name}):
        if token.get("name") == TOKEN_NAME:
            toolkit.get_action("api_token_revoke")(dict(context), {"jti": token["id"]})
    return toolkit.get_action("api_token_create")(dict(context), {"user": user_name, "name": TOKEN_NAME})["token"]
