"""The door to the store for the CLI, the web UI and the watcher (``tests/test_imports.py`` keeps
them off ``.store``): `Storyline.reader` for plain reads (`storyline.reader.StoreReader`), and
here what does more than read: a brief built and cached, a merged story's id resolved, a ``since``
parsed, the watchlist and alerts a reader changes; and `WatchBook` (`Storyline.watch_book`), the
watcher's own writes. Each write is one transaction.

Alerts, the watchlist and watched sources stay JSON objects, as they are stored and served.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from storyline.dates import iso_utc, parse_time
from storyline.errors import StorylineError
from storyline.models import Article, Brief, EnrichedArticle, Story
from storyline.reader import StoreReader, StoryListing
from storyline.settings import Settings
from storyline.store import Store

__all__ = ["STORY_SORTS", "StoreAccess", "WatchBook"]

STORY_SORTS: tuple[str, ...] = tuple(Store.STORY_SORTS)
"""The orders `Storyline.story_listing` takes besides ``updated_at``."""


class StoreAccess:
    """Reads that do more than read (briefs, aliases, ``since``) and the watcher's writes, over one store."""

    store: Store
    settings: Settings

    @property
    def reader(self) -> StoreReader:
        """The plain reads of the store (articles, stories, listings, search, the watcher's state)."""
        return self.store

    @property
    def watch_book(self) -> WatchBook:
        """The watcher's writes: sources kept, their fetch states, alerts recorded and delivered."""
        return WatchBook(self.store)

    # --- articles -------------------------------------------------------------------------

    def article(self, article_id: str) -> Article:
        """The stored article (a unique id prefix is enough)."""
        return self.store.get_article(self.store.resolve_article_id(article_id))

    def enriched(self, article_id: str) -> EnrichedArticle:
        """The enriched article (a unique id prefix is enough)."""
        return next(self.store.iter_enriched([self.store.resolve_article_id(article_id)]))

    def enriched_or_bare(self, article_id: str) -> EnrichedArticle:
        """The enriched article (a unique id prefix is enough), or the bare article when it was never enriched."""
        full = self.store.resolve_article_id(article_id)
        record = next(self.store.iter_enriched([full]), None)
        return record if record is not None else EnrichedArticle(article=self.store.get_article(full))

    def article_history(self, article_id: str) -> list[dict[str, Any]]:
        """Every version of an article, oldest first (empty when it was never updated)."""
        return self.store.article_history(self.store.resolve_article_id(article_id))

    # --- stories and briefs ---------------------------------------------------------------

    def story(self, story_id: str) -> Story:
        """The story, or the one a merged story's id now stands for (its id is an alias); an
        alias is looked up before id prefixes, so an old id never resolves to a longer live one."""
        return self.store.get_story(self.store.story_alias_target(story_id) or story_id)

    def brief(self, story_id: str) -> Brief:
        """The story's brief, rebuilt only when its articles changed since the last build."""
        # Imported here: consolidate brings scikit-learn and SciPy's graphs, which an ingest or a
        # listing never needs (0.9 s of CPU at every command's start).
        from storyline import consolidate

        story = self.story(story_id)
        # The cache is valid for the same articles, relations, linked stories, settings and brief builder.
        relations = self.store.relations_for(story.article_ids)
        related = sorted(f"{r.article_id}>{r.other_id}:{r.kind}:{r.direction}" for r in relations)
        key = "|".join([*story.article_ids, *related, *story.linked_story_ids, repr(self.settings), consolidate.BRIEF_BUILDER_VERSION])
        # An updated article keeps its id: its version number changes the fingerprint (issue 14).
        versions = self.store.article_versions(story.article_ids)
        if versions:
            key += "|" + "|".join(f"{aid}@{n}" for aid, n in sorted(versions.items()))
        fingerprint = hashlib.sha256(key.encode()).hexdigest()
        cached = self.store.get_brief(story.id, fingerprint)
        if cached is not None:
            return cached
        records = list(self.store.iter_enriched(story.article_ids))
        brief = consolidate.build_brief(story, records, self.settings, relations)
        with self.store.transaction():
            self.store.save_brief(brief, fingerprint)
        return brief

    def story_changes(self, since: datetime | None = None, *, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """(total, one page) of stories created or changed at or after ``since`` (naive: UTC), most
        recent first: ``{"story": Story, "created_at": iso, "updated_at": iso}``. A ``since`` outside
        the calendar once in UTC is an `InvalidParameter`."""
        return self.store.story_changes(parse_time(since) if since is not None else None, limit=limit, offset=offset)

    def all_story_changes(self, since: datetime) -> list[dict[str, Any]]:
        """Every story changed at or after ``since``, latest first (all pages of `story_changes`)."""
        found: list[dict[str, Any]] = []
        since = parse_time(since)
        while True:
            total, page = self.store.story_changes(since, limit=500, offset=len(found))
            found.extend(page)
            if not page or len(found) >= total:
                return found

    # --- listings and search (the web UI) -------------------------------------------------

    def story_listing(
        self,
        *,
        q: str | None = None,
        outlet: str | None = None,
        sort: str = "size",
        descending: bool = True,
        limit: int = 50,
        offset: int = 0,
        since: datetime | None = None,
    ) -> tuple[int, list[StoryListing]]:
        """(total, one page of stories): ``q`` filters titles, ``outlet`` members, ``since`` keeps
        the stories created or changed at or after it; ``sort`` is one of `STORY_SORTS` or ``updated_at``."""
        since_iso = iso_utc(parse_time(since)) if since is not None else None
        return self.store.story_rows(q=q, outlet=outlet, sort=sort, descending=descending, limit=limit, offset=offset, since=since_iso)

    # --- watchlist and alerts --------------------------------------------------------------

    def add_to_watchlist(self, term: str) -> dict[str, Any]:
        """Watch ``term``: a stored entity name (ignoring case; a surname finds the full name) or
        else a keyword. Returns the entry with ``new`` saying whether it was added now."""
        term = " ".join(term.split())
        if not term:
            raise StorylineError("the watchlist term is empty")
        kind, name = "keyword", term
        # The name as stored (ignoring case), or one ending with it ("Rubio" -> "Marco Rubio"):
        # the one in most articles wins, then the fuller name.
        found = self.store.entity_names(term)
        _, rows = self.store.search_entities(term, limit=50)
        folded = term.casefold().split()
        found += [(r.name, r.label, r.articles) for r in rows if r.name.casefold().split()[-len(folded) :] == folded]
        if found:
            kind, name = "entity", max(found, key=lambda f: (f[2], len(f[0])))[0]
        with self.store.transaction():
            watch_id, new = self.store.add_watch(term, kind, name)
        return {"id": watch_id, "term": term, "kind": kind, "name": name, "new": new}

    def remove_from_watchlist(self, term: str) -> int:
        """Stop watching ``term`` (a term, a name ignoring case, or an entry id); returns how many entries went."""
        with self.store.transaction():
            return self.store.remove_watch(term)

    def alerts(self, *, mark_seen: bool = False) -> list[dict[str, Any]]:
        """Alerts not acknowledged yet, oldest first. Looking marks nothing unless ``mark_seen``;
        `acknowledge_alerts` marks the ones a reader has dealt with."""
        if not mark_seen:
            return self.store.take_alerts(mark_seen=False)
        with self.store.transaction():
            return self.store.take_alerts(mark_seen=True)

    def acknowledge_alerts(self, ids: Iterable[int] | None = None) -> int:
        """Mark the alerts ``ids`` (all not yet seen when None) as seen; returns how many changed."""
        with self.store.transaction():
            return self.store.mark_alerts_seen(None if ids is None else list(ids))


class WatchBook:
    """The watcher's bookkeeping over one store, each write one transaction: the sources it keeps,
    their fetch states, and the alerts it records and delivers."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def keep_source(self, source: str) -> bool:
        """Keep ``source`` to watch (``storyline sources add``); True when it was not kept yet."""
        with self.store.transaction():
            return self.store.add_watch_source(source, kept=True)

    def forget_source(self, source: str) -> bool:
        """Stop keeping ``source``; False when it was not kept."""
        with self.store.transaction():
            return self.store.remove_watch_source(source)

    def save_source_states(self, states: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Keep each ``(source, state)``, all in one transaction."""
        with self.store.transaction():
            for source, state in states:
                self.store.save_watch_state(source, state)

    def record_alerts(self, alerts: Iterable[tuple[str, int, str, str | None, str | None, dict[str, Any]]]) -> list[bool]:
        """Store each ``(key, watch_id, kind, story_id, article_id, data)`` once, in one transaction;
        for each, whether its key was new."""
        with self.store.transaction():
            return [self.store.add_alert(*alert) for alert in alerts]

    def mark_delivered(self, alert_id: int) -> None:
        """Record that a delivery hook took the alert, so it is not handed over again."""
        with self.store.transaction():
            self.store.mark_delivered(alert_id)

