"""The read side of `Storyline`, and the watcher's bookkeeping: the only door to the store for
the CLI, the web UI and the watcher (``tests/test_imports.py`` keeps them off ``.store``).

Rows the store pages through come back as small records (`StoryListing`, `ArticleListing`, the
search hits); alerts, the watchlist and watched sources stay JSON objects, as they are stored
and served.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storyline.consolidate import BRIEF_BUILDER_VERSION, build_brief
from storyline.dates import parse_time
from storyline.errors import StorylineError
from storyline.models import Article, Brief, EnrichedArticle, Relation, Story
from storyline.settings import Settings
from storyline.store import Store
from storyline.store.sqlite import SNIPPET_END, SNIPPET_START, iso_utc

__all__ = [
    "SNIPPET_END",
    "SNIPPET_START",
    "STORY_SORTS",
    "ArticleHit",
    "ArticleListing",
    "EntityHit",
    "EntityOccurrence",
    "QuoteHit",
    "StoreAccess",
    "StoryListing",
    "iso_utc",
]

STORY_SORTS: tuple[str, ...] = tuple(Store.STORY_SORTS)
"""The orders `Storyline.story_listing` takes besides ``updated_at``."""


@dataclass
class StoryListing:
    """One story in a list: its size and outlets, without its articles."""

    id: str
    title: str | None
    size: int
    outlets: list[str]
    """The distinct outlets its articles' metadata name."""
    first_seen: str | None
    last_seen: str | None
    updated_at: str | None = None
    unnamed_outlet_articles: int = 0
    """How many of its articles name no outlet."""


@dataclass
class ArticleListing:
    """One stored article in a list, without its text."""

    id: str
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    story_id: str | None


@dataclass
class EntityOccurrence:
    """An article naming an entity (its fullest form in the article)."""

    article_id: str
    label: str
    mentions: int


@dataclass
class ArticleHit:
    """A full-text match in an article; ``snippet`` marks matched words between U+0002 and U+0003."""

    article_id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str | None


@dataclass
class QuoteHit:
    article_id: str
    start: int
    end: int
    speaker: str | None
    text: str
    title: str | None
    outlet: str | None
    snippet: str | None


@dataclass
class EntityHit:
    """One entity matching a search, over all the articles that name it."""

    name: str
    label: str
    articles: int
    mentions: int
    roles: list[str] = field(default_factory=list)


class StoreAccess:
    """Typed reads (articles, stories, briefs, listings, search) and the watcher's state, over one store."""

    store: Store
    settings: Settings

    # --- articles -------------------------------------------------------------------------

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        """Stored articles in ingest order (only ``ids``, in their stored order, when given)."""
        return self.store.iter_articles(ids)

    def article(self, article_id: str) -> Article:
        return self.store.get_article(self.store.resolve_article_id(article_id))

    def enriched(self, article_id: str) -> EnrichedArticle:
        return next(self.store.iter_enriched([self.store.resolve_article_id(article_id)]))

    def enriched_articles(self, ids: Iterable[str] | None = None) -> Iterator[EnrichedArticle]:
        """Enriched articles in ingest order (an article stored without its enrichment is left out)."""
        return self.store.iter_enriched(ids)

    def enriched_or_bare(self, article_id: str) -> EnrichedArticle:
        """The enriched article (a unique id prefix is enough), or the bare article when it was never enriched."""
        full = self.store.resolve_article_id(article_id)
        record = next(self.store.iter_enriched([full]), None)
        return record if record is not None else EnrichedArticle(article=self.store.get_article(full))

    def resolve_article_id(self, prefix: str) -> str:
        """The stored article id that ``prefix`` starts (NotFound when none or several)."""
        return self.store.resolve_article_id(prefix)

    def article_count(self) -> int:
        return self.store.count_articles()

    def story_of(self, article_id: str) -> str | None:
        return self.store.story_of(article_id)

    def relations(self, article_ids: Iterable[str]) -> list[Relation]:
        """Near-duplicate and derivation records touching any of ``article_ids``."""
        return self.store.relations_for(article_ids)

    def article_history(self, article_id: str) -> list[dict[str, Any]]:
        """Every version of an article, oldest first (empty when it was never updated)."""
        return self.store.article_history(self.store.resolve_article_id(article_id))

    # --- stories and briefs ---------------------------------------------------------------

    def stories(self) -> list[Story]:
        return self.store.list_stories()

    def story(self, story_id: str) -> Story:
        return self._story_or_alias(story_id)

    def story_alias(self, story_id: str) -> str | None:
        """The id of the live story that ``story_id`` now stands for when it was merged into
        another story (an alias: it still resolves), None when it is no alias."""
        return self.store.story_alias_target(story_id)

    def _story_or_alias(self, story_id: str) -> Story:
        """The story, or the one a merged story's id now stands for (its id is an alias); an
        alias is looked up before id prefixes, so an old id never resolves to a longer live one."""
        return self.store.get_story(self.store.story_alias_target(story_id) or story_id)

    def brief(self, story_id: str) -> Brief:
        """The story's brief, rebuilt only when its articles changed since the last build."""
        story = self._story_or_alias(story_id)
        # The cache is valid for the same articles, relations, linked stories, settings and brief builder.
        relations = self.store.relations_for(story.article_ids)
        related = sorted(f"{r.article_id}>{r.other_id}:{r.kind}:{r.direction}" for r in relations)
        key = "|".join([*story.article_ids, *related, *story.linked_story_ids, repr(self.settings), BRIEF_BUILDER_VERSION])
        # An updated article keeps its id: its version number changes the fingerprint (issue 14).
        versions = self.store.article_versions(story.article_ids)
        if versions:
            key += "|" + "|".join(f"{aid}@{n}" for aid, n in sorted(versions.items()))
        fingerprint = hashlib.sha256(key.encode()).hexdigest()
        cached = self.store.get_brief(story.id, fingerprint)
        if cached is not None:
            return cached
        records = list(self.store.iter_enriched(story.article_ids))
        brief = build_brief(story, records, self.settings, relations)
        with self.store.transaction():
            self.store.save_brief(brief, fingerprint)
        return brief

    def last_brief(self, story_id: str) -> Brief | None:
        """The brief last built for the story, without building one: cheap, and possibly older than
        the story's latest articles (None when no brief was built yet). For lists, not for reading."""
        return self.store.last_brief(story_id)

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
        total, rows = self.store.story_rows(q=q, outlet=outlet, sort=sort, descending=descending, limit=limit, offset=offset, since=since_iso)
        return total, [StoryListing(**row) for row in rows]

    def outlets(self) -> list[tuple[str, int]]:
        """Every outlet with its number of articles, most articles first."""
        return self.store.outlets()

    def article_listing(self, *, limit: int = 50, offset: int = 0) -> tuple[int, list[ArticleListing]]:
        """(total, one page of articles in ingest order) without their text."""
        total, rows = self.store.article_rows(limit=limit, offset=offset)
        return total, [ArticleListing(**row) for row in rows]

    def entity_occurrences(self, name: str) -> list[EntityOccurrence]:
        """The articles naming the entity ``name``, in ingest order."""
        return [EntityOccurrence(**row) for row in self.store.entity_articles(name)]

    def search_articles(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[ArticleHit]]:
        total, rows = self.store.search_articles(query, limit=limit, offset=offset)
        return total, [ArticleHit(**row) for row in rows]

    def search_quotes(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[QuoteHit]]:
        total, rows = self.store.search_quotes(query, limit=limit, offset=offset)
        return total, [QuoteHit(**row) for row in rows]

    def search_entities(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[EntityHit]]:
        total, rows = self.store.search_entities(query, limit=limit, offset=offset)
        return total, [EntityHit(**row) for row in rows]

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
        found += [(r["name"], r["label"], r["articles"]) for r in rows if r["name"].casefold().split()[-len(folded) :] == folded]
        if found:
            kind, name = "entity", max(found, key=lambda f: (f[2], len(f[0])))[0]
        with self.store.transaction():
            watch_id, new = self.store.add_watch(term, kind, name)
        return {"id": watch_id, "term": term, "kind": kind, "name": name, "new": new}

    def remove_from_watchlist(self, term: str) -> int:
        with self.store.transaction():
            return self.store.remove_watch(term)

    def watchlist(self) -> list[dict[str, Any]]:
        return self.store.watchlist()

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

    def recent_alerts(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest alerts, newest first, seen or not (marks nothing)."""
        return self.store.recent_alerts(limit)

    def record_alerts(self, alerts: Iterable[tuple[str, int, str, str | None, str | None, dict[str, Any]]]) -> list[bool]:
        """Store each ``(key, watch_id, kind, story_id, article_id, data)`` once, in one transaction;
        for each, whether its key was new."""
        with self.store.transaction():
            return [self.store.add_alert(*alert) for alert in alerts]

    def undelivered_alerts(self) -> list[dict[str, Any]]:
        return self.store.undelivered_alerts()

    def mark_delivered(self, alert_id: int) -> None:
        with self.store.transaction():
            self.store.mark_delivered(alert_id)

    # --- watched sources -------------------------------------------------------------------

    def keep_source(self, source: str) -> bool:
        """Keep ``source`` to watch (``storyline sources add``); True when it was not kept yet."""
        with self.store.transaction():
            return self.store.add_watch_source(source, kept=True)

    def forget_source(self, source: str) -> bool:
        """Stop keeping ``source``; False when it was not kept."""
        with self.store.transaction():
            return self.store.remove_watch_source(source)

    def watched_sources(self, *, kept_only: bool = True) -> list[dict[str, Any]]:
        """``{source, added_at, kept, state}`` per watched source, oldest first."""
        return self.store.watch_sources(kept_only=kept_only)

    def source_state(self, source: str) -> dict[str, Any]:
        """A watched source's fetch state (validators, failures, back-off); empty when new."""
        return self.store.watch_state(source)

    def save_source_states(self, states: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Keep each ``(source, state)``, all in one transaction."""
        with self.store.transaction():
            for source, state in states:
                self.store.save_watch_state(source, state)
