"""Watchlist alerts: new stories, quotes and discrepancies that match a watched entity or keyword.

Each alert has a key (watch, kind, story, what matched), stored once, so an alert fires once
however many cycles, outlets or versions carry the same match. A webhook gets one JSON POST per
alert, retried with backoff; an alert not delivered is tried again after the next cycle.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import httpx
from unidecode import unidecode

from storyline.errors import InputError, NotFound
from storyline.ingest.fetch import check_address, safe_client

if TYPE_CHECKING:
    from storyline.api import Storyline
    from storyline.models import EnrichedArticle

__all__ = ["Matcher", "collect_alerts", "deliver_alerts"]


def _fold(text: str) -> str:
    return unidecode(text).casefold()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


class Matcher:
    """One watchlist entry: an entity (matched on entity names, ignoring case and accents; the
    canonical name or its surname) or a keyword (whole words, ignoring case and accents)."""

    def __init__(self, entry: dict[str, Any]) -> None:
        self.id: int = entry["id"]
        self.kind: str = entry["kind"]
        self.name: str = entry["name"]
        self.term: str = entry["term"]
        words = [re.escape(w) for w in _fold(self.name).split()]
        self.pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")

    def names_entity(self, name: str | None) -> bool:
        if not name:
            return False
        folded = _fold(name)
        if self.kind == "entity":
            # "Rubio" as a speaker is Marco Rubio when the watched name ends with it.
            target = _fold(self.name).split()
            got = folded.split()
            return got == target or (len(got) < len(target) and got == target[-len(got) :])
        return bool(self.pattern.search(folded))

    def in_text(self, text: str | None) -> bool:
        return bool(text) and bool(self.pattern.search(_fold(text or "")))

    def article(self, record: EnrichedArticle) -> bool:
        if self.kind == "entity":
            return any(self.names_entity(e.name) for e in record.entities)
        return self.in_text(record.article.title) or self.in_text(record.article.text)


def _snippet(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def collect_alerts(sl: Storyline, article_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Record the alerts that the new or updated ``article_ids`` raise; returns the new ones."""
    watches = [Matcher(entry) for entry in sl.reader.watchlist()]
    ids = list(dict.fromkeys(article_ids))
    if not watches or not ids:
        return []
    found: list[tuple[str, int, str, str | None, str | None, dict[str, Any]]] = []
    stories: dict[str, list[Matcher]] = {}
    for record in sl.reader.iter_enriched(ids):
        story_id = sl.reader.story_of(record.article.id)
        article = record.article
        for watch in watches:
            if not watch.article(record):
                continue
            if story_id:
                stories.setdefault(story_id, [])
                if watch not in stories[story_id]:
                    stories[story_id].append(watch)
                story = sl.story(story_id)
                found.append(
                    (
                        f"story:{watch.id}:{story_id}",
                        watch.id,
                        "story",
                        story_id,
                        article.id,
                        {"watch": watch.term, "title": story.title or article.title, "text": _snippet(article.title or article.text), "outlet": article.outlet, "url": article.url},
                    )
                )
            for quote in record.quotes:
                if watch.names_entity(quote.speaker) or (watch.kind == "keyword" and watch.in_text(quote.span.text)):
                    key = f"quote:{watch.id}:{story_id or article.id}:{_digest(_fold(quote.span.text), quote.speaker or '')}"
                    record_data = {
                        "watch": watch.term,
                        "title": article.title,
                        "text": _snippet(quote.span.text),
                        "speaker": quote.speaker,
                        "outlet": article.outlet,
                        "url": article.url,
                        "span": quote.span.as_dict(),
                    }
                    found.append((key, watch.id, "quote", story_id, article.id, record_data))
    # Discrepancies come from the brief of each story a watched name or keyword appears in.
    for story_id, matched in stories.items():
        try:
            brief = sl.brief(story_id)
        except NotFound:
            continue
        for discrepancy in brief.discrepancies:
            sides = " | ".join(side.value for side in discrepancy.sides)
            for watch in matched:
                if watch.in_text(discrepancy.subject) or watch.in_text(discrepancy.description) or watch.in_text(sides):
                    key = f"discrepancy:{watch.id}:{story_id}:{_digest(discrepancy.kind, _fold(discrepancy.subject), _fold(sides))}"
                    data = {"watch": watch.term, "title": brief.title, "text": _snippet(discrepancy.description), "subject": discrepancy.subject, "sides": [s.value for s in discrepancy.sides]}
                    found.append((key, watch.id, "discrepancy", story_id, None, data))
    added = sl.watch_book.record_alerts(found)
    return [
        {"key": key, "kind": kind, "story_id": story_id, "article_id": article_id, **data}
        for (key, _, kind, story_id, article_id, data), new in zip(found, added, strict=True)
        if new
    ]


def deliver_alerts(
    sl: Storyline,
    url: str,
    *,
    since_id: int = 0,
    tries: int = 3,
    backoff: float = 0.5,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[int, list[InputError]]:
    """POST each undelivered alert (id above ``since_id``) to ``url`` as JSON, ``tries`` times at
    most with doubling pauses; returns (delivered, one error per alert given up on this time)."""
    check_address(url, sl.settings)
    own = client is None
    client = client or safe_client(sl.settings, headers={})
    delivered = 0
    errors: list[InputError] = []
    try:
        for alert in sl.reader.undelivered_alerts():
            if alert["id"] <= since_id:
                continue
            reason = ""
            for attempt in range(tries):
                if attempt:
                    sleep(backoff * 2 ** (attempt - 1))
                try:
                    response = client.post(url, json=alert, headers={"User-Agent": sl.settings.user_agent})
                except httpx.HTTPError as exc:
                    reason = f"{type(exc).__name__}: {exc}"
                    continue
                if response.is_success:
                    sl.watch_book.mark_delivered(alert["id"])
                    delivered += 1
                    break
                reason = f"HTTP {response.status_code}"
            else:
                errors.append(InputError(url, f"webhook: alert {alert['id']} not delivered after {tries} tries ({reason}); retried next cycle"))
    finally:
        if own:
            client.close()
    return delivered, errors
