"""Routes of the invoice rows: the year as one CSV, and CKAN's DataTables routes kept to visible datasets."""

from __future__ import annotations

import ckan.plugins.toolkit as toolkit
from flask import Blueprint, Response, stream_with_context

from ckanext.openup.rows import summary, year_csv
from ckanext.openup.rows.loading import DATASET_TYPE

invoice_rows = Blueprint("openup_invoice_rows", __name__)


def year_csv_download(id: str):
    """Every loaded month of the dataset as one CSV; 404 when the visitor may not see it or it has no rows."""
    try:
        dataset = toolkit.get_action("package_show")({"user": toolkit.current_user.name}, {"id": id})
    except (toolkit.ObjectNotFound, toolkit.NotAuthorized):
        return toolkit.abort(404, toolkit._("Dataset not found"))
    resource_ids = [resource["id"] for resource in dataset.get("resources", [])]
    layouts = summary.layout_of(resource_ids) if dataset.get("type") == DATASET_TYPE else {}
    if not layouts:
        return toolkit.abort(404, toolkit._("This dataset has no invoice rows to download"))
    # Every month of an organisation is loaded in its country's layout; one that is not is left out.
    layout = layouts[next(resource_id for resource_id in resource_ids if resource_id in layouts)]
    months = [resource_id for resource_id in resource_ids if layouts.get(resource_id) == layout]
    response = Response(stream_with_context(year_csv.stream_year(months, layout)),
                        content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{dataset["name"]}.csv"'
    return response


# CKAN's DataTables routes let NotAuthorized escape (a 500 with a traceback in the log) when the view's
# dataset is hidden from the visitor; they are answered 404 here first, as the dataset's own pages are.
DATATABLES_ENDPOINTS = frozenset({"datatablesview.ajax", "datatablesview.filtered_download"})


@invoice_rows.before_app_request
def refuse_hidden_previews():
    """Answer 404 for a DataTables request on a view the visitor may not see."""
    if toolkit.request.endpoint not in DATATABLES_ENDPOINTS:
        return None
    view_id = (toolkit.request.view_args or {}).get("resource_view_id")
    try:
        toolkit.get_action("resource_view_show")({"user": toolkit.current_user.name}, {"id": view_id})
    except (toolkit.ObjectNotFound, toolkit.NotAuthorized):
        return toolkit.abort(404, toolkit._("Resource view not found"))
    return None


invoice_rows.add_url_rule("/dataset/<id>/invoice-rows.csv", view_func=year_csv_download,
                          endpoint="year_csv")
