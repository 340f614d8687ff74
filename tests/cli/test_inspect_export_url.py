"""``openup inspect URL`` of a paged EntryScape export fetches every page (from a loopback server here)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from ckanext.openup.cli.inspect import inspect_command
from ckanext.openup.procurement import export_download

DATA = Path(__file__).resolve().parents[1] / "data" / "procurement"
RESULTS = json.loads((DATA / "entryscape-rowstore.json").read_text(encoding="utf-8"))["results"]


class RowStore:
    """Pages by path, as a row store serves them; records which paths were asked for."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.asked: list[str] = []
        store = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                store.asked.append(self.path)
                body = store.pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def page(self, path: str, document: dict[str, object]) -> str:
        self.pages[path] = json.dumps(document, ensure_ascii=False).encode()
        return self.url + path


@pytest.fixture
def store() -> Iterator[RowStore]:
    server = RowStore()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def inspect(*args: str):
    return CliRunner().invoke(inspect_command, list(args), catch_exceptions=False)


def test_inspect_url_follows_next_links_and_checks_every_page_as_one_file(store):
    first = store.page("/rows", {"resultCount": 3, "next": "/rows?_offset=2", "results": RESULTS[:2]})
    store.page("/rows?_offset=2", {"resultCount": 3, "results": RESULTS[2:]})
    result = inspect(first)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(first + "\n")
    assert "rows:     3" in result.output
    assert "total:    4 322.03" in result.output
    assert store.asked == ["/rows", "/rows?_offset=2"]


def test_inspect_url_whose_pages_stop_short_of_the_count_says_how_many_are_missing(store):
    first = store.page("/rows", {"resultCount": 376449, "results": RESULTS[:2]})
    result = inspect(first)
    assert result.exit_code == 1
    assert f"{first}: this is one page of a paged export: it holds 2 of 376,449 rows" in result.output


def test_inspect_url_does_not_follow_a_next_link_to_another_site(store):
    first = store.page("/rows", {"next": "http://192.0.2.1/rows?_offset=2", "results": RESULTS[:2]})
    result = inspect(first)
    assert result.exit_code == 1
    assert "another site" in result.output
    assert store.asked == ["/rows"]


def test_inspect_url_whose_next_link_points_back_stops(store):
    first = store.page("/rows", {"next": "/rows", "results": RESULTS[:2]})
    result = inspect(first)
    assert result.exit_code == 1
    assert "pages do not end" in result.output


def test_inspect_url_of_a_missing_page_names_the_url_and_status(store):
    result = inspect(store.url + "/nothing")
    assert result.exit_code == 1
    assert f"{store.url}/nothing: the server answered HTTP 404" in result.output


def test_inspect_url_page_over_the_size_cap_is_refused(store, monkeypatch):
    monkeypatch.setattr(export_download, "MAX_PAGE_BYTES", 1000)
    first = store.page("/rows", {"results": RESULTS})
    result = inspect(first)
    assert result.exit_code == 1
    assert "larger than 1,000 bytes" in result.output
    assert "Traceback" not in result.output
