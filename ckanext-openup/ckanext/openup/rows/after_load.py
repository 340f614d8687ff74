"""What follows a month's rows into the DataStore: its preview and the dataset's place in search."""

from __future__ import annotations

from ckanext.openup.rows import preview, search_text


def rows_loaded(resource_id: str, dataset_id: str) -> None:
    """The month's rows are in: show them on its page and let searches for its suppliers find the dataset."""
    preview.ensure_rows_view(resource_id)
    search_text.reindex(dataset_id)
