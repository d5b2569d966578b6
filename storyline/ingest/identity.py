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
