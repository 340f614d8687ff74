"""An HTTP proxy on loopback in front of a live CKAN that drops fields from the actions it forwards.

It stands for a site that does not do what an API call asked (a plugin that resets a field, an older
CKAN), so a test can show that publish notices instead of assuming.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from tests.live_ckan import free_port


class RewritingProxy:
    """Forwards ``127.0.0.1:port`` to ``upstream_port``; JSON action bodies lose ``drop_fields``."""

    def __init__(self, upstream_port: int, drop_fields: tuple[str, ...]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        upstream = f"http://127.0.0.1:{upstream_port}"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._forward(None)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type", "").startswith("application/json") and body:
                    data = json.loads(body)
                    for name in drop_fields:
                        data.pop(name, None)
                    body = json.dumps(data).encode("utf-8")
                self._forward(body)

            def _forward(self, body: bytes | None) -> None:
                headers = {key: value for key, value in self.headers.items()
                           if key.lower() not in ("host", "content-length", "connection")}
                answer = requests.request(self.command, upstream + self.path, data=body, headers=headers,
                                          timeout=120, allow_redirects=False)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", "text/plain"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def __enter__(self) -> RewritingProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
