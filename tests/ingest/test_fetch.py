"""URLs, feeds and files of URLs from a local HTTP server (127.0.0.1, with allow_private)."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest

from storyline.cli import cli
from storyline.errors import InputError
from storyline.ingest import read_inputs
from storyline.ingest.fetch import check_address, fetch, safe_client
from storyline.settings import Settings
from tests.conftest import SEEDS, seed_path
from tests.ingest.conftest import BBC_PAGE, FEEDS, WARCS, fundus_expected

LOCAL = Settings(allow_private_addresses=True, http_read_timeout=1.0, http_connect_timeout=1.0, http_max_redirects=3)


def _read(*inputs: str, settings: Settings = LOCAL) -> tuple[list, list[InputError]]:
    items = list(read_inputs(list(inputs), settings))
    return [i for i in items if not isinstance(i, InputError)], [i for i in items if isinstance(i, InputError)]


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://localhost:8080/x", "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://[::1]/"])
def test_private_addresses_are_refused_by_default(url):
    with pytest.raises(InputError, match="--allow-private"):
        check_address(url, Settings())


def test_loopback_is_refused_without_the_flag(local_server):
    _, (error,) = _read(local_server + "/bbc.html", settings=Settings())
    assert "refused" in error.reason and "--allow-private" in error.reason


def test_a_page_url_is_fetched_and_extracted(local_server):
    (article,), errors = _read(local_server + "/bbc.html")
    assert not errors
    assert article.title.startswith("Obama admits US gun laws are his")
    assert article.url and article.language == "en"


def test_gzip_responses_redirects_and_user_agent(local_server):
    (article,), _ = _read(local_server + "/gzipped.html")
    assert article.title == fundus_expected("html/uk/BBC_2024_08_01.html.gz")["title"]
    got = fetch(local_server + "/moved", LOCAL)
    assert got.url.endswith("/bbc.html")


def test_redirect_loops_hangs_and_oversize_get_one_clear_error_each(local_server):
    small = LOCAL.with_(http_max_bytes=1024 * 1024)
    items = list(read_inputs([local_server + "/loop", local_server + "/hang", local_server + "/big", local_server + "/missing", local_server + "/empty.html"], small))
    reasons = [e.reason for e in items]
    assert all(isinstance(e, InputError) for e in items)
    assert "too many redirects" in reasons[0]
    assert "timed out" in reasons[1]
    assert "limit (http_max_bytes)" in reasons[2]
    assert reasons[3].startswith("HTTP 404")
    assert "no article text" in reasons[4]


def test_summary_only_feed_entries_are_fetched_with_fetch_links(local_server):
    _, (error,) = _read(local_server + "/feed.xml")
    assert "2 of 2 entries have only a summary" in error.reason
    articles, errors = _read(local_server + "/feed.xml", settings=LOCAL.with_(fetch_links=True))
    assert not errors and len(articles) == 2
    assert {a.outlet for a in articles} >= {"BBC News"} or all(a.outlet for a in articles)
    assert all(a.metadata.get("feed") for a in articles)


def test_a_file_of_urls(local_server, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# reading list\n{local_server}/bbc.html\n{local_server}/guardian.html\n{local_server}/missing\n", encoding="utf-8")
    articles, errors = _read(str(listing))
    assert len(articles) == 2
    (error,) = errors
    assert error.source.endswith("/missing")


def test_all_six_kinds_through_one_ingest_command(local_server, tmp_path, runner):
    jsonl = tmp_path / "one.jsonl"
    jsonl.write_text(json.dumps({"text": seed_path("004").read_text(encoding="utf-8"), "outlet": "Seed Outlet", "title": "Seed 004"}) + "\n", encoding="utf-8")
    db = tmp_path / "six.db"
    inputs = [
        str(seed_path("003")),  # text
        str(jsonl),  # JSONL
        str(BBC_PAGE),  # HTML
        str(FEEDS / "node-feedparser" / "tpm.atom"),  # Atom
        str(WARCS / "warcio" / "example.warc.gz"),  # WARC
        local_server + "/guardian.html",  # URL
    ]
    result = runner.invoke(cli, ["--db", str(db), "ingest", "-q", "--allow-private", *inputs])
    assert result.exit_code == 0, result.output
    assert "25 ingested" in result.output
    rows = json.loads(runner.invoke(cli, ["--db", str(db), "articles", "--format", "json"]).output)
    kinds = {row["source"].split(":", 1)[0] for row in rows}
    assert kinds == {"text", "jsonl", "html", "feed", "warc"}
    assert any(row["url"] and row["url"].startswith(local_server) for row in rows)


def test_bad_inputs_leave_the_store_alone_and_the_batch_goes_on(seeds_db, tmp_path, runner):
    import shutil
    from pathlib import Path

    db = tmp_path / "s.db"
    shutil.copy(Path(seeds_db), db)
    before = runner.invoke(cli, ["--db", str(db), "articles", "--format", "json"]).output
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(BBC_PAGE.read_bytes()[:2000])
    result = runner.invoke(
        cli,
        ["--db", str(db), "ingest", "-q", str(broken), str(FEEDS / "node-feedparser" / "notafeed.html"), "http://127.0.0.1:9/x", str(SEEDS)],
    )
    assert result.exit_code == 1
    assert "0 ingested, 5 duplicates, 3 failed" in result.output
    assert "Traceback" not in result.output
    assert runner.invoke(cli, ["--db", str(db), "articles", "--format", "json"]).output == before


# --- DNS rebinding: fetch connects to the address it checked (issue 23) ----------------------

PUBLIC_A, PUBLIC_B = "93.184.215.14", "93.184.215.15"


@pytest.fixture()
def internet(local_server, monkeypatch):
    """A fake DNS (each name answers its list in turn, the last one from then on) and a fake
    network where every public address is served by the local test server; records each
    connection's address."""
    answers: dict[str, list[str]] = {}
    lookups: list[str] = []
    connected: list[str] = []
    real_connect = socket.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if host[0].isdigit():  # an address already: nothing to look up
            address = host
        else:
            lookups.append(host)
            queue = answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    def create_connection(address, *args, **kwargs):
        connected.append(address[0])
        host = "127.0.0.1" if address[0] in (PUBLIC_A, PUBLIC_B) else address[0]
        return real_connect((host, address[1]), *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    port = urlsplit(local_server).port
    return {"answers": answers, "lookups": lookups, "connected": connected, "port": port}


def test_a_name_that_rebinds_to_loopback_after_the_check_is_never_reached(internet):
    internet["answers"]["news.example"] = [PUBLIC_A, "127.0.0.1"]
    got = fetch(f"http://news.example:{internet['port']}/bbc.html", Settings())
    assert b"Obama" in got.data
    assert internet["connected"] == [PUBLIC_A]  # the checked address, not a second lookup's
    assert internet["lookups"] == ["news.example"]


def test_every_redirect_hop_connects_to_the_address_it_checked(internet):
    port = internet["port"]
    internet["answers"].update({"news.example": [PUBLIC_A], "cdn.example": [PUBLIC_B, "127.0.0.1"], "intranet.example": ["10.0.0.5"]})
    got = fetch(f"http://news.example:{port}/redirect-to/http://cdn.example:{port}/bbc.html", Settings())
    assert b"Obama" in got.data and internet["connected"] == [PUBLIC_A, PUBLIC_B]
    internet["connected"].clear()
    with pytest.raises(InputError, match="refused: intranet.example .*10.0.0.5.*--allow-private"):
        fetch(f"http://news.example:{port}/redirect-to/http://intranet.example:{port}/bbc.html", Settings())
    assert internet["connected"] == [PUBLIC_A]


@pytest.fixture()
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 whose self-signed certificate names news.example only."""
    import http.server
    import shutil
    import ssl
    import subprocess
    import threading

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=news.example",
         "-addext", "subjectAltName=DNS:news.example", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = f"<html><body><p>Served to host {self.headers['Host']}.</p></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], ssl.create_default_context(cafile=str(cert))
    server.shutdown()


def test_tls_is_verified_against_the_name_while_connecting_to_the_checked_address(internet, tls_server):
    port, trusted = tls_server
    internet["answers"].update({"news.example": [PUBLIC_A, "127.0.0.1"], "other.example": [PUBLIC_B]})
    with safe_client(Settings(), verify=trusted) as client:
        got = fetch(f"https://news.example:{port}/", Settings(), client=client)
        assert f"Served to host news.example:{port}".encode() in got.data  # Host header and SNI: the name
        assert internet["connected"] == [PUBLIC_A]
        with pytest.raises(InputError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            fetch(f"https://other.example:{port}/", Settings(), client=client)  # same server, a name its certificate lacks
