"""The site-wide request guard: an address holding a NUL or another control character reaches no view.

PostgreSQL refuses NUL in text, so an id or a search term holding one ended CKAN core's own pages and API
calls (``/dataset/%00``, ``package_show?id=%00``) in a server error. The guard answers 400 with a message
before any view runs: a page through CKAN's error template, or CKAN's JSON error under ``/api/``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

import ckan.plugins.toolkit as toolkit

# Below the space: C0 control characters. None belongs in a path; in a query only NUL is refused, since
# a search may legitimately hold a TAB or a line break pasted from a document.
FIRST_PRINTABLE = " "
NUL = b"\x00"


def holds_control_characters(path: str, query_string: bytes) -> bool:
    """Whether a request's decoded ``path`` holds any C0 control character or its raw query string a NUL."""
    return any(character < FIRST_PRINTABLE for character in path) or NUL in unquote_to_bytes(query_string)


def refuse_control_characters() -> Any:
    """Flask before-request hook: answer 400 to an address holding control characters, or let it through."""
    request = toolkit.request
    if not holds_control_characters(request.path, request.query_string):
        return None
    message = toolkit._(
        "The address holds control characters (such as NUL), which no page, name or search in this "
        "catalogue contains. Check the link and try again."
    )
    if request.path == "/api" or request.path.startswith("/api/"):
        body = {"success": False, "error": {"__type": "Validation Error", "message": message}}
        return json.dumps(body), 400, {"Content-Type": "application/json;charset=utf-8"}
    return toolkit.abort(400, message)


def install(app: Any) -> Any:
    """Put the guard in front of every view of CKAN's Flask ``app`` (IMiddleware hands it over)."""
    app.before_request(refuse_control_characters)
    return app
