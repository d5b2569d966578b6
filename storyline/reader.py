"""`StoreReader`: the plain reads of the store, as `Storyline.reader` offers them to the CLI, the
web UI and the watcher, and the records its pages of rows come back as.

The store implements it (``storyline.store.sqlite.Store``); a reader never writes and builds
nothing. What does more than read (a brief built and cached, a merged story's id resolved, a
``since`` parsed, anything that writes) stays a method of `Storyline`.

    >>> with Storyline("storyline.db") as sl:  # doctest: +SKIP
    ...     total, page = sl.reader.article_rows(limit=20)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from storyline.models import Article, Brief, EnrichedArticle, Relation, Story

__all__ = [
    "SNIPPET_END",
    "SNIPPET_START",
    "ArticleHit",
    "ArticleListing",
    "EntityHit",
    "EntityOccurrence",
    "QuoteHit",
    "StoreReader",
    "StoryListing",
]

SNIPPET_START, SNIPPET_END = "\x02", "\x03"
"""Markers around matched words in search snippets; the web UI escapes the text, then marks them."""


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
    """A full-text match in an article; ``snippet`` marks matched words between `SNIPPET_START` and `SNIPPET_END`."""

    article_id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str | None


@dataclass
class QuoteHit:
    """A full-text match in a quote or its speaker, with the quoting article's title and outlet."""

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


class StoreReader(Protocol):
    """What can be read from a store as it is: articles, stories, listings, search, the watcher's state."""

    # --- articles -------------------------------------------------------------------------

    def iter_articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        """Stored articles in ingest order (only ``ids``, in their stored order, when given)."""
        ...

    def iter_enriched(self, ids: Iterable[str] | None = None) -> Iterator[EnrichedArticle]:
        """Enriched articles in ingest order (an article stored without its enrichment is left out)."""
        ...

    def resolve_article_id(self, prefix: str) -> str:
        """The stored article id that ``prefix`` starts (`NotFound` when none or several)."""
        ...

    def count_articles(self) -> int:
        """How many articles are stored."""
        ...

    def story_of(self, article_id: str) -> str | None:
        """The id of the story the article belongs to, None before relate placed it."""
        ...

    def relations_for(self, article_ids: Iterable[str]) -> list[Relation]:
        """Near-duplicate and derivation records touching any of ``article_ids``."""
        ...

    def outlets(self) -> list[tuple[str, int]]:
        """Every outlet with its number of articles, most articles first."""
        ...

    def article_rows(self, *, limit: int = 50, offset: int = 0) -> tuple[int, list[ArticleListing]]:
        """(total, one page of articles in ingest order) without their text."""
        ...

    # --- stories --------------------------------------------------------------------------

    def list_stories(self) -> list[Story]:
        """Every story with its articles, largest first, then most recent."""
        ...

    def story_alias_target(self, story_id: str) -> str | None:
        """The id of the live story that ``story_id`` now stands for when it was merged into
        another story (an alias: it still resolves), None when it is no alias."""
        ...

    def last_brief(self, story_id: str) -> Brief | None:
        """The brief last built for the story, without building one: cheap, and possibly older than
        the story's latest articles (None when no brief was built yet). For lists, not for reading."""
        ...

    # --- search ---------------------------------------------------------------------------

    def search_articles(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[ArticleHit]]:
        """(total, one page) of full-text matches over article titles, text and outlets, best first."""
        ...

    def search_quotes(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[QuoteHit]]:
        """(total, one page) of full-text matches over quotes and their speakers, best first."""
        ...

    def search_entities(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[EntityHit]]:
        """(total, one page) of entities whose names or roles match, most articles first."""
        ...

    def entity_articles(self, name: str) -> list[EntityOccurrence]:
        """The articles naming the entity ``name``, in ingest order."""
        ...

    # --- the watcher's state (JSON objects, as they are stored and served) ------------------

    def watchlist(self) -> list[dict[str, Any]]:
        """``{id, term, kind, name, added_at}`` per watched term, oldest first."""
        ...

    def recent_alerts(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest alerts, newest first, seen or not (marks nothing)."""
        ...

    def undelivered_alerts(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Alerts not yet handed to a delivery hook, oldest first."""
        ...

    def watch_sources(self, *, kept_only: bool = True) -> list[dict[str, Any]]:
        """``{source, added_at, kept, state}`` per watched source, oldest first."""
        ...

    def watch_state(self, source: str) -> dict[str, Any]:
        """A watched source's fetch state (validators, failures, back-off); empty when new."""
        ...
