"""The site-wide request guard: a NUL or another control character in an address or a field reaches no view.

PostgreSQL refuses NUL in text, so an id, a search term or a login name holding one ended CKAN core's own
pages and API calls (``/dataset/%00``, ``package_show?id=%00``, the login form) in a server error. The guard
answers 400 with a message before any view runs: a page through CKAN's error template, or CKAN's JSON error
under ``/api/``. Uploaded files are not fields: their bytes are never looked at here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

import ckan.plugins.toolkit as toolkit

# Below the space: C0 control characters. None belongs in a path; in a query only NUL is refused, since
# a search may legitimately hold a TAB or a line break pasted from a document.
FIRST_PRINTABLE = " "
NUL = b"\x00"
NUL_CHARACTER = "\x00"
# JSON can only write a NUL as this escape, so a text without it needs no parsing.
JSON_NUL_ESCAPE = "\\u0000"
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def holds_control_characters(path: str, query_string: bytes) -> bool:
    """Whether a request's decoded ``path`` holds any C0 control character or its raw query string a NUL."""
    return any(character < FIRST_PRINTABLE for character in path) or NUL in unquote_to_bytes(query_string)


def holds_nul(values: Iterable[Any]) -> bool:
    """Whether any text in ``values`` (parsed JSON or form fields, nested dicts and lists too) holds a NUL."""
    pending = list(values)
    while pending:  # a loop, not recursion: nesting depth is the sender's choice
        value = pending.pop()
        if isinstance(value, str) and NUL_CHARACTER in value:
            return True
        if isinstance(value, dict):
            pending += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            pending += value
    return False


def _json_holds_nul(text: str) -> bool:
    if JSON_NUL_ESCAPE not in text:
        return False
    try:
        return holds_nul([json.loads(text)])
    except (ValueError, RecursionError):  # not JSON, or too deep: the view answers that, not the guard
        return False


def _posted_fields_hold_nul(request: Any) -> bool:
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if request.mimetype in FORM_TYPES:
        # Parsed once and cached for the view; uploaded files are in request.files, not here.
        fields = list(request.form.items(multi=True))
        if holds_nul(text for field in fields for text in field):
            return True
        # CKAN's API also reads a JSON document posted as a form's only key (`curl -d '{"id": ...}'`).
        return len(fields) == 1 and fields[0][1] in ("", "1") and _json_holds_nul(fields[0][0])
    return request.is_json and _json_holds_nul(request.get_data(cache=True, as_text=True))


def refusal(request: Any) -> str | None:
    """The message refusing ``request`` for the control characters it holds, or None when it may go on."""
    if holds_control_characters(request.path, request.query_string):
        return toolkit._(
            "The address holds control characters (such as NUL), which no page, name or search in this "
            "catalogue contains. Check the link and try again."
        )
    if _posted_fields_hold_nul(request):
        return toolkit._(
            "A field of the request holds control characters (NUL), which no name, text or search in this "
            "catalogue can contain. Remove them and try again."
        )
    return None


def refuse_control_characters() -> Any:
    """Flask before-request hook: answer 400 to a request holding control characters, or let it through."""
    request = toolkit.request
    message = refusal(request)
    if message is None:
        return None
    if request.path == "/api" or request.path.startswith("/api/"):
        body = {"success": False, "error": {"__type": "Validation Error", "message": message}}
        return json.dumps(body), 400, {"Content-Type": "application/json;charset=utf-8"}
    return toolkit.abort(400, message)


def install(app: Any) -> Any:
    """Put the guard in front of every view of CKAN's Flask ``app`` (IMiddleware hands it over)."""
    app.before_request(refuse_control_characters)
    return app
