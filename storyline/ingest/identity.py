"""Article identity: the same content always gets the same id, so re-ingesting changes nothing."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalise_for_identity(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: cosmetic differences don't make a new article."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def article_id(text: str) -> str:
    """A 16-hex-digit id from the normalised text."""
    return hashlib.sha256(normalise_for_identity(text).encode("utf-8")).hexdigest()[:16]


_WORD = re.compile(r"\w+")

SAME_ARTICLE_OVERLAP = 0.5
"""Two texts from one origin (URL, feed entry, file) are versions of one article when at least this
share of the shorter text's word trigrams is in the other (an overlap coefficient). A correction or a
live blog's new entries keep nearly all of it (0.9 to 1.0); a different story put at a reused URL
shares almost none (under 0.1): see NOTES-data.md for the figures."""


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(normalise_for_identity(text))
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return set(zip(words, words[1:], words[2:], strict=False))


def text_overlap(first: str, second: str) -> float:
    """Share of the shorter text's word trigrams found in the other (0.0 to 1.0)."""
    a, b = _trigrams(first), _trigrams(second)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def same_article(stored: str, incoming: str) -> bool:
    """Whether ``incoming``, from the origin of the ``stored`` text, is a new version of that
    article rather than a different article that reuses its URL (`SAME_ARTICLE_OVERLAP`)."""
    return text_overlap(stored, incoming) >= SAME_ARTICLE_OVERLAP
