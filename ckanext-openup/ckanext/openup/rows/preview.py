"""CKAN's DataTables view on every month with rows: browse, filter and sort them on the resource page.

CKAN makes a resource's default views when it is created, before its rows are loaded (the DataTables
view wants ``datastore_active``), so the view is made here, once, after a load.
"""

from __future__ import annotations

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit

from ckanext.openup.rows import loading

VIEW_TYPE = "datatables_view"


def ensure_rows_view(resource_id: str) -> None:
    """Give the resource a DataTables view unless it has one (needs the ``datatables_view`` plugin)."""
    if not plugins.plugin_loaded(VIEW_TYPE):
        return
    context = loading.site_context()
    views = toolkit.get_action("resource_view_list")(context, {"id": resource_id})
    if any(view["view_type"] == VIEW_TYPE for view in views):
        return
    title = plugins.get_plugin(VIEW_TYPE).info()["title"]
    toolkit.get_action("resource_view_create")(
        context, {"resource_id": resource_id, "view_type": VIEW_TYPE, "title": title})
