"""Search (``/search``, twin ``/api/search``): SQLite FTS5 over articles, quotes and entities."""

from __future__ import annotations

from urllib.parse import urlencode

from storyline.reader import ArticleHit, EntityHit, QuoteHit
from storyline.api import Storyline
from storyline.errors import InvalidParameter
from storyline.models import Span
from storyline.serve.web.views.links import article_url, entity_url, span_url
from storyline.serve.web.views.contexts import SearchHit, SearchSection, SearchContext


SEARCH_KINDS = ("articles", "quotes", "entities")
MAX_QUERY_CHARS = 500
"""Longer queries are refused: an FTS query's cost grows with its words."""


def search_page(sl: Storyline, q: str, *, kind: str = "all", limit: int = 10, offset: int = 0, base: str = "/search") -> SearchContext:
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidParameter(f"the search query is {len(q):,} characters long; the limit is {MAX_QUERY_CHARS}")
    kinds = SEARCH_KINDS if kind == "all" else (kind,)
    sections = []
    next_url = prev_url = None
    for k in kinds:
        total, rows = getattr(sl.reader, f"search_{k}")(q, limit=limit, offset=offset if kind != "all" else 0)
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
        span = Span(article_id=row.article_id, start=row.start, end=row.end)
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

