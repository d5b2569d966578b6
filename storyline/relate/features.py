"""What the relate stage keeps of an article, and the pairwise evidence computed from it.

An article is reduced to a `Signature`: content-word counts, named-entity counts (by label
group: actors and places), the years it mentions, its published day (if known) and a dense
vector for the nearest-neighbour index. Weights are computed at comparison time from the store's
current document frequencies (`DocFreq`), so early articles are not stuck with the idf of a
small store.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.models import EnrichedArticle

__all__ = ["DocFreq", "Signature", "cosine", "profile", "sketch", "terms_of", "weighted"]

_WORD = re.compile(r"[^\W_](?:[\w’'-]*[^\W_])?")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "say", "told", "according", "reported", "news", "new", "just"}

ACTORS = {"PERSON", "ORG", "NORP"}
PLACES = {"GPE", "LOC", "FAC"}

VECTOR_DIM = 256
"""Dimensions of the article vector (a signed feature-hash sketch of the tf-idf vector)."""


def terms_of(text: str) -> Counter[str]:
    """Content words, lowercased, stop words and one-letter tokens out."""
    words = (w.lower().replace("’", "'") for w in _WORD.findall(text))
    return Counter(w for w in words if len(w) > 1 and w not in _STOP)


def _entity_key(label: str, name: str) -> str | None:
    group = "A" if label in ACTORS else "P" if label in PLACES else None
    return f"{group}:{name.lower()}" if group else None


@dataclass
class Signature:
    """The relate stage's view of one article."""

    id: str
    terms: dict[str, int]
    entities: dict[str, int]
    years: list[str] = field(default_factory=list)
    day: date | None = None
    vector: np.ndarray | None = None

    @classmethod
    def of(cls, record: EnrichedArticle) -> Signature:
        article = record.article
        text = (article.title + "\n" if article.title else "") + article.text
        entities: Counter[str] = Counter()
        for mention in record.entities:
            key = _entity_key(mention.label, mention.name)
            if key:
                entities[key] += 1
        # Only the published day: the earliest date a text mentions is often background (an
        # earlier event, a birth year), and would shut the article out of its story's window.
        day = article.published.date() if article.published else None
        vector = np.asarray(record.embedding, dtype=np.float32) if record.embedding else None
        return cls(article.id, dict(terms_of(text)), dict(entities), sorted(set(_YEAR.findall(text))), day, vector)

    def as_json(self) -> dict:
        return {"terms": self.terms, "entities": self.entities, "years": self.years}


class DocFreq:
    """Document frequencies of terms and entities, grown one article at a time.

    ``prior`` adds background counts (a small store's own counts say little about which words
    are rare); its weight fades as the store grows.
    """

    def __init__(self, n: int = 0, df: Mapping[str, int] | None = None, prior: DocFreq | None = None) -> None:
        self.n = n
        self.df: dict[str, int] = dict(df or {})
        self.prior = prior

    def add(self, keys: Iterable[str]) -> None:
        self.n += 1
        for key in keys:
            self.df[key] = self.df.get(key, 0) + 1

    def idf(self, key: str) -> float:
        if self.prior is None:
            return self.store_idf(key)
        p = self.prior
        return math.log((self.n + p.n + 1) / (self.df.get(key, 0) + p.df.get(key, 0) + 1)) + 1.0

    def store_idf(self, key: str) -> float:
        """The idf from the store's own counts, without the prior (sentence alignment, event places)."""
        return math.log((self.n + 1) / (self.df.get(key, 0) + 1)) + 1.0

    def weights(self, counts: Mapping[str, int]) -> dict[str, float]:
        """Sublinear tf-idf, L2-normalised."""
        w = {k: (1.0 + math.log(c)) * self.idf(k) for k, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        return {k: v / norm for k, v in w.items()}


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[k] for k, v in a.items() if k in b)


def sign(key: str) -> tuple[int, float]:
    """A stable (bucket, sign) for ``key``; ``hash()`` is salted per process, crc32 is not."""
    h = zlib.crc32(key.encode("utf-8"))
    return h % VECTOR_DIM, 1.0 if (h >> 16) & 1 else -1.0


def sketch(weights: Mapping[str, float]) -> np.ndarray:
    """A unit vector whose inner products approximate the cosine of the sparse ``weights``."""
    vector = np.zeros(VECTOR_DIM, dtype=np.float32)
    for key, weight in weights.items():
        bucket, s = sign(key)
        vector[bucket] += s * weight
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def profile(sig: Signature) -> dict[str, float]:
    """The article's contribution to a story profile: sublinear tf, L2-normalised, idf applied later."""
    counts = {**sig.terms, **{k: v for k, v in sig.entities.items() if k.startswith("A:")}}
    w = {k: 1.0 + math.log(c) for k, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
    return {k: v / norm for k, v in w.items()}


def weighted(profile: Mapping[str, float], df: DocFreq, actor_weight: float) -> dict[str, float]:
    """Apply the current idf (and the weight of actor entities) to a profile, L2-normalised.

    Terms and actor entities are two blocks of one vector; giving actors half the weight of the
    words was learnt on ECB+ train (see ``scripts/learn_story_model.py``).
    """
    w = {k: v * df.idf(k) * (actor_weight if k.startswith("A:") else 1.0) for k, v in profile.items()}
    norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
    return {k: v / norm for k, v in w.items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    return _cos(a, b)
