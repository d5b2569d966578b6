"""JSON Lines: one article per line, ``text`` required; unknown fields kept as metadata."""

from __future__ import annotations

import json
from datetime import datetime, UTC
from typing import Any

from storyline.errors import InputError
from storyline.ingest.decoding import decode
from storyline.ingest.identity import article_id
from storyline.ingest.registry import ReadResult, reader
from storyline.ingest.source import Source
from storyline.models import Article, RemovedFragment
from storyline.settings import Settings

KNOWN_FIELDS = {"id", "text", "title", "url", "outlet", "published", "author", "authors", "language", "metadata", "removed"}
EXPORT_FIELDS = {"source", "story_id", "enrichment"}
"""Written by `storyline articles --format jsonl`, derived again by the store that reads them back."""


def _sniff(source: Source) -> bool:
    if source.suffix in {".jsonl", ".ndjson", ".jsonl.gz"} or source.name == "stdin":
        return True
    return source.head(1).lstrip()[:1] == b"{" and source.suffix not in {".html", ".htm", ".xml"}


def parse_published(value: Any) -> datetime | None:
    """ISO 8601 (or a Unix timestamp); naive times are taken as UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def article_from_record(record: dict[str, Any], source: str) -> Article:
    """Build an `Article` from one JSON object; raises ValueError with the reason."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' is missing or empty")
    text = text.replace("\r\n", "\n").strip()
    authors = record.get("authors", record.get("author")) or []
    if isinstance(authors, str):
        authors = [authors]
    try:
        published = parse_published(record.get("published"))
    except (ValueError, OverflowError, OSError) as exc:
        raise ValueError(f"'published' is not a date: {record.get('published')!r}") from exc
    metadata = {k: v for k, v in record.items() if k not in KNOWN_FIELDS | EXPORT_FIELDS}
    # A record exported by Storyline carries its metadata and removed furniture; its `id` is the
    # stored article's, and the store recognises that article by it (see Store.find_existing).
    if isinstance(record.get("metadata"), dict):
        metadata = record["metadata"] | metadata
    if record.get("id") is not None:
        metadata["source_id"] = record["id"]
    removed = record.get("removed") or []
    if not isinstance(removed, list) or not all(isinstance(f, dict) and isinstance(f.get("text"), str) and isinstance(f.get("reason"), str) for f in removed):
        raise ValueError("'removed' must be a list of {text, reason} objects")
    return Article(
        id=article_id(text),
        text=text,
        title=(record.get("title") or None),
        url=(record.get("url") or None),
        outlet=(record.get("outlet") or None),
        published=published,
        authors=[str(a) for a in authors],
        language=record.get("language"),
        source=source,
        removed=[RemovedFragment(f["text"], f["reason"]) for f in removed],
        metadata=metadata,
    )


@reader("jsonl", sniff=_sniff, priority=10)
def read_jsonl(source: Source, settings: Settings) -> ReadResult:
    text = decode(source.data, source.name)
    seen_any = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        seen_any = True
        where = f"{source.name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"not JSON ({exc.msg})")
            continue
        except RecursionError:
            yield InputError(where, "JSON nested too deeply")
            continue
        if not isinstance(record, dict):
            yield InputError(where, "a JSONL line must be a JSON object")
            continue
        try:
            yield article_from_record(record, source=f"jsonl:{where}")
        except ValueError as exc:
            yield InputError(where, str(exc))
    if not seen_any:
        raise InputError(source.name, "no lines in file")
