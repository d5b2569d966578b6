"""What ingest and enrich make of one text: the article, its annotations, and its relations to other articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from storyline.records import Record


@dataclass(frozen=True)
class Span(Record):
    """A stretch of one stored article's text: ``text == article.text[start:end]``; or, when
    ``field`` is ``"title"``, of its title: ``text == article.title[start:end]``."""

    article_id: str
    start: int
    end: int
    text: str = ""
    field: str = "text"
    """Which stored field the offsets index: ``"text"`` (the body) or ``"title"`` (the headline)."""


@dataclass
class RemovedFragment(Record):
    """Page furniture taken out of an article at ingest, kept for inspection."""

    text: str
    reason: str


@dataclass
class Article(Record):
    """One ingested article. ``id`` is derived from the normalised content (see ingest.identity)."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    source: str | None = None
    """Where it came from: a path, a URL, ``stdin``, with the reader's name (``text:seeds/000.txt``)."""
    removed: list[RemovedFragment] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def field_text(self, name: str) -> str:
        """The stored field a span's offsets index: the title for ``"title"``, else the text."""
        return (self.title or "") if name == "title" else self.text


@dataclass
class EntityMention(Record):
    """A named entity in one article, with the role/title the article gives it, if any."""

    span: Span
    label: str
    """spaCy label: PERSON, ORG, GPE, NORP, LOC, ..."""
    name: str
    """The fullest form of this entity within the article ("Rubio" -> "Marco Rubio")."""
    role: str | None = None
    role_span: Span | None = None


@dataclass
class Quote(Record):
    """A direct quote with its cue ("said") and speaker."""

    span: Span
    """The quoted words, without the quotation marks."""
    speaker: str | None = None
    """Resolved speaker name (the entity's full name in this article), or None when unknown."""
    speaker_span: Span | None = None
    cue_span: Span | None = None
    inferred: bool = False
    """True when the speaker was inherited from neighbouring quotes rather than cued."""
    partial: bool = False
    """True for quoted words inside the writer's own sentence ("described the session as “very productive,”")."""


@dataclass
class TimeMention(Record):
    """A time expression and what it resolves to against the article's published date."""

    span: Span
    expression: str
    resolved: date | None = None
    resolved_end: date | None = None
    granularity: str | None = None
    """day, week, month, year, or None when unresolved."""


@dataclass
class NumberMention(Record):
    """A number with what it counts ("122 strike drones", "$100 million")."""

    span: Span
    value: float | None
    unit: str | None = None


@dataclass
class EnrichedArticle(Record):
    """An article with the annotations the enrich stage computed."""

    article: Article
    sentences: list[Span] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    numbers: list[NumberMention] = field(default_factory=list)
    embedding: list[float] | None = None
    pipeline: list[str] = field(default_factory=list)
    """Names of the enrich components that ran, in order."""


@dataclass
class Relation(Record):
    """How two articles are related: near-duplicate or derivation (rewrite/paraphrase)."""

    article_id: str
    other_id: str
    kind: str
    """``near_duplicate`` or ``derivation``."""
    score: float
    direction: str | None = None
    """``article->other`` when other derives from article, ``other->article``, or None (unknown)."""
    direction_reason: str | None = None
    evidence: list[tuple[Span, Span]] = field(default_factory=list)
