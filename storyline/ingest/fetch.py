"""Downloading a URL safely: timeouts, a size cap, a redirect cap, and no private addresses.

The address check happens where the connection is made: `CheckedBackend` resolves the host once,
refuses it when any address is private, loopback or link-local, and connects to the very address
it checked, so a name that resolves to a public address for the check and to ``127.0.0.1`` a
moment later (DNS rebinding) cannot slip through. TLS still verifies the certificate against the
host name, which is also what goes in SNI and the ``Host:`` header. Redirects are followed here,
one hop at a time, and each hop's connection goes through the same check (a public page must not
redirect Storyline to ``http://127.0.0.1/admin``). Every failure is an `InputError` naming the
URL and the reason.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from storyline.errors import InputError
from storyline.settings import Settings

__all__ = ["CheckedBackend", "Fetched", "check_address", "fetch", "is_url", "safe_client"]

Resolver = Callable[..., list[Any]]
"""``socket.getaddrinfo``'s signature; tests pass a fake one."""


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


class RefusedAddress(httpx.ConnectError):
    """Raised inside the HTTP client when a host resolves to an address Storyline must not reach
    (an `httpx.ConnectError`, so any caller that handles connection failures handles it)."""


def _refusal(host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    return f"refused: {host} is a private, loopback or link-local address ({address}); use --allow-private to fetch it"


def resolve_checked(host: str, port: int, settings: Settings, resolve: Resolver | None = None) -> list[str]:
    """The addresses ``host`` resolves to (``resolve``, by default `socket.getaddrinfo`), once;
    `RefusedAddress` when any of them is not public (unless ``allow_private_addresses``)."""
    try:
        infos = (resolve or socket.getaddrinfo)(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedAddress(f"cannot resolve host {host!r} ({exc})") from None
    addresses = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))
    if not settings.allow_private_addresses:
        for text in addresses:
            address = ipaddress.ip_address(text)
            if not address.is_global or address.is_multicast:
                raise RefusedAddress(_refusal(host, address))
    return addresses


def check_address(url: str, settings: Settings, resolve: Resolver | None = None) -> None:
    """Refuse non-HTTP URLs and hosts that resolve to private, loopback or link-local addresses.

    A check ahead of a request; `fetch` and `safe_client` check again on the address they connect to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(url, "only http:// and https:// URLs can be fetched")
    if settings.allow_private_addresses:
        return
    try:
        resolve_checked(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), settings, resolve)
    except RefusedAddress as exc:
        raise InputError(url, str(exc)) from None


class CheckedBackend(httpcore.NetworkBackend):
    """httpcore's network backend with the address check at connect time: resolve once, check
    every address, connect to a checked one (the next on failure). TLS is started by httpcore
    afterwards with the host name, so certificates are verified against the name, as usual."""

    def __init__(self, settings: Settings, resolve: Resolver | None = None) -> None:
        self.settings = settings
        self.resolve = resolve
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in resolve_checked(host, port, self.settings, self.resolve):
            try:
                return self.inner.connect_tcp(address, port, timeout=timeout, local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class CheckedTransport(httpx.HTTPTransport):
    """httpx's transport over a `CheckedBackend` connection pool (same TLS settings as httpx's default)."""

    def __init__(self, settings: Settings, resolve: Resolver | None = None, verify: ssl.SSLContext | None = None) -> None:
        super().__init__(trust_env=False)
        # httpx builds its pool without a way to pass the backend: the same pool, with ours.
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults
        self._pool = httpcore.ConnectionPool(
            ssl_context=verify or httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=CheckedBackend(settings, resolve),
        )


def safe_client(settings: Settings, *, resolve: Resolver | None = None, verify: ssl.SSLContext | None = None, **options: Any) -> httpx.Client:
    """An httpx client that connects only to checked addresses (see `CheckedBackend`), with
    Storyline's timeouts and User-Agent; ``verify``: the TLS context (default: httpx's, with
    certifi's roots); ``options`` go to `httpx.Client`. Proxies from the environment are not used:
    through a proxy the address Storyline checks is not the one reached."""
    options.setdefault("timeout", httpx.Timeout(settings.http_read_timeout, connect=settings.http_connect_timeout))
    options.setdefault("headers", {"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"})
    options.setdefault("follow_redirects", False)
    return httpx.Client(transport=CheckedTransport(settings, resolve, verify), trust_env=False, **options)


def fetch(url: str, settings: Settings, *, client: httpx.Client | None = None, headers: dict[str, str] | None = None) -> Fetched:
    """Download ``url`` (following at most ``http_max_redirects`` redirects) or raise `InputError`.

    ``headers`` go with every hop, e.g. ``If-None-Match`` for a conditional GET: a 304 answer
    comes back as ``Fetched(status=304, data=b"")``. A ``client`` should come from `safe_client`,
    which checks the address it connects to.
    """
    own = client is None
    if client is None:
        client = safe_client(settings)
    deadline = time.monotonic() + settings.http_total_timeout
    try:
        current = url
        for _hop in range(settings.http_max_redirects + 1):
            if urlsplit(current).scheme not in ("http", "https") or not urlsplit(current).hostname:
                raise InputError(current, "only http:// and https:// URLs can be fetched")
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
            except RefusedAddress as exc:
                raise InputError(current, str(exc)) from None
            except httpx.TimeoutException:
                raise InputError(url, f"timed out (connect {settings.http_connect_timeout:g} s, read {settings.http_read_timeout:g} s)") from None
            except httpx.HTTPError as exc:
                raise InputError(url, f"download failed: {exc or type(exc).__name__}") from None
        raise InputError(url, f"too many redirects (over {settings.http_max_redirects}, http_max_redirects)")
    finally:
        if own:
            client.close()
