"""Do access and download URLs answer? Checked politely, as the MQA's accessibility indicators need.

HEAD first (no body is fetched); servers that refuse HEAD get a GET whose body is not read. Redirects are
followed; success is a final status below 400. Requests run in a small thread pool, at most a few at a
time per host, each with a timeout, and at most ``max_urls`` distinct URLs are asked at all.

The URLs come from someone else's catalogue, so they go through ``safe_http``: a URL (or a redirect)
to a loopback, private, link-local or metadata address is not asked and counts as not answering, as it
does for dataportal.se; ``allow_private_addresses`` asks them all the same (a catalogue on an intranet).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from ckanext.openup import safe_http

USER_AGENT = "openup-check (ckanext-openup harvest readiness; one HEAD or GET per URL)"


@dataclass(frozen=True)
class UrlAnswer:
    """How one URL answered: ``ok`` is None when it was not asked (over the limit, not HTTP)."""

    url: str
    ok: bool | None
    status: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"url": self.url, "ok": self.ok, "status": self.status, "reason": self.reason}


@dataclass(frozen=True)
class UrlCheckSettings:
    timeout_seconds: float = 10.0
    workers: int = 8
    per_host: int = 2
    max_urls: int = 5000
    allow_private_addresses: bool = False


def check_urls(urls: Iterable[str], settings: UrlCheckSettings | None = None) -> dict[str, UrlAnswer]:
    """Ask every distinct URL once (up to ``settings.max_urls``); the answer for each."""
    settings = settings or UrlCheckSettings()
    distinct = list(dict.fromkeys(urls))
    answers: dict[str, UrlAnswer] = {}
    to_ask = []
    for url in distinct:
        if urlsplit(url).scheme not in ("http", "https"):
            answers[url] = UrlAnswer(url, None, reason="not an HTTP(S) URL: not checked")
        elif len(to_ask) >= settings.max_urls:
            answers[url] = UrlAnswer(url, None, reason=f"not checked: over the limit of {settings.max_urls} URLs")
        else:
            to_ask.append(url)
    host_limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(settings.per_host))
    for url in to_ask:
        host_limits[urlsplit(url).netloc]  # created here, not racily inside the threads

    def ask(url: str) -> UrlAnswer:
        with host_limits[urlsplit(url).netloc]:
            return _ask(url, settings)

    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        for answer in pool.map(ask, to_ask):
            answers[answer.url] = answer
    return {url: answers[url] for url in distinct}


def _ask(url: str, settings: UrlCheckSettings) -> UrlAnswer:
    timeout = settings.timeout_seconds
    ask = {"max_bytes": 0, "timeout": (timeout, timeout), "deadline": 2 * timeout, "read_body": False,
           "allow_private": settings.allow_private_addresses, "headers": {"User-Agent": USER_AGENT}}
    try:
        answer = safe_http.fetch(url, method="HEAD", **ask)
        if answer.status >= 400:
            # Some servers refuse or mishandle HEAD (405, 403, 501, even 404): GET decides, without the body.
            answer = safe_http.fetch(url, method="GET", **ask)
    except safe_http.UnsafeUrlError as error:
        where = "" if error.url == url else f"redirected to {error.url}: "
        return UrlAnswer(url, False, reason=where + error.reason)
    except safe_http.FetchTimeoutError:
        return UrlAnswer(url, False, reason=f"no answer within {timeout:g} s")
    except safe_http.FetchError as error:
        return UrlAnswer(url, False, reason=error.reason)
    ok = answer.status < 400
    return UrlAnswer(url, ok, answer.status, f"{answer.status} {answer.reason}")
