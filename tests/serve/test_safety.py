"""The server's error boundary and what a hostile client or a careless deployment could try:
times out of range, unexpected failures, long searches, LIKE wildcards in ids, alerts consumed by
a GET, a forged ``Host:`` header, and the Markdown export of a ``javascript:`` URL."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient

from storyline import Storyline
from storyline.serve.render import brief_to_markdown
from storyline.serve.web import create_app
from storyline.serve.web.app import SECURITY_HEADERS

OVERFLOWING = "0001-01-01T00:00+14:00"  # valid ISO, but before year 1 once moved to UTC


def assert_secure(response) -> None:
    for name in ("Content-Security-Policy", "X-Content-Type-Options"):
        assert response.headers.get(name) == SECURITY_HEADERS[name], (response.status_code, name)


@pytest.mark.parametrize("path", ["/api/stories", "/stories.atom"])
@pytest.mark.parametrize("since", [OVERFLOWING, "9999-12-31T23:30-05:00"])
def test_a_since_out_of_range_is_a_400_with_the_headers(client: TestClient, path: str, since: str) -> None:
    response = client.get(path, params={"since": since})
    assert response.status_code == 400
    assert "out of range" in response.text
    assert_secure(response)


def test_an_unexpected_failure_is_a_500_with_the_headers_and_a_busy_store_a_503(web_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(web_db)
    sl = app.state.pages.sl
    with TestClient(app, raise_server_exceptions=False) as client:
        monkeypatch.setattr(sl.reader, "outlets", lambda: 1 / 0)
        for path in ("/", "/api/stories"):
            response = client.get(path)
            assert response.status_code == 500 and "ZeroDivisionError" not in response.text
            assert_secure(response)
        assert client.get("/api/stories").json() == {"detail": "something went wrong on the server; the error is logged"}

        def locked() -> None:
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(sl.reader, "outlets", locked)
        response = client.get("/")
        assert response.status_code == 503 and response.headers["Retry-After"] and "try again" in response.text
        assert_secure(response)


def test_long_search_queries_are_refused_in_one_line(client: TestClient) -> None:
    response = client.get("/search", params={"q": "drone " * 100})  # 600 characters
    assert response.status_code == 400 and "the limit is 500" in response.text
    assert_secure(response)
    assert client.get("/api/search", params={"q": "x" * 501}).status_code == 422
    assert client.get("/search", params={"q": "drone " * 80}).status_code == 200


def test_search_does_not_wait_for_the_lock_other_pages_read_under(web_db: Path) -> None:
    app = create_app(web_db)
    answers: list[int] = []
    with TestClient(app) as client:
        client.get("/api/stories")  # started
        with app.state.pages.lock:  # as if a slow page held it
            searching = threading.Thread(target=lambda: answers.extend([client.get("/search", params={"q": "drone"}).status_code, client.get("/api/search", params={"q": "Rubio"}).status_code]))
            searching.start()
            searching.join(timeout=20)
            finished = not searching.is_alive()
        searching.join()
    assert finished and answers == [200, 200]


def test_typed_wildcards_in_ids_are_literal(client: TestClient, hostile_article_id: str, seed_story_id: str) -> None:
    assert client.get(f"/api/articles/{hostile_article_id[:6]}").status_code == 200
    for wildcard in ("_" + hostile_article_id[1:6], "%25" + hostile_article_id[2:6], "%25"):
        response = client.get(f"/api/articles/{wildcard}")
        assert response.status_code == 404 and "no article" in response.json()["detail"], wildcard
    assert client.get(f"/api/stories/_{seed_story_id[1:]}").status_code == 404


@pytest.fixture()
def alerts_db(web_db: Path, tmp_path: Path) -> Path:
    """The web store with three alerts about Marco Rubio."""
    db = tmp_path / "alerts.db"
    shutil.copy(web_db, db)
    with Storyline(db) as sl:
        watch = sl.add_to_watchlist("Rubio")
        story = sl.reader.list_stories()[0].id
        sl.watch_book.record_alerts([(f"key{i}", watch["id"], "quote", story, None, {"watch": "Rubio", "title": "Talks", "speaker": "Marco Rubio", "text": f"quote {i}"}) for i in range(3)])
    return db


def test_reading_alerts_marks_nothing_and_a_json_post_acknowledges(alerts_db: Path) -> None:
    with TestClient(create_app(alerts_db)) as client:
        first = client.get("/api/alerts").json()["alerts"]
        assert len(first) == 3
        assert client.get("/alerts").status_code == 200
        assert client.get("/api/alerts").json()["alerts"] == first  # a GET twice: the same alerts
        # What a cross-site form, beacon or image can send is refused, and marks nothing.
        assert client.post("/api/alerts/ack", content=b'{"ids": "all"}', headers={"Content-Type": "text/plain"}).status_code in (415, 422)
        refused = client.post("/api/alerts/ack", content=b'{"ids": "all"}')  # no Content-Type at all
        assert refused.status_code in (415, 422)
        assert_secure(refused)
        assert client.get("/api/alerts/ack").status_code == 405
        assert client.get("/api/alerts").json()["alerts"] == first
        assert client.post("/api/alerts/ack", json={"ids": [first[0]["id"]]}).json() == {"acknowledged": 1}
        assert [a["id"] for a in client.get("/api/alerts").json()["alerts"]] == [a["id"] for a in first[1:]]
        assert client.post("/api/alerts/ack", json={"ids": "all"}).json() == {"acknowledged": 2}
        assert client.get("/api/alerts").json()["alerts"] == []
        assert len(client.get("/api/alerts", params={"include_seen": "true"}).json()["alerts"]) == 3


def test_atom_links_come_from_the_base_url_not_the_host_header(web_db: Path) -> None:
    with TestClient(create_app(web_db, base_url="https://news.example.org/storyline/")) as client:
        response = client.get("/stories.atom", headers={"Host": "evil.example"})
    assert response.status_code == 200 and b"evil.example" not in response.content
    parsed = feedparser.parse(response.content)
    assert parsed.entries and all(e.link.startswith("https://news.example.org/storyline/stories/") for e in parsed.entries)


def test_markdown_links_only_http_urls(app, client: TestClient, hostile_article_id: str) -> None:
    sl = app.state.pages.sl
    story_id = sl.reader.story_of(hostile_article_id)
    markdown = brief_to_markdown(sl.brief(story_id))
    assert sl.article(hostile_article_id).url.startswith("javascript:")
    assert "<javascript" not in markdown and "](javascript" not in markdown
    assert "link not shown: javascript" in markdown
