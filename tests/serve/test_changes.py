"""The Atom feed of stories and the alerts page over the web store (seeds plus one hostile article)."""

from __future__ import annotations

import feedparser
import lxml.etree
from fastapi.testclient import TestClient

from tests.serve.conftest import HOSTILE_TITLE


def test_atom_feed_escapes_hostile_titles(client: TestClient) -> None:
    response = client.get("/stories.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = lxml.etree.fromstring(response.content)  # well-formed XML
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")]
    assert HOSTILE_TITLE in titles  # the text survives as text...
    assert b"<script>" not in response.content and b"&lt;script&gt;" in response.content  # ...and never as markup
    assert not root.findall(f".//{atom}script") and not root.findall(".//script")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo and len(parsed.entries) == 2


def test_atom_since_in_the_future_is_empty_and_alerts_page_renders(client: TestClient) -> None:
    parsed = feedparser.parse(client.get("/stories.atom", params={"since": "2999-01-01T00:00"}).content)
    assert parsed.entries == []
    page = client.get("/alerts")
    assert page.status_code == 200 and "No alerts yet" in page.text
    assert client.get("/api/alerts", params={"include_seen": "true"}).json() == {"alerts": [], "watchlist": []}
