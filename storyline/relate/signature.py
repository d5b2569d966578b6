"""An article's `Signature`: what the relate stage keeps of it to find its candidate stories.

An article is reduced to content-word counts, named-entity counts (``A:`` actors and ``P:``
places, `storyline.text`), the years it mentions, its published day (if known) and a dense
vector for the nearest-neighbour index. Weights are computed at comparison time from the store's
current document frequencies (`DocFreq`), so early articles are not stuck with the idf of a
small store. (A MinHash of the text, for near-duplicates, is a *minhash*, not a signature.)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from storyline.models import EnrichedArticle
from storyline.relate.idf import DocFreq
from storyline.text import YEAR, content_words, entity_key

__all__ = ["Signature", "tf_weights", "tfidf_weights"]


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
            key = entity_key(mention.label, mention.name)
            if key:
                entities[key] += 1
        # Only the published day: the earliest date a text mentions is often background (an
        # earlier event, a birth year), and would shut the article out of its story's window.
        day = article.published.date() if article.published else None
        vector = np.asarray(record.embedding, dtype=np.float32) if record.embedding else None
        return cls(article.id, dict(content_words(text)), dict(entities), sorted(set(YEAR.findall(text))), day, vector)

    def as_json(self) -> dict[str, Any]:
        return {"terms": self.terms, "entities": self.entities, "years": self.years}


def tf_weights(sig: Signature) -> dict[str, float]:
    """The article's words and actors: sublinear tf, L2-normalised (idf applied by `tfidf_weights`)."""
    counts = {**sig.terms, **{k: v for k, v in sig.entities.items() if k.startswith("A:")}}
    w = {k: 1.0 + math.log(c) for k, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
    return {k: v / norm for k, v in w.items()}


def tfidf_weights(tf: Mapping[str, float], df: DocFreq, actor_weight: float) -> dict[str, float]:
    """Apply the current idf (and the weight of actor entities) to `tf_weights`, L2-normalised.

    Terms and actor entities are two blocks of one vector; giving actors half the weight of the
    words was learnt on ECB+ train (see ``scripts/learn_story_model.py``).
    """
    w = {k: v * df.idf(k) * (actor_weight if k.startswith("A:") else 1.0) for k, v in tf.items()}
    norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
    return {k: v / norm for k, v in w.items()}
