"""Ingest fixtures: real pages and feeds, and a local HTTP server (loopback only) serving them."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

FUNDUS = SHARED_DATA / "fundus_news_pages"
READABILITY = SHARED_DATA / "readability_news_pages" / "pages"
FEEDS = SHARED_DATA / "rss_feeds"
WARCS = SHARED_DATA / "warc_samples"
BBC_PAGE = FUNDUS / "html" / "uk" / "BBC_2024_08_01.html.gz"


def fundus_expected(file: str) -> dict:
    for line in (FUNDUS / "expected.dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["file"] == file:
            return row
    raise KeyError(file)


def _page(name: str) -> bytes:
    return gzip.decompress((READABILITY / name / "source.html.gz").read_bytes())


class _Handler(BaseHTTPRequestHandler):
    server_version = "StorylineTest/1"

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, body: bytes, content_type: str, *, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.server.user_agents.append(self.headers.get("User-Agent", ""))  # type: ignore[attr-defined]
        if self.path == "/feed.xml":
            feed = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local Test News</title><link>{base}/</link>
<item><title>Obama admits US gun laws are his biggest frustration</title><link>{base}/bbc.html</link>
<description>President Barack Obama tells the BBC his failure to pass gun laws is his greatest frustration.</description>
<pubDate>Fri, 24 Jul 2015 05:36:09 +0100</pubDate></item>
<item><title>Guardian page</title><link>{base}/guardian.html</link><description>A short teaser.</description></item>
</channel></rss>"""
            self._send(feed.encode(), "application/rss+xml")
        elif self.path == "/bbc.html":
            self._send(_page("bbc-1"), "text/html; charset=utf-8")
        elif self.path == "/guardian.html":
            self._send(_page("guardian-1"), "text/html; charset=utf-8")
        elif self.path == "/gzipped.html":
            self._send(gzip.compress(gzip.decompress(BBC_PAGE.read_bytes())), "text/html", headers={"Content-Encoding": "gzip"})
        elif self.path.startswith("/redirect-to/"):  # to any URL, e.g. another host
            self._send(b"", "text/plain", status=302, headers={"Location": self.path.removeprefix("/redirect-to/")})
        elif self.path == "/moved":
            self._send(b"", "text/plain", status=301, headers={"Location": "/bbc.html"})
        elif self.path.startswith("/loop"):
            self._send(b"", "text/plain", status=302, headers={"Location": self.path + "x"})
        elif self.path == "/hang":
            time.sleep(3)
            self._send(b"too late", "text/plain")
        elif self.path == "/big":
            self._send(b"<html><body>" + b"<p>words words words</p>" * 200_000 + b"</body></html>", "text/html")
        elif self.path == "/empty.html":
            self._send(b"<html><head><title>Nothing</title></head><body><p>Move along.</p></body></html>", "text/html")
        else:
            self._send(b"not found", "text/plain", status=404)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (timeout, size cap) is what the tests want


@pytest.fixture(scope="session")
def local_server() -> Iterator[str]:
    """Base URL of an HTTP server on 127.0.0.1 serving a feed, real pages and misbehaving routes."""
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    server.user_agents = []  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def news_warc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WARC written here with warcio from a real fundus page (no real news WARC is small enough)."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path_factory.mktemp("warc") / "news.warc.gz"
    row = fundus_expected("html/uk/BBC_2024_08_01.html.gz")
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            row["url"],
            "response",
            payload=BytesIO(gzip.decompress(BBC_PAGE.read_bytes())),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-08-01T12:00:00Z"},
        )
        writer.write_record(record)
    return path
