"""``package_create`` and ``package_update`` carrying resources: their files meet the same guard.

A dataset saved whole through the API (its resources inside it) never passes ``resource_create``, so
the guard's resource hooks would not see an upload or link among them. These chained actions read
those files first; what ``resource_create``/``resource_update`` read already is not read twice.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as toolkit
from ckan import model

from ckanext.openup.invoice_guard import hooks


@toolkit.chained_action
def package_create(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """Read the files of a new supplier-invoice dataset's resources before it is created."""
    _refuse_odd_references(data_dict)
    if data_dict.get("resources"):
        # Before any file is fetched: who may not create the dataset gets nothing read for them.
        toolkit.check_access("package_create", context, data_dict)
        hooks.before_dataset_save(context, data_dict, None)
    return original_action(context, data_dict)


@toolkit.chained_action
def package_update(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """Read the new or replaced files among a supplier-invoice dataset's resources before it is saved."""
    _refuse_odd_references(data_dict)
    if isinstance(data_dict.get("resources"), list) and data_dict.get("id", data_dict.get("name")):
        toolkit.check_access("package_update", context, data_dict)
        hooks.before_dataset_save(context, data_dict, _saved_invoice_dataset(data_dict))
    return original_action(context, data_dict)


def _refuse_odd_references(data_dict: dict[str, Any]) -> None:
    # CKAN core looks an id or name that is a list, object or number up as it is and answers 500.
    odd = [field for field in ("id", "name") if data_dict.get(field) is not None
           and not isinstance(data_dict[field], str)]
    if odd:
        raise toolkit.ValidationError({field: [toolkit._("Must be a text value")] for field in odd})


def _saved_invoice_dataset(data_dict: dict[str, Any]) -> dict[str, Any] | None:
    """The dataset as saved when it is a supplier-invoice dataset (its type read cheaply first), else None."""
    saved = model.Package.get(str(data_dict.get("id") or data_dict.get("name")))
    if saved is None or saved.type != hooks.DATASET_TYPE:
        return None  # package_update itself answers a missing dataset
    return toolkit.get_action("package_show")({"ignore_auth": True, "for_update": True}, {"id": saved.id})


def get_actions() -> dict[str, Any]:
    return {"package_create": package_create, "package_update": package_update}
