"""Plain-text articles: an optional headline on the first line, then the body."""

from __future__ import annotations

import re

from storyline.errors import InputError
from storyline.ingest.decoding import decode, looks_binary
from storyline.ingest.identity import article_id
from storyline.ingest.registry import ReadResult, reader
from storyline.ingest.source import Source
from storyline.models import Article
from storyline.settings import Settings

_TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
_SENTENCE_END = re.compile(r"[.!;,]['\"’”)]*$")


def looks_like_headline(line: str) -> bool:
    """A short first line that does not end like a sentence reads as a headline."""
    words = line.split()
    return 2 <= len(words) <= 30 and len(line) <= 220 and not _SENTENCE_END.search(line.strip())


def split_headline(text: str) -> tuple[str | None, str]:
    """``(title, body)``: the first line becomes the title when it reads as a headline."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    if rest.strip() and looks_like_headline(first):
        return first.strip(), rest.strip()
    return None, text


def _sniff(source: Source) -> bool:
    return source.suffix in _TEXT_SUFFIXES and not looks_binary(source.head())


@reader("text", sniff=_sniff, priority=0)
def read_text(source: Source, settings: Settings) -> ReadResult:
    text = decode(source.data, source.name)
    if not text.strip():
        raise InputError(source.name, "no text in file")
    title, body = split_headline(text)
    yield Article(id=article_id(body), text=body, title=title, source=f"text:{source.name}")
