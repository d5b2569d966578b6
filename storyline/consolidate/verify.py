"""The span check: every span in a brief must reproduce its text from the stored article."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from storyline.models import Article, Brief, Span

SPAN_FIELDS = ("text", "title")


@dataclass(frozen=True)
class SpanMismatch:
    span: Span
    found: str | None
    """What the stored article holds at that place (None when the article is unknown)."""


def iter_spans(value: Any) -> Iterator[Span]:
    """Every `Span` anywhere inside ``value`` (records, dicts, lists)."""
    if isinstance(value, Span):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from iter_spans(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from iter_spans(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from iter_spans(v)


def verify_brief(brief: Brief, articles: Mapping[str, Article]) -> list[SpanMismatch]:
    """The spans of ``brief`` whose text is not ``article.text[start:end]`` (``article.title[start:end]``
    for a title span; empty when all verify)."""
    problems = []
    for span in iter_spans(brief):
        article = articles.get(span.article_id)
        found = article.field_text(span.field)[span.start : span.end] if article else None
        if found is None or found != span.text or span.start > span.end or span.field not in SPAN_FIELDS:
            problems.append(SpanMismatch(span, found))
    return problems
