"""One function per page: read through `Storyline`/`Store`, return the page's context dataclass.

The same context feeds the HTML template and the page's JSON twin, so a page never shows
what its JSON does not say. Brief sections are read from ``Brief.as_dict()`` and every
missing section renders as empty, so the UI keeps working while the brief grows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlencode

from storyline.api import Storyline
from storyline.errors import NotFound
from storyline.models import Article, EnrichedArticle, Relation, RemovedFragment
from storyline.serve.web import svg
from storyline.access import STORY_SORTS, ArticleHit, QuoteHit, EntityHit, iso_utc

MAX_LIMIT = 200


# --- small shared pieces ------------------------------------------------------------------


def article_url(article_id: str) -> str:
    return f"/articles/{quote(article_id)}"


def span_url(span: dict[str, Any]) -> str:
    """Link to a span: the article page marks it and scrolls to it."""
    return f"/articles/{quote(span['article_id'])}?hl={int(span['start'])}-{int(span['end'])}#hl"


def entity_url(name: str) -> str:
    return "/entities/" + quote(name, safe="")


def story_url(story_id: str) -> str:
    return f"/stories/{quote(story_id)}"


def safe_http_url(url: str | None) -> str | None:
    """``url`` when it is http(s); anything else (``javascript:``, ``data:``) is shown as text only."""
    if url and re.match(r"(?i)^https?://[^\s]+$", url.strip()):
        return url.strip()
    return None


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value or None


def _is_span(value: Any) -> bool:
    return isinstance(value, dict) and {"article_id", "start", "end"} <= value.keys()


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


class _Numbering:
    """Article numbers and labels within one story, for citations."""

    def __init__(self, articles: list[dict[str, Any]]) -> None:
        self.columns = [
            ArticleColumn(
                id=a["id"],
                n=i,
                label=a.get("outlet") or f"Article {i}",
                title=a.get("title"),
                outlet=a.get("outlet"),
                published=_iso(a.get("published")),
                url=article_url(a["id"]),
                source_url=safe_http_url(a.get("url")),
            )
            for i, a in enumerate(articles, start=1)
        ]
        self.by_id = {c.id: c for c in self.columns}

    def cite(self, span: dict[str, Any]) -> Cite:
        column = self.by_id.get(span["article_id"])
        return Cite(
            n=column.n if column else 0,
            label=column.label if column else span["article_id"],
            url=span_url(span),
            text=span.get("text") or "",
            article_id=span["article_id"],
        )


# --- story list -----------------------------------------------------------------------------


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


def story_list(
    sl: Storyline,
    *,
    q: str | None = None,
    outlet: str | None = None,
    sort: str = "size",
    order: str = "desc",
    limit: int = 50,
    offset: int = 0,
    base: str = "/",
    since: datetime | None = None,
) -> StoryListContext:
    total, rows = sl.story_listing(q=q, outlet=outlet, sort=sort, descending=order == "desc", limit=limit, offset=offset, since=since)
    since_iso = iso_utc(since) if since is not None else None
    params = {"q": q or None, "outlet": outlet or None, "sort": sort, "order": order, "limit": limit, "since": since_iso}

    def url(**changes: Any) -> str:
        merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
        return f"{base}?{urlencode(merged)}"

    sort_urls = {
        key: url(sort=key, order=("asc" if sort == key and order == "desc" else "desc"), offset=None)
        for key in STORY_SORTS
    }
    return StoryListContext(
        stories=[StoryRow(**asdict(row), url=story_url(row.id)) for row in rows],
        total=total,
        q=q,
        outlet=outlet,
        sort=sort,
        order=order,
        limit=limit,
        offset=offset,
        next_url=url(offset=offset + limit) if offset + limit < total else None,
        prev_url=url(offset=max(0, offset - limit) or None) if offset > 0 else None,
        outlets=[name for name, _ in sl.outlets()],
        sort_urls=sort_urls,
        max_size=max((row.size for row in rows), default=1),
    )


# --- story page -----------------------------------------------------------------------------


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


@dataclass
class Speaker:
    name: str | None
    url: str | None
    anchor: str
    outlets: list[str]
    quotes: list[QuoteLine]


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


def story_page(sl: Storyline, story_id: str) -> StoryContext:
    brief = sl.brief(story_id)
    data = brief.as_dict()
    numbering = _Numbering(data.get("articles") or [])
    cols = numbering.columns

    summary = [
        SummaryLine(
            text=s["span"].get("text") or "",
            url=span_url(s["span"]),
            independent_sources=int(s.get("independent_sources") or 1),
            cites=[numbering.cite(x) for x in [s["span"], *(s.get("supporting") or [])]],
        )
        for s in data.get("summary") or []
    ]

    groups = data.get("quote_groups") or []
    if not groups:
        groups = _quote_groups_from_articles(list(sl.enriched_articles([a.id for a in brief.articles])))
    speakers = _speakers(groups, numbering)

    # Claims x outlets: one column per outlet (articles without an outlet get their own).
    column_keys: list[str] = []
    for c in cols:
        key = c.outlet or c.label
        if key not in column_keys:
            column_keys.append(key)
    column_of = {c.id: column_keys.index(c.outlet or c.label) for c in cols}
    claims = data.get("claims") or []
    matrix_of = "claims" if claims else "summary"
    if not claims:
        claims = [
            {"text": s["span"].get("text"), "spans": [s["span"], *(s.get("supporting") or [])], "independent_sources": s.get("independent_sources")}
            for s in data.get("summary") or []
        ]
    matrix_rows: list[MatrixRow] = []
    single_rows: list[MatrixRow] = []
    for claim in claims:
        spans = [x for x in claim.get("spans") or [] if _is_span(x)]
        if not spans:
            continue
        cells: list[list[Cite]] = [[] for _ in column_keys]
        for span in spans:
            if span["article_id"] in column_of:
                cells[column_of[span["article_id"]]].append(numbering.cite(span))
        rows = matrix_rows if len({c.article_id for cell in cells for c in cell}) > 1 else single_rows
        rows.append(
            MatrixRow(
                text=claim.get("text") or spans[0].get("text") or "",
                url=span_url(spans[0]),
                independent_sources=int(claim.get("independent_sources") or 1),
                cells=cells,
            )
        )

    matrix_rows.sort(key=lambda r: -r.independent_sources)
    discrepancies = []
    for d in sorted(data.get("discrepancies") or [], key=lambda d: -float(d.get("severity") or 0)):
        better = d.get("better_supported")
        discrepancies.append(
            DiscrepancyView(
                kind=str(d.get("kind") or ""),
                nature=str(d.get("nature") or "contradiction"),
                subject=str(d.get("subject") or ""),
                description=str(d.get("description") or ""),
                severity=float(d.get("severity") or 0),
                sides=[
                    SideView(
                        value=str(side.get("value") or ""),
                        independent_sources=int(side.get("independent_sources") or len(side.get("article_ids") or [])),
                        better_supported=better == i,
                        cites=[numbering.cite(x) for x in side.get("spans") or [] if _is_span(x)],
                    )
                    for i, side in enumerate(d.get("sides") or [])
                ],
            )
        )

    entities = []
    for e in data.get("entities") or []:
        roles: dict[str, list[Cite]] = defaultdict(list)
        for r in e.get("roles") or []:
            if r.get("role"):
                span = r.get("span") if _is_span(r.get("span")) else None
                roles[r["role"]].append(numbering.cite(span) if span else numbering.cite({"article_id": r.get("article_id", ""), "start": 0, "end": 0}))
        entities.append(
            EntityView(
                name=e["name"],
                label=e.get("label") or "",
                url=entity_url(e["name"]),
                articles=len(e.get("article_ids") or []),
                mentions=int(e.get("mentions") or 0),
                variants=list(e.get("variants") or []),
                roles=sorted(roles.items()),
            )
        )

    relations = _relation_views(data.get("relations") or [], numbering)
    timeline = svg.timeline(_timeline_points(data, numbering))
    graph = svg.derivation_graph(cols, relations) if relations else None
    return StoryContext(
        story_id=brief.story_id,
        title=brief.title,
        articles=cols,
        summary=summary,
        speakers=speakers,
        matrix_columns=column_keys,
        matrix_rows=matrix_rows,
        matrix_of=matrix_of,
        single_source_rows=single_rows,
        discrepancies=discrepancies,
        entities=entities,
        relations=relations,
        timeline=timeline,
        graph=graph,
        linked_stories=list(data.get("linked_story_ids") or []),
        api_url=f"/api/stories/{quote(brief.story_id)}",
    )


def _quote_groups_from_articles(records: list[EnrichedArticle]) -> list[dict[str, Any]]:
    """Quote groups by exact wording, for briefs built before quote grouping existed."""
    groups: dict[tuple[str | None, str], dict[str, Any]] = {}
    for record in records:
        for q in record.quotes:
            key = (q.speaker, q.span.text)
            group = groups.setdefault(key, {"speaker": q.speaker, "text": q.span.text, "occurrences": [], "variation": "exact"})
            group["occurrences"].append({"span": q.span.as_dict(), "outlet": record.article.outlet})
    return list(groups.values())


def _speakers(groups: list[dict[str, Any]], numbering: _Numbering) -> list[Speaker]:
    by_speaker: dict[str | None, list[QuoteLine]] = defaultdict(list)
    outlets: dict[str | None, list[str]] = defaultdict(list)
    for g in groups:
        occurrences = g.get("occurrences") or []
        cites = list({o["span"]["article_id"]: numbering.cite(o["span"]) for o in occurrences if _is_span(o.get("span"))}.values())
        differences = sorted({d for o in occurrences for d in o.get("differences") or []})
        by_speaker[g.get("speaker")].append(
            QuoteLine(
                text=g.get("text") or (cites[0].text if cites else ""),
                variation=g.get("variation") or "exact",
                independent_sources=int(g.get("independent_sources") or len({c.article_id for c in cites}) or 1),
                cites=cites,
                differences=differences,
            )
        )
        for c in cites:
            if c.label not in outlets[g.get("speaker")]:
                outlets[g.get("speaker")].append(c.label)
    ordered = sorted(by_speaker, key=lambda s: (s is None, -len(by_speaker[s]), s or ""))
    return [
        Speaker(
            name=name,
            url=entity_url(name) if name else None,
            anchor=f"speaker-{i}",
            outlets=outlets[name],
            quotes=sorted(by_speaker[name], key=lambda q: -len(q.cites)),
        )
        for i, name in enumerate(ordered, start=1)
    ]


def _relation_views(relations: list[dict[str, Any]], numbering: _Numbering) -> list[RelationView]:
    views = []
    for r in relations:
        a, b = numbering.by_id.get(r["article_id"]), numbering.by_id.get(r["other_id"])
        if a is None or b is None:
            continue
        direction = r.get("direction")
        source, target = (b, a) if direction == "other->article" else (a, b)
        views.append(
            RelationView(
                kind=r.get("kind") or "",
                score=float(r.get("score") or 0),
                source=source,
                target=target,
                directed=direction in ("article->other", "other->article"),
                reason=r.get("direction_reason"),
                evidence=[
                    (numbering.cite(pair[0]), numbering.cite(pair[1]))
                    for pair in r.get("evidence") or []
                    if len(pair) == 2 and _is_span(pair[0]) and _is_span(pair[1])
                ],
            )
        )
    return views


def _timeline_points(data: dict[str, Any], numbering: _Numbering) -> list[svg.TimelineItem]:
    items = []
    for event in data.get("timeline") or []:
        when = _to_date(event.get("date"))
        span = event.get("span")
        if when is None or not _is_span(span):
            continue
        expressions = [x.get("expression") for x in event.get("expressions") or [] if x.get("expression")]
        items.append(
            svg.TimelineItem(
                when=when,
                label=event.get("text") or span.get("text") or "",
                url=span_url(span),
                kind="event",
                detail=", ".join(dict.fromkeys(expressions)),
                sources=len(set(event.get("article_ids") or [span["article_id"]])),
            )
        )
    for column in numbering.columns:
        when = _to_date(column.published)
        if when is not None:
            items.append(
                svg.TimelineItem(when=when, label=f"[{column.n}] {column.label} published", url=column.url, kind="published", detail=column.title or "", sources=1)
            )
    return items


def _to_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            return None
    return None


# --- article page ---------------------------------------------------------------------------


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


def article_page(sl: Storyline, article_id: str, *, hl: str | None = None) -> ArticleContext:
    record = _record(sl, article_id)
    article = record.article
    text = article.text
    highlight = _parse_range(hl, len(text))

    layers: dict[str, list[tuple[int, int, Any]]] = {
        "sentence": [(s.start, s.end, f"s-{s.start}-{s.end}") for s in record.sentences],
        "quote": [(q.span.start, q.span.end, q.speaker) for q in record.quotes],
        "entity": [(e.span.start, e.span.end, (e.name, e.label, e.role)) for e in record.entities],
        "speaker": [(q.speaker_span.start, q.speaker_span.end, True) for q in record.quotes if q.speaker_span],
        "hl": [(highlight[0], highlight[1], True)] if highlight else [],
    }
    blocks: list[Block] = []
    hl_done = False
    for start, end, marks in segment(text, layers):
        piece = Piece(text=text[start:end])
        classes = []
        if marks["quote"] is not None:
            classes.append("q")
            piece.title = f"quote by {marks['quote']}" if marks["quote"] else "quote (speaker unknown)"
        if marks["speaker"]:
            classes.append("speaker")
        if marks["entity"] is not None:
            name, label, role = marks["entity"]
            classes += ["e", f"e-{label}"]
            piece.href = entity_url(name)
            piece.title = f"{name} ({label})" + (f", {role}" if role else "")
        if marks["hl"]:
            classes.append("hl")
            if not hl_done:
                piece.anchor, hl_done = "hl", True
        piece.classes = " ".join(classes)
        anchor = marks["sentence"]
        if blocks and blocks[-1].anchor == anchor:
            blocks[-1].pieces.append(piece)
        else:
            blocks.append(Block(anchor=anchor, pieces=[piece]))

    mentions: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for e in record.entities:
        mentions[(e.name, e.label)].append(e)
    entities = [
        EntityItem(name=name, label=label, url=entity_url(name), mentions=len(ms), roles=sorted({m.role for m in ms if m.role}))
        for (name, label), ms in sorted(mentions.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    story_id = sl.story_of(article.id)
    relations: list[RelationView] = []
    related = sl.relations([article.id])
    if related:
        ids = list(dict.fromkeys([article.id, *(r.article_id for r in related), *(r.other_id for r in related)]))
        refs = [{"id": a.id, "outlet": a.outlet, "title": a.title, "published": a.published, "url": a.url} for a in sl.articles(ids)]
        relations = _relation_views([r.as_dict() for r in related], _Numbering(refs))
    return ArticleContext(
        article=article,
        story_id=story_id,
        blocks=blocks,
        quotes=[
            QuoteItem(
                text=q.span.text,
                speaker=q.speaker,
                speaker_url=entity_url(q.speaker) if q.speaker else None,
                url=span_url(q.span.as_dict()),
                inferred=q.inferred,
            )
            for q in record.quotes
        ],
        entities=entities,
        removed=list(article.removed),
        relations=relations,
        source_url=safe_http_url(article.url),
        highlight=text[highlight[0] : highlight[1]] if highlight else None,
        words=len(text.split()),
        api_url=f"/api/articles/{quote(article.id)}",
    )


def _record(sl: Storyline, article_id: str) -> EnrichedArticle:
    """The enriched article, or the bare article when it was never enriched."""
    return sl.enriched_or_bare(article_id)


def _parse_range(value: str | None, length: int) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d+)-(\d+)", value or "")
    if not match:
        return None
    start, end = int(match[1]), min(int(match[2]), length)
    return (start, end) if start < end else None


def segment(text: str, layers: dict[str, list[tuple[int, int, Any]]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Cut ``text`` where any span of any layer starts or ends; each piece says which span of each layer covers it.

    Spans outside the text or empty are ignored (enrichments are data, not trusted); where
    spans of one layer overlap, the one that started first wins.
    """
    length = len(text)
    starts: dict[int, list[tuple[str, int, Any]]] = defaultdict(list)
    cuts = {0, length}
    for kind, spans in layers.items():
        for start, end, payload in spans:
            start, end = max(0, start), min(length, end)
            if start >= end:
                continue
            starts[start].append((kind, end, payload))
            cuts.update((start, end))
    points = sorted(cuts)
    active: dict[str, list[tuple[int, Any]]] = {kind: [] for kind in layers}
    pieces = []
    for start, end in zip(points, points[1:], strict=False):
        for kind, span_end, payload in starts.get(start, ()):
            active[kind].append((span_end, payload))
        marks = {}
        for kind in layers:
            active[kind] = [(e, p) for e, p in active[kind] if e > start]
            marks[kind] = active[kind][0][1] if active[kind] else None
        pieces.append((start, end, marks))
    return pieces


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


def article_list(sl: Storyline, *, limit: int = 50, offset: int = 0) -> ArticleListContext:
    total, rows = sl.article_listing(limit=limit, offset=offset)
    return ArticleListContext(
        articles=[ArticleRow(**asdict(row), page_url=article_url(row.id)) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
        next_url=f"/api/articles?{urlencode({'limit': limit, 'offset': offset + limit})}" if offset + limit < total else None,
    )


@dataclass
class ArticleDetail:
    """``/api/articles/ID``: the stored article with its annotations, story and relations."""

    enriched: EnrichedArticle
    story_id: str | None
    relations: list[Relation]


def article_detail(sl: Storyline, article_id: str) -> dict[str, Any]:
    record = _record(sl, article_id)
    record.embedding = None  # large, and of no use to a reader
    return {
        "enriched": record.as_dict(),
        "story_id": sl.story_of(record.article.id),
        "relations": [r.as_dict() for r in sl.relations([record.article.id])],
    }


# --- entity page ----------------------------------------------------------------------------


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


def entity_page(sl: Storyline, name: str) -> EntityContext:
    rows = sl.entity_occurrences(name)
    if not rows:
        raise NotFound(f"no entity {name!r}")
    # The briefs know which spellings are one entity (Andriy/Andrii Yermak): gather them all.
    names = {name}
    for story_id in dict.fromkeys(s for s in (sl.story_of(r.article_id) for r in rows) if s):
        for ent in sl.brief(story_id).entities:
            if ent.name == name or name in ent.variants:
                names.update([ent.name, *ent.variants])
    rows = [r for n in sorted(names - {name}) for r in sl.entity_occurrences(n)] + rows
    ids = list(dict.fromkeys(r.article_id for r in rows))
    records = list(sl.enriched_articles(ids))
    numbering = _Numbering([{"id": r.article.id, "outlet": r.article.outlet, "title": r.article.title, "published": r.article.published, "url": r.article.url} for r in records])

    roles: dict[tuple[str, str], list[Cite]] = defaultdict(list)
    variants: set[str] = set()
    quotes: dict[str, QuoteLine] = {}
    for record in records:
        column = numbering.by_id[record.article.id]
        for e in record.entities:
            if e.name not in names:
                continue
            if e.span.text != name:
                variants.add(e.span.text)
            if e.role:
                span = (e.role_span or e.span).as_dict()
                roles[(column.outlet or column.label, e.role)].append(numbering.cite(span))
        for q in record.quotes:
            if q.speaker in names:
                line = quotes.setdefault(q.span.text, QuoteLine(text=q.span.text, variation="exact", independent_sources=0, cites=[]))
                line.cites.append(numbering.cite(q.span.as_dict()))
                line.independent_sources = len({c.article_id for c in line.cites})
    story_ids = list(dict.fromkeys(s for s in (sl.story_of(aid) for aid in ids) if s))
    stories = []
    for sid in story_ids:
        story = sl.story(sid)
        stories.append(
            StoryRow(
                id=story.id,
                title=story.title,
                size=len(story.article_ids),
                outlets=sorted({a.outlet for a in sl.articles(story.article_ids) if a.outlet}),
                first_seen=_iso(story.first_seen),
                last_seen=_iso(story.last_seen),
                url=story_url(story.id),
            )
        )
    return EntityContext(
        name=name,
        labels=sorted({r.label for r in rows}),
        variants=sorted(variants, key=str.lower),
        roles=[RoleRow(outlet=o, role=r, cites=c) for (o, r), c in sorted(roles.items())],
        quotes=sorted(quotes.values(), key=lambda q: -len(q.cites)),
        stories=stories,
        articles=numbering.columns,
        api_url="/api" + entity_url(name),
    )


# --- search ---------------------------------------------------------------------------------


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


SEARCH_KINDS = ("articles", "quotes", "entities")


def search_page(sl: Storyline, q: str, *, kind: str = "all", limit: int = 10, offset: int = 0, base: str = "/search") -> SearchContext:
    kinds = SEARCH_KINDS if kind == "all" else (kind,)
    sections = []
    next_url = prev_url = None
    for k in kinds:
        total, rows = getattr(sl, f"search_{k}")(q, limit=limit, offset=offset if kind != "all" else 0)
        hits = [_hit(row) for row in rows]
        more = f"{base}?{urlencode({'q': q, 'kind': k})}" if kind == "all" and total > len(rows) else None
        sections.append(SearchSection(kind=k, total=total, hits=hits, more_url=more))
        if kind != "all":
            if offset + limit < total:
                next_url = f"{base}?{urlencode({'q': q, 'kind': k, 'limit': limit, 'offset': offset + limit})}"
            if offset > 0:
                prev_url = f"{base}?{urlencode({'q': q, 'kind': k, 'limit': limit, 'offset': max(0, offset - limit)})}"
    return SearchContext(q=q, kind=kind, sections=sections, limit=limit, offset=offset, next_url=next_url, prev_url=prev_url)


def _hit(row: ArticleHit | QuoteHit | EntityHit) -> SearchHit:
    if isinstance(row, ArticleHit):
        return SearchHit(kind="article", title=row.title or row.article_id, url=article_url(row.article_id), snippet=row.snippet or "", detail=row.outlet or "")
    if isinstance(row, QuoteHit):
        span = {"article_id": row.article_id, "start": row.start, "end": row.end}
        return SearchHit(
            kind="quote",
            title=row.speaker or "Unattributed",
            url=span_url(span),
            snippet=row.snippet or "",
            detail=" · ".join(x for x in (row.outlet, row.title) if x),
        )
    detail = f"{row.label} · {row.articles} article{'s' if row.articles != 1 else ''}"
    if row.roles:
        detail += " · " + "; ".join(row.roles)
    return SearchHit(kind="entity", title=row.name, url=entity_url(row.name), snippet="", detail=detail)
