"""Helpers shared by the brief builders: name normalisation, rewrite families, sentence lookup."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from unidecode import unidecode

from storyline.models import Relation, Span
from storyline.text import SentenceIndex as SentenceIndex  # shared with `storyline.lead_event`

FAMILY_KINDS = ("near_duplicate", "derivation")
_WORD = re.compile(r"[a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase ASCII words only: how names and quotes are compared across outlets."""
    return " ".join(_WORD.findall(unidecode(text).lower()))


def words(text: str) -> list[str]:
    return _WORD.findall(unidecode(text).lower())


def component_labels(count: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """The connected component of each of ``count`` nodes joined by ``edges`` (undirected)."""
    if not edges:
        return list(range(count))
    rows, cols = zip(*edges, strict=True)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (rows, cols)), shape=(count, count))
    return [int(label) for label in connected_components(graph, directed=False)[1]]


class UnionFind:
    def __init__(self, items: Iterable[str] = ()) -> None:
        self.parent: dict[str, str] = {}
        for item in items:
            self.parent.setdefault(item, item)

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller root wins so groups are stable whatever the union order.
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for item in self.parent:
            out.setdefault(self.find(item), []).append(item)
        return list(out.values())


class Families:
    """Rewrite families: articles joined by near-duplicate/derivation relations count as one source."""

    def __init__(self, article_ids: Sequence[str], relations: Iterable[Relation]) -> None:
        order = {aid: i for i, aid in enumerate(article_ids)}
        uf = UnionFind(article_ids)
        for rel in relations:
            if rel.kind in FAMILY_KINDS and rel.article_id in order and rel.other_id in order:
                uf.union(rel.article_id, rel.other_id)
        self.of = {aid: uf.find(aid) for aid in article_ids}
        self.groups = sorted(
            (sorted(g, key=order.__getitem__) for g in uf.groups()), key=lambda g: order[g[0]]
        )

    def count(self, article_ids: Iterable[str]) -> int:
        """How many independent sources (families) ``article_ids`` make."""
        return len({self.of.get(a, a) for a in article_ids})

    def split(self, article_ids: Iterable[str]) -> list[list[str]]:
        """``article_ids`` grouped by family, in the order given."""
        out: dict[str, list[str]] = {}
        for a in article_ids:
            out.setdefault(self.of.get(a, a), []).append(a)
        return list(out.values())


def tfidf(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised TF-IDF rows (dense float32); all-zero rows for empty or stop-word-only texts."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    try:
        matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    except ValueError:  # empty vocabulary
        return np.zeros((len(texts), 1), dtype=np.float32)
    return np.asarray(matrix.todense(), dtype=np.float32)


def make_span(text: str, article_id: str, start: int, end: int) -> Span:
    return Span(article_id, start, end, text[start:end])
