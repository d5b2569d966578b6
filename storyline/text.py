"""One vocabulary for the stages that compare articles by their words: tokens, stop words, the
entity label groups and the feature hashing.

The enrich stage's article vector (``record.embedding``) and the relate stage's comparisons must
count the same words and hash them into the same buckets: the relate stage searches its index
with the enrich stage's vectors and rebuilds one with `sketch` when an article has none.
"""

from __future__ import annotations

import bisect
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from storyline.models import EnrichedArticle, Span

__all__ = [
    "ACTOR_LABELS",
    "ENGLISH_STOP_WORDS",
    "PLACE_LABELS",
    "STOP_WORDS",
    "VECTOR_DIM",
    "WORD",
    "YEAR",
    "bucket",
    "content_words",
    "cosine",
    "entity_key",
    "hashed_tf",
    "sketch",
]

WORD = re.compile(r"[^\W_](?:[\w’'-]*[^\W_])?")
"""A word: letters and digits, with inner apostrophes and hyphens ("Biden's", "peace-plan")."""
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
ENGLISH_STOP_WORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "data" / "english_stop_words.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
"""scikit-learn's English stop words, read from a copy: importing scikit-learn for them cost every
``storyline`` command 0.9 s of CPU (a test holds the copy to the library's list)."""
STOP_WORDS = ENGLISH_STOP_WORDS | {"said", "says", "say", "told", "according", "reported", "news", "new", "just"}
"""scikit-learn's English list plus the words of reporting itself, which every article uses."""

ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP"})
"""Entity labels of who acts: people, organisations, groups (feature keys ``A:name``)."""
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
"""Entity labels of where (feature keys ``P:name``)."""

VECTOR_DIM = 256
"""Dimensions of the article vector (a signed feature-hash sketch of the tf or tf-idf vector)."""


def content_words(text: str) -> Counter[str]:
    """Content words, lowercased (curly apostrophes straightened), stop words and one-letter tokens out."""
    words = (w.lower().replace("’", "'") for w in WORD.findall(text))
    return Counter(w for w in words if len(w) > 1 and w not in STOP_WORDS)


def entity_key(label: str, name: str) -> str | None:
    """The feature key of an entity: ``A:name`` for actors, ``P:name`` for places, None otherwise."""
    group = "A" if label in ACTOR_LABELS else "P" if label in PLACE_LABELS else None
    return f"{group}:{name.lower()}" if group else None


@lru_cache(maxsize=1 << 15)
def bucket(key: str) -> tuple[int, float]:
    """A stable (bucket, sign) for ``key``; ``hash()`` is salted per process, crc32 is not.

    Memoised: the same words come back in every article."""
    h = zlib.crc32(key.encode("utf-8"))
    return h % VECTOR_DIM, 1.0 if (h >> 16) & 1 else -1.0


def hashed_tf(counts: Mapping[str, int], weight_of: Callable[[str], float] = lambda key: 1.0) -> list[float]:
    """Sublinear tf (times ``weight_of(key)``) hashed into signed buckets, L2-normalised, 5 decimals."""
    vector = [0.0] * VECTOR_DIM
    for key, count in counts.items():
        position, sign = bucket(key)
        vector[position] += sign * (1.0 + math.log(count)) * weight_of(key)
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [round(v / norm, 5) if v else v for v in vector]  # (most buckets are empty: nothing to round)


def sketch(weights: Mapping[str, float]) -> np.ndarray:
    """A unit vector whose inner products approximate the cosine of the sparse ``weights``."""
    vector = np.zeros(VECTOR_DIM, dtype=np.float32)
    for key, weight in weights.items():
        position, sign = bucket(key)
        vector[position] += sign * weight
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """The inner product of two L2-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[k] for k, v in a.items() if k in b)


class SentenceIndex:
    """Find the sentence of one article that contains a character offset."""

    def __init__(self, records: Sequence[EnrichedArticle]) -> None:
        self.starts: dict[str, list[int]] = {}
        self.spans: dict[str, list[Span]] = {}
        for record in records:
            sents = sorted(record.sentences, key=lambda s: s.start)
            self.spans[record.article.id] = sents
            self.starts[record.article.id] = [s.start for s in sents]

    def sentence_of(self, span: Span) -> Span | None:
        starts = self.starts.get(span.article_id)
        if not starts:
            return None
        i = bisect.bisect_right(starts, span.start) - 1
        if i < 0:
            return None
        sent = self.spans[span.article_id][i]
        return sent if span.start < sent.end or sent.start == sent.end else None
