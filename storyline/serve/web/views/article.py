"""The article pages: ``/articles/ID`` (the text with its marks), ``/api/articles`` and ``/api/articles/ID``."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict
from typing import Any
from urllib.parse import quote, urlencode

from storyline.api import Storyline
from storyline.models import EnrichedArticle
from storyline.serve.web.views.story import relation_views
from storyline.serve.web.views.links import Numbering, article_url, entity_url, safe_http_url, span_url
from storyline.serve.web.views.contexts import ArticleDetail, RelationView, Piece, Block, QuoteItem, EntityItem, ArticleContext, ArticleRow, ArticleListContext


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
    story_id = sl.reader.story_of(article.id)
    relations: list[RelationView] = []
    related = sl.reader.relations_for([article.id])
    if related:
        ids = list(dict.fromkeys([article.id, *(r.article_id for r in related), *(r.other_id for r in related)]))
        relations = relation_views(related, Numbering(list(sl.reader.iter_articles(ids))))
    return ArticleContext(
        article=article,
        story_id=story_id,
        blocks=blocks,
        quotes=[
            QuoteItem(
                text=q.span.text,
                speaker=q.speaker,
                speaker_url=entity_url(q.speaker) if q.speaker else None,
                url=span_url(q.span),
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


def article_list(sl: Storyline, *, limit: int = 50, offset: int = 0) -> ArticleListContext:
    total, rows = sl.reader.article_rows(limit=limit, offset=offset)
    return ArticleListContext(
        articles=[ArticleRow(**asdict(row), page_url=article_url(row.id)) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
        next_url=f"/api/articles?{urlencode({'limit': limit, 'offset': offset + limit})}" if offset + limit < total else None,
    )


def article_detail(sl: Storyline, article_id: str) -> ArticleDetail:
    record = _record(sl, article_id)
    record.embedding = None  # large, and of no use to a reader
    return ArticleDetail(enriched=record, story_id=sl.reader.story_of(record.article.id), relations=sl.reader.relations_for([record.article.id]))

