"""Download a paged EntryScape row-store export, every page, into one local file that ``inspect`` reads.

A row store hands out one page per request and names the next in ``next``. Pages are followed on the
first URL's own site only (a ``next`` elsewhere is refused), each page is read with a size cap, and the
number of pages and the whole export are capped, so a hostile server cannot make this run forever.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ckanext.openup import safe_http
from ckanext.openup.procurement.entryscape import ExportPage
from ckanext.openup.procurement.errors import InvoiceFileError, UnreadableFileError

MAX_PAGE_BYTES = 64 * 1024 * 1024
MAX_EXPORT_BYTES = 2 * 1024 * 1024 * 1024
MAX_PAGES = 20_000
TIMEOUT_SECONDS = 60
# A page that drips in slowly stops here, whatever the read timeout.
PAGE_DEADLINE_SECONDS = 600
_CHUNK = 1024 * 1024


class ExportDownloadError(InvoiceFileError):
    """A page of the export could not be fetched, or the export broke a limit."""


def is_export_url(text: str) -> bool:
    """Whether a command-line argument is a web address rather than a file name."""
    return text.startswith(("http://", "https://"))


def download_paged_export(url: str, target: Path) -> int:
    """Fetch every page from ``url`` on, write all results to ``target`` as one export; return the rows."""
    origin = _origin(url)
    page_file = target.with_name(target.name + ".page")
    seen: set[str] = set()
    rows = 0
    written = 0
    count: int | None = None
    try:
        with open(target, "w", encoding="utf-8") as export:
            export.write('{"results": [')
            while url:
                if len(seen) >= MAX_PAGES or url in seen:
                    raise ExportDownloadError(url, f"the export's pages do not end (after {len(seen):,} pages)")
                if _origin(url) != origin:
                    raise ExportDownloadError(url, f"the next page is on another site than {origin}; not followed")
                seen.add(url)
                written += _fetch_page(url, page_file)
                if written > MAX_EXPORT_BYTES:
                    raise ExportDownloadError(url, f"the export is larger than {MAX_EXPORT_BYTES:,} bytes")
                page = ExportPage(os.fspath(page_file))
                for record in page.results():
                    export.write((",\n" if rows else "\n") + json.dumps(record, ensure_ascii=False))
                    rows += 1
                count = page.result_count if page.result_count is not None else count
                url = urljoin(url, page.next_url) if page.next_url else ""
            # The store's own count stays in the file: inspect refuses it if rows are still missing.
            export.write("\n]" + (f', "resultCount": {count}' if count is not None else "") + "}\n")
    except UnreadableFileError as error:
        raise ExportDownloadError(url, f"a page is not a row-store export: {error.message}") from None
    finally:
        page_file.unlink(missing_ok=True)
    return rows


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _fetch_page(url: str, page_file: Path) -> int:
    """Save one page to ``page_file``, refusing it past :data:`MAX_PAGE_BYTES`; return its size."""
    # The publisher names the export, so an intranet address is allowed; caps and a deadline still hold.
    try:
        fetched = safe_http.fetch(url, max_bytes=MAX_PAGE_BYTES, timeout=(10, TIMEOUT_SECONDS),
                                  deadline=PAGE_DEADLINE_SECONDS, allow_private=True, max_redirects=0)
    except safe_http.ResponseTooLargeError:
        raise ExportDownloadError(url, f"the page is larger than {MAX_PAGE_BYTES:,} bytes") from None
    except safe_http.FetchError as error:
        raise ExportDownloadError(url, f"the page could not be fetched: {error.reason}") from None
    if fetched.status != 200:
        raise ExportDownloadError(url, f"the server answered HTTP {fetched.status}; no page was read")
    page_file.write_bytes(fetched.content)
    return len(fetched.content)
