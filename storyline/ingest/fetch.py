"""Downloading a URL safely: timeouts, a size cap, a redirect cap, and no private addresses.

Redirects are followed here, one hop at a time, so that every hop's address is checked (a public
page must not redirect Storyline to ``http://127.0.0.1/admin``). Every failure is an
`InputError` naming the URL and the reason.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from storyline.errors import InputError
from storyline.settings import Settings

__all__ = ["Fetched", "check_address", "fetch", "http_client", "is_url"]


@dataclass
class Fetched:
    url: str
    """The final URL, after redirects."""
    data: bytes
    content_type: str | None = None
    status: int = 200
    """304 when a conditional request found the resource unchanged (``data`` is then empty)."""
    etag: str | None = None
    last_modified: str | None = None
    """The validators to send back next time (``If-None-Match`` / ``If-Modified-Since``)."""


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://")) and bool(urlsplit(text).hostname)


def check_address(url: str, settings: Settings) -> None:
    """Refuse non-HTTP URLs and hosts that resolve to private, loopback or link-local addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(url, "only http:// and https:// URLs can be fetched")
    if settings.allow_private_addresses:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(url, f"cannot resolve host {parts.hostname!r} ({exc})") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            raise InputError(
                url,
                f"refused: {parts.hostname} is a private, loopback or link-local address ({address}); use --allow-private to fetch it",
            )


def http_client(settings: Settings) -> httpx.Client:
    """The one way Storyline builds an HTTP client (fetching, watching sources, posting alerts):
    the settings' connect/read timeouts, its User-Agent, and no redirect followed by httpx (each
    hop is checked against private addresses by the caller first)."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.http_read_timeout, connect=settings.http_connect_timeout),
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=False,
    )


def fetch(url: str, settings: Settings, *, client: httpx.Client | None = None, headers: dict[str, str] | None = None) -> Fetched:
    """Download ``url`` (following at most ``http_max_redirects`` redirects) or raise `InputError`.

    ``headers`` go with every hop, e.g. ``If-None-Match`` for a conditional GET: a 304 answer
    comes back as ``Fetched(status=304, data=b"")``.
    """
    own = client is None
    if client is None:
        client = http_client(settings)
    deadline = time.monotonic() + settings.http_total_timeout
    try:
        current = url
        for _hop in range(settings.http_max_redirects + 1):
            check_address(current, settings)
            try:
                with client.stream("GET", current, headers=headers) as response:
                    if response.status_code == 304:  # a conditional request: unchanged, no body
                        headers_in = response.headers
                        return Fetched(str(response.url), b"", status=304, etag=headers_in.get("etag"), last_modified=headers_in.get("last-modified"))
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise InputError(url, f"HTTP {response.status_code} redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise InputError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > settings.http_max_bytes:
                        raise InputError(url, f"response is {int(declared) / 1e6:,.1f} MB, over the {settings.http_max_bytes / 1e6:,.0f} MB limit (http_max_bytes)")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():  # decompresses gzip/deflate
                        size += len(chunk)
                        if size > settings.http_max_bytes:
                            raise InputError(url, f"response over the {settings.http_max_bytes / 1e6:,.0f} MB limit (http_max_bytes)")
                        if time.monotonic() > deadline:
                            raise InputError(url, f"download took over {settings.http_total_timeout:g} s (http_total_timeout)")
                        chunks.append(chunk)
                    return Fetched(
                        url=str(response.url),
                        data=b"".join(chunks),
                        content_type=response.headers.get("content-type"),
                        status=response.status_code,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
            except httpx.TimeoutException:
                raise InputError(url, f"timed out (connect {settings.http_connect_timeout:g} s, read {settings.http_read_timeout:g} s)") from None
            except httpx.HTTPError as exc:
                raise InputError(url, f"download failed: {exc or type(exc).__name__}") from None
        raise InputError(url, f"too many redirects (over {settings.http_max_redirects}, http_max_redirects)")
    finally:
        if own:
            client.close()
