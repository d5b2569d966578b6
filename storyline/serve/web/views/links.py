"""Links and numbering, in one place: every URL a page links to, and the article numbers ``[n]`` of a story."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from storyline.serve.web.views.contexts import ArticleColumn, Cite


MAX_LIMIT = 200


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


def iso(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value or None


def is_span(value: Any) -> bool:
    return isinstance(value, dict) and {"article_id", "start", "end"} <= value.keys()


class Numbering:
    """Article numbers and labels within one story, for citations."""

    def __init__(self, articles: list[dict[str, Any]]) -> None:
        self.columns = [
            ArticleColumn(
                id=a["id"],
                n=i,
                label=a.get("outlet") or f"Article {i}",
                title=a.get("title"),
                outlet=a.get("outlet"),
                published=iso(a.get("published")),
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

