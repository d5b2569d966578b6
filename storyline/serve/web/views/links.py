"""Links and numbering, in one place: every URL a page links to, and the article numbers ``[n]`` of a story."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from storyline.models import Span
from storyline.serve.web.views.contexts import ArticleColumn, Cite

MAX_LIMIT = 200


def article_url(article_id: str) -> str:
    return f"/articles/{quote(article_id)}"


def span_url(span: Span) -> str:
    """Link to a span: the article page marks it and scrolls to it; a span of the title links to
    the page's top (the highlight marks offsets of the text only)."""
    if span.field == "title":
        return article_url(span.article_id)
    return f"/articles/{quote(span.article_id)}?hl={int(span.start)}-{int(span.end)}#hl"


def entity_url(name: str) -> str:
    return "/entities/" + quote(name, safe="")


def story_url(story_id: str) -> str:
    return f"/stories/{quote(story_id)}"


def safe_http_url(url: str | None) -> str | None:
    """``url`` when it is http(s); anything else (``javascript:``, ``data:``) is shown as text only."""
    if url and re.match(r"(?i)^https?://[^\s]+$", url.strip()):
        return url.strip()
    return None


def iso(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value or None


class ArticleLike(Protocol):
    """What numbering needs of an article: an `Article` or a brief's `ArticleRef`."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def published(self) -> datetime | None: ...


def source_name(article: ArticleLike, limit: int = 40) -> str | None:
    """What to call an article's source: its outlet, else its site, else its title (shortened)."""
    if article.outlet:
        return article.outlet
    host = urlsplit(safe_http_url(article.url) or "").hostname
    if host:
        return host.removeprefix("www.")
    title = " ".join((article.title or "").split())
    if title:
        return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,:;") + "…"
    return None


class Numbering:
    """Article numbers and labels within one story (or page), for citations ``[n]``."""

    def __init__(self, articles: list[ArticleLike]) -> None:
        self.columns = [
            ArticleColumn(
                id=a.id,
                n=i,
                label=source_name(a) or f"Article {i}",
                title=a.title,
                outlet=a.outlet,
                published=iso(a.published),
                url=article_url(a.id),
                source_url=safe_http_url(a.url),
            )
            for i, a in enumerate(articles, start=1)
        ]
        self.by_id = {c.id: c for c in self.columns}

    def cite(self, span: Span) -> Cite:
        column = self.by_id.get(span.article_id)
        return Cite(
            n=column.n if column else 0,
            label=column.label if column else span.article_id,
            url=span_url(span),
            text=span.text or "",
            article_id=span.article_id,
        )

