"""Upload progress: the streamed request reports the bytes really sent; the bar is drawn only on a terminal."""

from __future__ import annotations

import contextlib
import io
import sys

from ckanext.openup.cli import publish as publish_cli
from ckanext.openup.publishing.apply import apply_plan
from ckanext.openup.publishing.local_files import collect_monthly_files
from ckanext.openup.publishing.plan import plan_publication
from ckanext.openup.publishing.site import Site
from tests.publishing.invoices import prepared_months


def test_upload_progress_follows_the_bytes_sent_until_the_whole_request(site, organisation, tmp_path):
    files = collect_monthly_files([str(prepared_months(tmp_path, 2025, [1], rows_per_month=800))], 2025)
    reports: list[tuple[int, int]] = []

    @contextlib.contextmanager
    def recording(monthly):
        yield lambda sent, total: reports.append((sent, total))

    ckan = Site(site.url, site.admin_token)
    try:
        plan = plan_publication(None, files)
        apply_plan(ckan, plan, ckan.check_publisher(organisation["name"]), 2025, "cc-zero", progress_for=recording)
    finally:
        ckan.close()

    total = reports[-1][1]
    assert total > files[0].bytes  # the file plus the form fields around it
    assert len(reports) > 5  # streamed in chunks (16 KiB), not sent in one piece
    assert [sent for sent, _ in reports] == sorted(sent for sent, _ in reports)
    assert reports[-1][0] == total


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_drawn_on_a_terminal_only(tmp_path, monkeypatch):
    [monthly] = collect_monthly_files([str(prepared_months(tmp_path, 2025, [1]))], 2025)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with publish_cli._upload_bar(monthly) as update:
        update(monthly.bytes + 300, monthly.bytes + 300)
    assert "Uploading 2025-01" in terminal.getvalue()

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with publish_cli._upload_bar(monthly) as update:
        assert update is None
