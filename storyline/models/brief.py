"""What consolidate makes of a story: its brief, every statement pointing back to a `Span`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import date as datetime_date

from storyline.models.article import Relation, Span, TimeMention
from storyline.records import Record

_Date = date
"""For fields named ``date`` with a default: there the name hides the type (pydantic, serving the API schema, reads the class namespace)."""


@dataclass
class ArticleRef(Record):
    id: str
    title: str | None
    url: str | None
    outlet: str | None
    published: datetime | None


@dataclass
class EntityRole(Record):
    """A role/title one article gives an entity ("U.S. Senator" for Marco Rubio in 000)."""

    role: str
    article_id: str
    outlet: str | None
    span: Span
    """The role as written in the article."""
    mention: Span | None = None
    """The name the role is attached to."""


@dataclass
class BriefEntity(Record):
    """A story-level entity: one person/organisation/place across all articles."""

    name: str
    label: str
    article_ids: list[str]
    mentions: int
    variants: list[str] = field(default_factory=list)
    roles: list[EntityRole] = field(default_factory=list)
    """Every role/title an article gives this entity, one per article and wording."""
    id: str = ""
    """Stable id of the canonical entity within the brief (``e1``, ``e2`` ...)."""
    mention_spans: list[Span] = field(default_factory=list)
    """One mention per article and surface form, so every variant can be checked against its text."""


@dataclass
class SummarySentence(Record):
    """One extractive summary sentence: the sentence as written plus every article supporting it."""

    span: Span
    supporting: list[Span] = field(default_factory=list)
    """Sentences in other articles that say the same thing."""
    independent_sources: int = 1


@dataclass
class QuoteOccurrence(Record):
    """One article's wording of a quote."""

    span: Span
    outlet: str | None = None
    speaker: str | None = None
    """The speaker as that article names them (canonical name when known)."""
    speaker_span: Span | None = None
    differences: list[str] = field(default_factory=list)
    """Wording differences from the group's text: ``"- very"``, ``"+ obviously"``, ``"very -> truly"``."""


@dataclass
class QuoteGroup(Record):
    """The same quote carried by one or more articles (exact, trimmed or lightly edited)."""

    id: str
    text: str
    """The fullest wording among the occurrences."""
    speaker: str | None
    occurrences: list[QuoteOccurrence]
    article_ids: list[str]
    independent_sources: int = 1
    """Rewrite families among the carrying articles (a rewrite does not confirm its source)."""
    variation: str = "exact"
    """``exact``, ``trimmed`` (one wording inside another) or ``edited``."""
    event: str | None = None
    """The place of the event the quoting articles report, when their leads name one: quotes of two
    events (a meeting in Geneva, another in Florida) are never one group."""


@dataclass
class Claim(Record):
    """An atomic factual statement and every article sentence that makes it."""

    id: str
    text: str
    """The representative wording (the first span's text)."""
    spans: list[Span]
    """One sentence per carrying article; the first is the representative."""
    article_ids: list[str]
    independent_sources: int
    """How many rewrite families the carrying articles form (rewrites count once)."""
    families: list[list[str]] = field(default_factory=list)
    """The carrying articles grouped by rewrite family."""
    entities: list[str] = field(default_factory=list)
    """Canonical names of the entities the claim mentions."""
    numbers: list[Span] = field(default_factory=list)
    times: list[Span] = field(default_factory=list)


@dataclass
class DiscrepancySide(Record):
    """One version of a disputed fact, with every span stating it."""

    value: str
    spans: list[Span]
    article_ids: list[str]
    independent_sources: int


@dataclass
class Discrepancy(Record):
    """Where sources differ about one fact (what only one source reports is `Brief.exclusives`)."""

    kind: str
    """``role`` (one person, incompatible titles), ``title_holder`` (one title, different people),
    ``number``, ``place``, ``date``, ``characterisation`` (the same fact described in different
    terms), or ``attribution`` (who said something, or whom a remark is about)."""
    subject: str
    """What the sides disagree about ("Marco Rubio's title", "strike drones")."""
    description: str
    severity: float
    """0..1, higher first: how material the disagreement is."""
    sides: list[DiscrepancySide]
    better_supported: int | None = None
    """Index into ``sides`` of the side more independent sources support (None on a tie)."""
    nature: str = "contradiction"
    """``contradiction`` (both cannot be true), ``precision`` (one side is vaguer or narrower:
    "over 120" vs "122") or ``framing`` (same fact, different characterisation)."""


@dataclass
class ExclusiveItem(Record):
    """A statement or quote only one outlet's articles carry, among the articles reporting its event."""

    kind: str
    """``statement`` or ``quote``."""
    span: Span
    importance: float
    """How central it is to the story (0 to about 1.5): items are ranked by it, most important first."""


@dataclass
class OutletExclusives(Record):
    """What only one outlet carries: no article of another outlet covering the same event carries it."""

    outlet: str
    """The outlet its articles' metadata name, or the article's title in quotes when it names none."""
    article_ids: list[str]
    statements: int
    """How many of ``items`` are statements (``quotes``: how many are quotes)."""
    quotes: int
    items: list[ExclusiveItem] = field(default_factory=list)
    """Every item, most important first (a page shows the first few)."""


@dataclass
class TimelineEvent(Record):
    """A dated statement of the story, with the time expressions behind the date."""

    date: date | None
    """Resolved start date (None when no article's expression could be resolved)."""
    date_end: datetime_date | None  # `date` here would name the field above, not the type
    granularity: str | None
    text: str
    span: Span
    """The representative sentence."""
    expressions: list[TimeMention] = field(default_factory=list)
    """The time expressions as written, each with how it was resolved."""
    article_ids: list[str] = field(default_factory=list)
    supporting: list[Span] = field(default_factory=list)
    """The same statement in other articles."""
    dated_from: list[str] = field(default_factory=list)
    """Articles whose publication date resolved the expressions of an undated article (its
    story-mates reporting the same event); empty when every date comes from the article itself."""


@dataclass
class EventCoverage(Record):
    """Which event (meeting, attack, ...) an article mainly reports, found from where and when it happened."""

    label: str
    place: str | None
    place_spans: list[Span]
    article_ids: list[str]
    date: _Date | None = None


@dataclass
class Brief(Record):
    """The consolidated account of one story."""

    story_id: str
    title: str | None
    articles: list[ArticleRef]
    entities: list[BriefEntity]
    summary: list[SummarySentence]
    quote_groups: list[QuoteGroup] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    schema_version: str = "4"
    """Version of this record's JSON shape (docs/brief-schema.json); bumped on every change."""
    events: list[EventCoverage] = field(default_factory=list)
    """The distinct events the articles report, and which article covers which."""
    families: list[list[str]] = field(default_factory=list)
    """Rewrite families: articles linked by near-duplicate/derivation relations count as one source."""
    linked_story_ids: list[str] = field(default_factory=list)
    """Related stories (e.g. an earlier meeting of the same negotiations)."""
    exclusives: list[OutletExclusives] = field(default_factory=list)
    """Per outlet, the statements and quotes no other outlet reporting the same event carries."""
