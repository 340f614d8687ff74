"""What follows a month's rows into the DataStore: its preview and the dataset's place in search."""

from __future__ import annotations

from ckanext.openup.rows import preview, search_text


def rows_loaded(resource_id: str, dataset_id: str, indexed: bool = False) -> None:
    """The month's rows are in: show them on its page and let searches for its suppliers find the dataset.

    ``indexed``: the dataset was already indexed with this month's suppliers during the load.
    """
    preview.ensure_rows_view(resource_id)
    if not indexed:
        search_text.reindex(dataset_id)
