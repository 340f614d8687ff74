"""Sites that are not what --ckan should point at: a plain web server, a CKAN without this extension."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cli.test_publish_cli import run
from tests.publishing.invoices import prepared_months


def publish_to_site_answering(body: bytes, content_type: str, prepared):
    """Run publish against a server that answers every request with ``body``."""
    server = serving(body, content_type)
    try:
        return run("--ckan", f"http://127.0.0.1:{server.server_port}", "--org", "x", "--year", 2025, prepared)
    finally:
        server.shutdown()


def serving(body: bytes, content_type: str):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def prepared(tmp_path):
    return prepared_months(tmp_path, 2025, [1])


def test_a_web_page_instead_of_a_ckan_api_is_a_usage_error(prepared):
    result = publish_to_site_answering(b"<html><body>Welcome to our municipality</body></html>", "text/html", prepared)
    assert result.exit_code == 2
    assert "did not answer status_show as a CKAN API (HTTP status 200); is --ckan the site's address?" in result.output
    assert "Traceback" not in result.output


def test_a_ckan_without_this_extension_is_a_usage_error(prepared):
    status = {"success": True, "result": {"ckan_version": "2.12.0", "extensions": ["stats", "text_view"]}}
    result = publish_to_site_answering(json.dumps(status).encode(), "application/json", prepared)
    assert result.exit_code == 2
    assert "is a CKAN site without ckanext-openup" in result.output
