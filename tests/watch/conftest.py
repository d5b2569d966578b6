"""Fixtures for the watch tests: a local feed server (127.0.0.1 only) and feeds of real text."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from feedgen.feed import FeedGenerator

from tests.conftest import SHARED_DATA, seed_path
from tests.watch.server import FeedServer

RSS_FEEDS = SHARED_DATA / "rss_feeds"
TPM = RSS_FEEDS / "node-feedparser" / "tpm.atom"
GUARDIAN = RSS_FEEDS / "rss-parser" / "input" / "guardian.rss"


def seed_entry(prefix: str, *, extra: str = "", guid: str | None = None) -> dict[str, str]:
    """A feed entry carrying one seed article: its headline as title, its body as content."""
    title, _, body = seed_path(prefix).read_text(encoding="utf-8").partition("\n")
    return {
        "id": guid or f"urn:seed:{prefix}",
        "title": title.strip(),
        "link": f"https://news.example/seeds/{prefix}",
        "text": body.strip() + (f"\n\n{extra}" if extra else ""),
        "published": (datetime(2025, 12, 1, 8, tzinfo=timezone.utc) + timedelta(minutes=int(prefix))).isoformat(),
    }


def atom_feed(entries: list[dict[str, str]], title: str = "Seed Wire") -> bytes:
    feed = FeedGenerator()
    feed.id("urn:feed:seeds")
    feed.title(title)
    feed.link(href="https://news.example/", rel="alternate")
    feed.updated(datetime(2025, 12, 1, 12, tzinfo=timezone.utc))
    for item in reversed(entries):  # feedgen prepends
        entry = feed.add_entry()
        entry.id(item["id"])
        entry.title(item["title"])
        entry.link(href=item["link"])
        entry.published(item["published"])
        entry.updated(item["published"])
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in item["text"].split("\n") if p.strip())
        entry.content(paragraphs, type="html")
    return feed.atom_str(pretty=True)


@pytest.fixture()
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def tpm_bytes() -> bytes:
    return Path(TPM).read_bytes()
