"""What changed, for subscribers: the Atom feed of new and updated stories, and watchlist alerts.

The Atom XML is built by feedgen (lxml underneath), so titles and text from articles are
escaped by the XML serialiser, never pasted into markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, UTC
from typing import Literal

from feedgen.feed import FeedGenerator

from storyline.api import Storyline
from storyline.serve.render import outlet_summary
from storyline.serve.web.views.contexts import AlertsContext

ATOM_ENTRIES = 50


def _when(value: str | None) -> datetime:
    if not value:
        return datetime(1970, 1, 1, tzinfo=UTC)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def stories_atom(sl: Storyline, base_url: str, *, since: datetime | None = None, limit: int = ATOM_ENTRIES) -> bytes:
    """An Atom feed of the stories created or changed most recently (at or after ``since``)."""
    base_url = base_url.rstrip("/")
    _, changes = sl.story_changes(since, limit=limit)
    feed = FeedGenerator()
    feed.id(f"{base_url}/stories.atom")
    feed.title("Storyline: new and updated stories")
    feed.link(href=f"{base_url}/stories.atom", rel="self")
    feed.link(href=f"{base_url}/", rel="alternate")
    feed.updated(max((_when(c["updated_at"]) for c in changes), default=datetime.now(UTC)))
    for change in reversed(changes):  # feedgen prepends: the newest ends up first
        story = change["story"]
        outlets = outlet_summary([a.outlet for a in sl.reader.iter_articles(story.article_ids)])
        entry = feed.add_entry()
        entry.id(f"{base_url}/stories/{story.id}")
        entry.title(story.title or "(untitled story)")
        entry.link(href=f"{base_url}/stories/{story.id}")
        entry.published(_when(change["created_at"]))
        entry.updated(_when(change["updated_at"]))
        state = "new" if change["created_at"] == change["updated_at"] else "updated"
        entry.summary(f"{state}: {outlets}")
    return feed.atom_str(pretty=True)


def alerts_page(sl: Storyline, *, unseen: bool) -> AlertsContext:
    """``unseen``: the alerts not acknowledged yet; else the latest 100. Reading marks nothing."""
    alerts = sl.alerts() if unseen else sl.reader.recent_alerts(100)
    return AlertsContext(alerts=alerts, watchlist=sl.reader.watchlist())


@dataclass
class AlertAck:
    """What ``POST /api/alerts/ack`` marks seen: ``{"ids": [1, 2]}``, or ``{"ids": "all"}`` for every unseen alert."""

    ids: list[int] | Literal["all"]


@dataclass
class AlertAckResult:
    acknowledged: int
    """How many alerts were marked seen now (ids already seen or unknown count for nothing)."""


def acknowledge_alerts(sl: Storyline, ack: AlertAck) -> AlertAckResult:
    return AlertAckResult(acknowledged=sl.acknowledge_alerts(None if ack.ids == "all" else ack.ids))
