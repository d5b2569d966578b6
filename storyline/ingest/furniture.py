"""Page furniture removal: what is not article text is taken out and recorded, never lost.

`clean_article` is applied to every article whatever its reader: comment sections, share and
subscribe prompts, image credits (also when glued to the first sentence), outlet tags such as
``{Matzav.com}`` (which then name the outlet), trailing timestamps (which then become the
published date) and lines that repeat across several articles of the same outlet. Each removed
piece becomes a `RemovedFragment` with the reason; the article id is re-derived from the
cleaned text. The patterns live in `storyline.ingest.patterns`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, UTC

from storyline.ingest import patterns
from storyline.ingest.identity import article_id, normalise_for_identity
from storyline.models import Article, RemovedFragment

__all__ = ["OutletLines", "clean_article", "clean_text", "line_key"]

_MIN_TEXT_BEFORE_COMMENTS = 300
_BLANK_RUNS = re.compile(r"\n{3,}")


def line_key(line: str) -> str | None:
    """A short hash of a normalised line, or None for lines too short to learn from."""
    norm = normalise_for_identity(line)
    if len(norm) < 12:
        return None
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


class OutletLines:
    """Which lines each outlet repeats across articles: learned from the store and from this run.

    ``lookup(outlet)`` returns ``{line_key: {doc_key, ...}}`` from earlier runs (the api passes the
    store's method; ingest never imports the store). A line seen in ``min_articles`` different
    articles of one outlet is furniture ("Follow us on ...", a standing disclaimer).
    `observe` adds an article; `pending` hands the new observations back for storing.
    """

    def __init__(self, lookup: Callable[[str], Mapping[str, Iterable[str]]] | None = None, *, min_articles: int = 3) -> None:
        self.lookup = lookup
        self.min_articles = min_articles
        self._seen: dict[str, dict[str, set[str]]] = {}
        self._pending: dict[str, tuple[str, str, list[str]]] = {}

    def _counts(self, outlet: str) -> dict[str, set[str]]:
        if outlet not in self._seen:
            known = self.lookup(outlet) if self.lookup else {}
            self._seen[outlet] = {key: set(docs) for key, docs in known.items()}
        return self._seen[outlet]

    def observe(self, outlet: str, doc_key: str, lines: Iterable[str], *, article_id: str | None = None) -> None:
        """Count ``lines`` of one article (``doc_key``: the id of its raw text) for ``outlet``."""
        counts = self._counts(outlet)
        keys = sorted({k for k in map(line_key, lines) if k})
        for key in keys:
            counts.setdefault(key, set()).add(doc_key)
        self._pending[article_id or doc_key] = (outlet, doc_key, keys)

    def repeated(self, outlet: str, doc_key: str, line: str) -> int:
        """How many *other* articles of ``outlet`` contain ``line`` (0 when below the threshold)."""
        key = line_key(line)
        if key is None:
            return 0
        others = self._counts(outlet).get(key, set()) - {doc_key}
        return len(others) if len(others) + 1 >= self.min_articles else 0

    def pending(self, article_ids: Iterable[str] | None = None) -> list[tuple[str, str, list[str]]]:
        """``(outlet, doc_key, line_keys)`` observed in this run for ``article_ids`` (or all), then forgotten."""
        wanted = list(self._pending) if article_ids is None else [k for k in article_ids if k in self._pending]
        return [self._pending.pop(k) for k in wanted]


def _parse_timestamp(match: re.Match[str]) -> datetime | None:
    text = match["date"] + ("T" + match["time"] if match["time"] else "")
    tz = (match["tz"] or "").strip().upper()
    try:
        parsed = datetime.fromisoformat(text + ("+00:00" if tz in ("Z", "UTC", "GMT") else tz))
    except ValueError:
        return None
    # A bare timestamp carries no zone; UTC is the documented assumption.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def clean_text(
    text: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    lines: OutletLines | None = None,
    doc_key: str | None = None,
) -> tuple[str, list[RemovedFragment], dict[str, object]]:
    """Remove furniture from ``text``: ``(clean_text, removed, found)``.

    ``found`` may hold ``outlet`` (from a tag) and ``published`` (from a trailing timestamp).
    """
    removed: list[RemovedFragment] = []
    found: dict[str, object] = {}
    kept: list[str] = []
    source_lines = text.split("\n")
    chars_before = 0
    outlet_key = outlet

    # The outlet tag may name the outlet used for learned repeats, so look for it first.
    for line in source_lines:
        tag = patterns.OUTLET_TAG.match(line)
        if tag:
            found.setdefault("outlet", tag["outlet"])
    outlet_key = outlet_key or found.get("outlet")  # type: ignore[assignment]

    for index, line in enumerate(source_lines):
        stripped = line.strip()
        if not stripped:
            kept.append("")
            continue
        if patterns.COMMENT_HEADER.match(stripped) and chars_before >= _MIN_TEXT_BEFORE_COMMENTS:
            tail = "\n".join(source_lines[index:]).strip()
            removed.append(RemovedFragment(tail, "comment section"))
            break
        if patterns.OUTLET_TAG.match(stripped):
            removed.append(RemovedFragment(stripped, "outlet tag"))
            continue
        stamp = patterns.TRAILING_TIMESTAMP.match(stripped)
        if stamp and not any(s.strip() for s in source_lines[index + 1 :]):
            when = _parse_timestamp(stamp)
            if when is not None:
                found.setdefault("published", when)
            removed.append(RemovedFragment(stripped, "trailing timestamp"))
            continue
        if patterns.CREDIT_LINE.match(stripped) and len(stripped) < 160 and not patterns.GLUED_CREDIT.match(stripped):
            removed.append(RemovedFragment(stripped, "image credit"))
            continue
        glued = patterns.GLUED_CREDIT.match(line)
        if glued:
            credit = line[: glued.end()]
            rest = line[glued.end() :]
            removed.append(RemovedFragment(credit.strip(), "image credit"))
            if not rest.strip():
                continue
            line = stripped = rest.strip()
        if patterns.FURNITURE_LINE.match(stripped):
            removed.append(RemovedFragment(stripped, "share/subscribe/related prompt"))
            continue
        if title and not kept_has_text(kept) and normalise_for_identity(stripped) == normalise_for_identity(title):
            removed.append(RemovedFragment(stripped, "title repeated in body"))
            continue
        if lines is not None and outlet_key and doc_key:
            others = lines.repeated(outlet_key, doc_key, stripped)
            if others:
                removed.append(RemovedFragment(stripped, f"repeated in {others} other articles of {outlet_key}"))
                continue
        kept.append(line)
        chars_before += len(stripped)

    cleaned = _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()
    return cleaned, removed, found


def kept_has_text(kept: list[str]) -> bool:
    return any(k.strip() for k in kept)


def clean_article(article: Article, lines: OutletLines | None = None) -> Article:
    """``article`` with its furniture removed and recorded, its id re-derived from the text
    cleaned by the built-in patterns (so learnt lines never change an article's identity).

    A tag or trailing timestamp only fills the outlet or date when the reader found none.
    """
    raw_lines = article.text.split("\n")
    doc_key = article_id(article.text)
    outlet = article.outlet
    cleaned, removed, found = clean_text(article.text, title=article.title, outlet=outlet, lines=lines, doc_key=doc_key)
    outlet = outlet or found.get("outlet")  # type: ignore[assignment]
    if not cleaned:
        # Everything looked like furniture: keep the text rather than lose the article.
        cleaned, removed = article.text, []
    # Identity comes from the text cleaned by the built-in patterns only: lines learnt from the
    # store change as it grows, and must not give a re-ingested article a new id.
    final_id = article_id(cleaned)
    if lines is not None:
        by_patterns, _, _ = clean_text(article.text, title=article.title, outlet=outlet, lines=None, doc_key=doc_key)
        final_id = article_id(by_patterns or article.text)
    if lines is not None and outlet:
        lines.observe(outlet, doc_key, raw_lines, article_id=final_id)
    return replace(
        article,
        id=final_id,
        text=cleaned,
        outlet=outlet,
        published=article.published or found.get("published"),  # type: ignore[arg-type]
        removed=[*article.removed, *removed],
    )
