"""Bad sources: each gives one line, the others go on, nothing stored is lost, and a failing
source is retried with backoff."""

from __future__ import annotations

import socket

from storyline import Storyline
from storyline.settings import Settings
from storyline.watch import Watcher
from tests.watch.conftest import atom_feed, seed_entry
from tests.watch.server import FeedServer


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.atom"


def test_bad_sources_fail_alone_and_back_off(server: FeedServer, tmp_path) -> None:
    good = server.serve("/seeds.atom", atom_feed([seed_entry("000"), seed_entry("002")]), content_type="application/atom+xml")
    gone = server.url("/gone.atom")
    failing = server.serve("/error.atom", b"", status=500)
    slow = server.serve("/slow.atom", atom_feed([seed_entry("003")]), delay=1.5)
    broken = server.serve("/broken.xml", b"\x00\x01\x02 this is not XML at all", validators="none")
    server.serve("/robots.txt", b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    private = server.serve("/private/feed.atom", atom_feed([seed_entry("004")]))
    refused = closed_port_url()
    settings = Settings(allow_private_addresses=True, http_read_timeout=0.5, http_connect_timeout=0.5)
    with Storyline(tmp_path / "bad.db", settings) as sl:
        watcher = Watcher(sl, [gone, failing, slow, broken, private, refused, good], every=0, delay=0, sleep=lambda _: None)
        first = watcher.cycle()
        assert len(first.new) == 2
        assert first.failed_sources == 6
        messages = [str(e) for e in first.errors]
        assert len(messages) == 6 and all("\n" not in m and "Traceback" not in m for m in messages)
        by_source = {m.split(": ", 1)[0]: m for m in messages}
        assert "HTTP 404" in by_source[gone] and "HTTP 500" in by_source[failing]
        assert "timed out" in by_source[slow]
        assert "not a feed" in by_source[broken]
        assert "robots.txt disallows" in by_source[private]
        assert "download failed" in by_source[refused]
        assert all("retry next cycle" in m for m in messages)

        second, third, fourth = watcher.cycle(), watcher.cycle(), watcher.cycle()
        # Failure 1: retried next cycle; failure 2: sits one cycle out; then tried again.
        assert second.failed_sources == 6 and all("retry in 2 cycles" in str(e) for e in second.errors)
        assert third.failed_sources == 0 and third.waiting == 6
        assert fourth.failed_sources == 6
        assert server.requests["/gone.atom"] == 3
        assert server.requests["/private/feed.atom"] == 0  # robots.txt said no: never asked
        assert sl.store.count_articles() == 2  # nothing lost, nothing doubled

        # The server comes back: the source recovers and its failures are forgotten.
        server.serve("/gone.atom", atom_feed([seed_entry("001")]), content_type="application/atom+xml")
        watcher.cycle()  # still backing off (failure 3: three cycles out)
        recovered = [watcher.cycle() for _ in range(3)]
        assert sum(len(r.new) for r in recovered) == 1
        assert sl.store.watch_state(gone).get("failures") is None


def test_a_feed_that_changes_all_its_guids_stores_nothing_new(server: FeedServer, tmp_path) -> None:
    url = server.serve("/seeds.atom", atom_feed([seed_entry("000"), seed_entry("002")]))
    with Storyline(tmp_path / "guids.db", Settings(allow_private_addresses=True)) as sl:
        watcher = Watcher(sl, [url], every=0, delay=0)
        assert len(watcher.cycle().new) == 2
        renamed = [seed_entry(p, guid=f"urn:other:{p}") for p in ("000", "002")]
        for entry in renamed:
            entry["link"] += "?utm_source=feed"
        server.serve("/seeds.atom", atom_feed(renamed))
        again = watcher.cycle()
        assert again.new == [] and again.updated == [] and again.duplicates == 2 and again.errors == []
        assert sl.store.count_articles() == 2


def test_a_watched_feed_with_no_entries_yet_is_not_a_failure(server: FeedServer, tmp_path) -> None:
    url = server.serve("/empty.atom", atom_feed([]))
    with Storyline(tmp_path / "empty.db", Settings(allow_private_addresses=True)) as sl:
        report = Watcher(sl, [url], every=0, delay=0).cycle()
    assert report.errors == [] and report.failed_sources == 0 and report.read == 1
