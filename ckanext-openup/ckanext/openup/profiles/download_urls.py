"""One download URL per uploaded file, whatever page language it was uploaded or indexed from.

CKAN builds an uploaded file's URL with ``url_for`` in the current request, so a file saved from a
``/sv/`` page is indexed (and served from the index to the feeds) as ``https://site/sv/<type>/…``.
Harvesters then see a different URL for the same file depending on the publisher's language.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

# /<type>/<dataset>/resource/<resource>/download/<file>: "resource" and "download" sit at these places.
_RESOURCE, _DOWNLOAD = 2, 4


def upload_url(resource: dict) -> str:
    """The resource's URL; for an uploaded file, without the locale segment CKAN may have put in it."""
    url = (resource.get("url") or "").strip()
    if resource.get("url_type") != "upload":
        return url
    parts = urlsplit(url)
    segments = parts.path.split("/")[1:]
    if _is_download_path(segments) or not _is_download_path(segments[1:]):
        return url
    return urlunsplit(parts._replace(path="/" + "/".join(segments[1:])))


def _is_download_path(segments: list[str]) -> bool:
    return len(segments) > _DOWNLOAD + 1 and segments[_RESOURCE] == "resource" and segments[_DOWNLOAD] == "download"
