"""Fetch a URL someone else named, without letting it reach our own network or eat our memory.

A catalogue, a ``dct:hasPart``, a ``hydra:next``, a redirect or a linked invoice file may name any address.
Every request made here:

- is ``http`` or ``https`` only;
- resolves the host itself, refuses it if **any** resolved address is loopback, private, link-local,
  unique-local, shared (CGNAT), multicast, unspecified, reserved or a cloud metadata address (also when
  written as a decimal, octal or hex number, IPv4-mapped IPv6, 6to4, Teredo or NAT64), and then connects to
  the address it checked (the TLS name and ``Host`` stay the host name), so a second DNS answer cannot swap it;
- follows redirects itself, at most ``max_redirects``, checking every hop the same way;
- stops reading at ``max_bytes`` (after decompression) and raises; stops at the ``deadline`` in seconds
  (at worst one read timeout later when a server sends a byte just before each timeout).

``allow_private=True`` allows loopback and private addresses (a catalogue on an intranet, tests on
127.0.0.1); multicast, unspecified and the cloud metadata addresses stay refused even then. Proxies from the
environment are not used: a proxy would connect to a name we have not checked.

Public names (stable):

- ``fetch(url, *, max_bytes, timeout=(10, 60), deadline=120, allow_private=False, headers=None,
  method="GET", max_redirects=5) -> Fetched`` — the final answer, whatever its status (4xx/5xx included).
- ``download_to(url, path, *, max_bytes, ...) -> Fetched`` — the body written to ``path`` (``content`` empty);
  a status of 400 or more raises ``FetchError``; on any failure ``path`` is left untouched.
- ``Fetched``: ``url``, ``final_url``, ``status``, ``reason``, ``headers``, ``content``, ``size``, ``redirects``
  (each hop's ``(status, url)``).
- ``FetchError(url, reason)``: nothing usable came back (unreachable, timed out, too many redirects, ...).
  ``UnsafeUrlError`` and ``ResponseTooLargeError`` are kinds of it; ``str(error)`` is "url: reason".
- ``check_url(url, *, allow_private=False)``: raise ``UnsafeUrlError`` for a URL ``fetch`` would refuse
  before any DNS lookup (scheme, literal address); ``refusal(address, allow_private)`` says why an address
  is refused, or ``""``.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK_BYTES = 64 * 1024
# Cloud instance metadata: refused even with allow_private, no catalogue lives there.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(address) for address in (
    "169.254.169.254",  # AWS, Azure, GCP, OpenStack, DigitalOcean
    "169.254.170.2",  # AWS ECS task metadata
    "100.100.100.200",  # Alibaba Cloud
    "fd00:ec2::254",  # AWS over IPv6
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """Nothing usable came back from ``url``; ``reason`` says why in words a user can act on."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class UnsafeUrlError(FetchError):
    """The URL (or a redirect on the way) names an address or scheme that is not fetched."""


class ResponseTooLargeError(FetchError):
    """The answer is larger than the caller's ``max_bytes``; reading stopped there."""


@dataclass
class Fetched:
    """The final answer to one fetch (after redirects)."""

    url: str
    final_url: str
    status: int
    reason: str
    headers: CaseInsensitiveDict = field(default_factory=CaseInsensitiveDict)
    content: bytes = b""
    size: int = 0
    redirects: list[tuple[int, str]] = field(default_factory=list)

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower case ("" when there is none)."""
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: tuple[float, float] = (10, 60),
    deadline: float = 120,
    allow_private: bool = False,
    headers: Mapping[str, str] | None = None,
    method: str = "GET",
    max_redirects: int = 5,
) -> Fetched:
    """Fetch ``url`` safely (see the module docstring); its body in ``content`` (empty for HEAD)."""
    chunks: list[bytes] = []
    fetched = _request(url, max_bytes=max_bytes, timeout=timeout, deadline=deadline, allow_private=allow_private,
                       headers=headers, method=method, max_redirects=max_redirects, sink=chunks.append)
    fetched.content = b"".join(chunks)
    return fetched


def download_to(
    url: str,
    path: str | os.PathLike[str],
    *,
    max_bytes: int,
    timeout: tuple[float, float] = (10, 60),
    deadline: float = 600,
    allow_private: bool = False,
    headers: Mapping[str, str] | None = None,
    max_redirects: int = 5,
) -> Fetched:
    """Write the body of ``url`` to ``path`` (whole or not at all); FetchError also for a status of 400 or more."""
    directory = os.path.dirname(os.path.abspath(path))
    handle = tempfile.NamedTemporaryFile(dir=directory, prefix=".download-", delete=False)  # noqa: SIM115
    try:
        with handle:
            fetched = _request(url, max_bytes=max_bytes, timeout=timeout, deadline=deadline,
                               allow_private=allow_private, headers=headers, method="GET",
                               max_redirects=max_redirects, sink=handle.write, fail_on_error_status=True)
        os.replace(handle.name, path)
    except BaseException:
        os.unlink(handle.name)
        raise
    return fetched


def refusal(address: Address, allow_private: bool = False) -> str:
    """Why ``address`` is not connected to, or "" when it may be."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return refusal(embedded, allow_private)
    if allow_private or address.is_global:
        return ""
    for kind, is_kind in (("a loopback", address.is_loopback), ("a link-local", address.is_link_local),
                          ("a reserved", address.is_reserved)):
        if is_kind:
            return f"{kind} address"
    return "a private address"


def check_url(url: str, *, allow_private: bool = False) -> None:
    """Raise UnsafeUrlError when ``url`` is refused without asking DNS (scheme, host, literal address)."""
    _target(url, allow_private, resolve=False)


@dataclass(frozen=True)
class _Target:
    """Where one hop connects: the checked address, and the names TLS and Host must carry."""

    hostname: str
    address: str
    port: int
    pinned_url: str
    host_header: str


def _request(url: str, *, max_bytes: int, timeout: tuple[float, float], deadline: float, allow_private: bool,
             headers: Mapping[str, str] | None, method: str, max_redirects: int, sink,
             fail_on_error_status: bool = False) -> Fetched:
    give_up_at = time.monotonic() + deadline
    redirects: list[tuple[int, str]] = []
    current = url
    while True:
        target = _target(current, allow_private, resolve=True)
        response = _send(current, target, method, headers, timeout, give_up_at)
        with response:
            location = response.headers.get("Location")
            if response.status_code in REDIRECT_STATUSES and location:
                if len(redirects) >= max_redirects:
                    raise FetchError(url, f"more than {max_redirects} redirects")
                redirects.append((response.status_code, current))
                if response.status_code == 303 and method != "HEAD":
                    method = "GET"
                current = urljoin(current, location.strip())
                continue
            if fail_on_error_status and response.status_code >= 400:
                raise FetchError(current, f"the server answered {response.status_code} {response.reason}")
            size = 0 if method == "HEAD" else _read_body(current, response, max_bytes, give_up_at, sink)
            return Fetched(url=url, final_url=current, status=response.status_code, reason=response.reason or "",
                           headers=response.headers, size=size, redirects=redirects)


def _target(url: str, allow_private: bool, resolve: bool) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeUrlError(url, f"not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrlError(url, "only http and https URLs are fetched")
    hostname = parts.hostname or ""
    if not hostname:
        raise UnsafeUrlError(url, "the URL names no host")
    try:
        ascii_host = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnsafeUrlError(url, f"{hostname!r} is not a valid host name") from None
    addresses = _addresses(url, ascii_host, port, resolve)
    for address in addresses:
        why = refusal(address, allow_private)
        if why:
            shown = hostname if hostname == str(address) else f"{hostname} ({address})"
            raise UnsafeUrlError(url, f"{shown} is {why}: not fetched")
    if not addresses:  # only when not resolving
        return _Target(ascii_host, "", port, "", "")
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    if parts.port:
        host_header += f":{parts.port}"
    return _Target(ascii_host, str(address), port, f"{parts.scheme}://{literal}:{port}{path}", host_header)


def _addresses(url: str, host: str, port: int, resolve: bool) -> list[Address]:
    """The literal address in ``host``, or (when resolving) every address DNS gives for it."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if not resolve:
        return []
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(url, f"the host name {host} was not found") from None
    # getaddrinfo also reads 2130706433, 0177.0.0.1 and 0x7f.1 as addresses: they are checked like any other.
    addresses = [ipaddress.ip_address(answer[4][0].split("%")[0]) for answer in answers]
    if not addresses:
        raise FetchError(url, f"the host name {host} has no address")
    return list(dict.fromkeys(addresses))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


class _PinnedAdapter(HTTPAdapter):
    """Connects to the checked address while TLS checks the certificate (and sends SNI) for the host name."""

    def __init__(self, hostname: str) -> None:
        self._hostname = hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["server_hostname"] = self._hostname
        kwargs["assert_hostname"] = self._hostname
        super().init_poolmanager(*args, **kwargs)


def _send(url: str, target: _Target, method: str, headers: Mapping[str, str] | None,
          timeout: tuple[float, float], give_up_at: float) -> requests.Response:
    remaining = give_up_at - time.monotonic()
    if remaining <= 0:
        raise FetchError(url, "no complete answer within the time allowed")
    session = requests.Session()
    session.trust_env = False
    session.mount("https://", _PinnedAdapter(target.hostname))
    session.mount("http://", HTTPAdapter(max_retries=0))
    request_headers = {**(headers or {}), "Host": target.host_header}
    try:
        return session.request(method, target.pinned_url, headers=request_headers, stream=True,
                               allow_redirects=False,
                               timeout=(min(timeout[0], remaining), min(timeout[1], remaining)))
    except requests.Timeout:
        raise FetchError(url, "timed out") from None
    except requests.exceptions.SSLError:
        raise FetchError(url, "the TLS certificate could not be verified") from None
    except requests.ConnectionError:
        raise FetchError(url, "connection failed") from None
    except requests.RequestException as error:
        raise FetchError(url, f"the request failed ({type(error).__name__})") from None
    finally:
        session.close()


def _read_body(url: str, response: requests.Response, max_bytes: int, give_up_at: float, sink) -> int:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes and "Content-Encoding" not in response.headers:
        raise ResponseTooLargeError(url, f"the answer is {int(declared):,} bytes, more than the "
                                         f"{max_bytes:,} allowed")
    size = 0
    for chunk in _chunks(url, response):
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLargeError(url, f"the answer is larger than the {max_bytes:,} bytes allowed")
        if time.monotonic() > give_up_at:
            raise FetchError(url, "no complete answer within the time allowed")
        sink(chunk)
    return size


def _chunks(url: str, response: requests.Response) -> Iterator[bytes]:
    """The decoded body, one network read at a time (so the deadline is checked between reads)."""
    try:
        while chunk := response.raw.read1(CHUNK_BYTES, decode_content=True):
            yield chunk
    except requests.Timeout:
        raise FetchError(url, "timed out while reading the answer") from None
    except Exception as error:  # noqa: BLE001 - urllib3 and http.client raise many kinds mid-body
        raise FetchError(url, f"the answer broke off ({type(error).__name__})") from None
