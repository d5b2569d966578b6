"""The context of each page: one dataclass the HTML template and the page's JSON twin both render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storyline.models import Article, EnrichedArticle, Relation, RemovedFragment
from storyline.serve.web import svg


@dataclass
class Cite:
    """A link from a statement to the source text that makes it."""

    n: int
    """The article's number within the story, as in ``[2]``."""
    label: str
    url: str
    text: str
    article_id: str


@dataclass
class ArticleColumn:
    id: str
    n: int
    label: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str
    source_url: str | None = None


@dataclass
class StoryRow:
    id: str
    title: str | None
    size: int
    outlets: list[str]
    first_seen: str | None
    last_seen: str | None
    url: str = ""
    updated_at: str | None = None
    """When the story was created or last changed (grew, merged, an article updated)."""
    lede: str | None = None
    """The first summary sentence of the story's last built brief (None before any brief is built)."""
    independent_sources: int | None = None
    """Rewrite families among the articles (a rewrite does not count as another source)."""
    disagreements: int | None = None
    """Discrepancies other than "only one outlet reports"."""
    sources: list[str] = field(default_factory=list)
    """One name per rewrite family (outlet, else site, else article title): the story's independent voices."""
    rewrites: list[str] = field(default_factory=list)
    """The other members of those families, folded on the page."""
    unnamed_outlet_articles: int = 0
    """How many of its articles name no outlet."""


@dataclass
class StoryListContext:
    """The story list: one page of stories, filtered and sorted."""

    stories: list[StoryRow]
    total: int
    q: str | None
    outlet: str | None
    sort: str
    order: str
    limit: int
    offset: int
    next_url: str | None
    prev_url: str | None
    outlets: list[str] = field(default_factory=list)
    sort_urls: dict[str, str] = field(default_factory=dict)
    max_size: int = 1


@dataclass
class SummaryLine:
    text: str
    url: str
    independent_sources: int
    cites: list[Cite]


@dataclass
class QuoteLine:
    text: str
    variation: str
    independent_sources: int
    cites: list[Cite]
    differences: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    """The events (``Brief.events``) the quoting articles mainly report: where it was said."""


@dataclass
class Speaker:
    name: str | None
    url: str | None
    anchor: str
    outlets: list[str]
    quotes: list[QuoteLine]
    events: list[str] = field(default_factory=list)
    event: str | None = None
    """The place of the event these quotes were given at, when the speaker is quoted at several."""


@dataclass
class MatrixRow:
    text: str
    url: str
    independent_sources: int
    cells: list[list[Cite]]
    """One list per matrix column: the column's sentences that make this claim."""


@dataclass
class SideView:
    value: str
    independent_sources: int
    better_supported: bool
    cites: list[Cite]


@dataclass
class DiscrepancyView:
    kind: str
    nature: str
    subject: str
    description: str
    severity: float
    sides: list[SideView]
    level: str = "low"
    """``high``, ``medium`` or ``low`` severity: the card's weight on the page."""


@dataclass
class ExclusiveLine:
    """One statement or quote only one outlet carries."""

    kind: str
    """``statement`` or ``quote``."""
    text: str
    url: str
    importance: float


@dataclass
class OutletOnly:
    """What only one outlet (one rewrite family) reports, as the page shows it."""

    outlet: str
    cites: list[Cite]
    """The outlet's articles, numbered as on the story page."""
    statements: int
    quotes: int
    shown: list[ExclusiveLine]
    folded: list[ExclusiveLine]


@dataclass
class TimelineEntry:
    """One row of the timeline list: a dated event (at the precision known) or a publication."""

    n: int
    """The entry's number, also drawn on the timeline picture."""
    date: str
    """ISO start date, for ``<time datetime>``."""
    when: str
    """The date as precise as it is known: "2025", "Nov 2025", "week of 24 Nov 2025", "24–30 Nov 2025"."""
    granularity: str
    text: str
    url: str
    kind: str
    """``event`` or ``published``."""
    cites: list[Cite] = field(default_factory=list)
    expressions: list[str] = field(default_factory=list)


@dataclass
class EntityView:
    name: str
    label: str
    url: str
    articles: int
    mentions: int
    variants: list[str]
    roles: list[tuple[str, list[Cite]]]


@dataclass
class RelationView:
    kind: str
    score: float
    source: ArticleColumn | None
    target: ArticleColumn | None
    directed: bool
    reason: str | None
    evidence: list[tuple[Cite, Cite]]


@dataclass
class StoryContext:
    """The story page: the brief laid out for reading, every statement linked to its sources."""

    story_id: str
    title: str | None
    articles: list[ArticleColumn]
    summary: list[SummaryLine]
    speakers: list[Speaker]
    matrix_columns: list[str]
    matrix_rows: list[MatrixRow]
    matrix_of: str
    """``claims`` when the brief has claims, else ``summary`` (summary sentences stand in)."""
    single_source_rows: list[MatrixRow]
    """Statements only one article makes (``matrix_rows`` holds those two or more make)."""
    discrepancies: list[DiscrepancyView]
    entities: list[EntityView]
    relations: list[RelationView]
    timeline: svg.Timeline | None
    graph: svg.Graph | None
    linked_stories: list[str] = field(default_factory=list)
    api_url: str = ""
    only_one: list[OutletOnly] = field(default_factory=list)
    """What only one outlet reports, per outlet (`Brief.exclusives`)."""
    timeline_entries: list[TimelineEntry] = field(default_factory=list)
    independent_sources: int = 0


@dataclass
class Piece:
    """A run of article text with the same marks: in a quote, in an entity, highlighted."""

    text: str
    classes: str = ""
    href: str | None = None
    title: str | None = None
    anchor: str | None = None


@dataclass
class Block:
    """A sentence (with its anchor ``s-START-END``) or the text between sentences."""

    anchor: str | None
    pieces: list[Piece]


@dataclass
class QuoteItem:
    text: str
    speaker: str | None
    speaker_url: str | None
    url: str
    inferred: bool


@dataclass
class EntityItem:
    name: str
    label: str
    url: str
    mentions: int
    roles: list[str]


@dataclass
class ArticleContext:
    """The article page: the stored text with sentences, quotes and entities marked."""

    article: Article
    story_id: str | None
    blocks: list[Block]
    quotes: list[QuoteItem]
    entities: list[EntityItem]
    removed: list[RemovedFragment]
    relations: list[RelationView]
    source_url: str | None
    highlight: str | None
    """The text of the ``hl=START-END`` span, when one was asked for."""
    words: int = 0
    api_url: str = ""


@dataclass
class ArticleRow:
    id: str
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    story_id: str | None
    page_url: str = ""


@dataclass
class ArticleListContext:
    articles: list[ArticleRow]
    total: int
    limit: int
    offset: int
    next_url: str | None = None


@dataclass
class ArticleDetail:
    """``/api/articles/ID``: the stored article with its annotations, story and relations."""

    enriched: EnrichedArticle
    story_id: str | None
    relations: list[Relation]

    def as_dict(self) -> dict[str, Any]:
        """The JSON the API serves: each record as ``as_dict()`` writes it (the export format)."""
        return {"enriched": self.enriched.as_dict(), "story_id": self.story_id, "relations": [r.as_dict() for r in self.relations]}


@dataclass
class RoleRow:
    outlet: str
    role: str
    cites: list[Cite]


@dataclass
class EntityContext:
    """The entity page: every role each outlet gives it, its quotes, the stories it is in."""

    name: str
    labels: list[str]
    variants: list[str]
    roles: list[RoleRow]
    quotes: list[QuoteLine]
    stories: list[StoryRow]
    articles: list[ArticleColumn]
    api_url: str = ""


@dataclass
class SearchHit:
    kind: str
    """``article``, ``quote`` or ``entity``."""
    title: str
    url: str
    snippet: str
    """Text with the matched words between U+0002 and U+0003 (the page turns them into marks)."""
    detail: str = ""


@dataclass
class SearchSection:
    kind: str
    total: int
    hits: list[SearchHit]
    more_url: str | None = None


@dataclass
class SearchContext:
    """Search results over articles, quotes and entities (SQLite FTS5)."""

    q: str
    kind: str
    sections: list[SearchSection]
    limit: int
    offset: int
    next_url: str | None = None
    prev_url: str | None = None


@dataclass
class AlertsContext:
    """Watchlist alerts: on the JSON twin, those not acknowledged yet (reading marks nothing)."""

    alerts: list[dict[str, Any]]
    watchlist: list[dict[str, Any]] = field(default_factory=list)
