"""Do access and download URLs answer? Checked politely, as the MQA's accessibility indicators need.

HEAD first (no body is fetched); servers that refuse HEAD get a GET whose body is not read. Redirects are
followed; success is a final status below 400. Requests run in a small thread pool, at most a few at a
time per host, each with a timeout, and at most ``max_urls`` distinct URLs are asked at all.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

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
    local = threading.local()

    def ask(url: str) -> UrlAnswer:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.headers["User-Agent"] = USER_AGENT
        with host_limits[urlsplit(url).netloc]:
            return _ask(local.session, url, settings.timeout_seconds)

    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        for answer in pool.map(ask, to_ask):
            answers[answer.url] = answer
    return {url: answers[url] for url in distinct}


def _ask(session: requests.Session, url: str, timeout: float) -> UrlAnswer:
    try:
        response = session.head(url, allow_redirects=True, timeout=timeout)
        if response.status_code >= 400:
            # Some servers refuse or mishandle HEAD (405, 403, 501, even 404): GET decides, without the body.
            with session.get(url, allow_redirects=True, timeout=timeout, stream=True) as response:
                pass
    except requests.Timeout:
        return UrlAnswer(url, False, reason=f"no answer within {timeout:g} s")
    except requests.ConnectionError:
        return UrlAnswer(url, False, reason="connection failed")
    except requests.RequestException as error:
        return UrlAnswer(url, False, reason=type(error).__name__)
    ok = response.status_code < 400
    return UrlAnswer(url, ok, response.status_code, f"{response.status_code} {response.reason}")
