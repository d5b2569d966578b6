"""`ArticleIndex`: every related article's vector in a faiss HNSW index, with the story it is in."""

from __future__ import annotations

from collections.abc import Sequence

import faiss
import numpy as np

from storyline.text import VECTOR_DIM

__all__ = ["ArticleIndex"]


class ArticleIndex:
    """Article vectors for nearest-neighbour search (HNSW, so the cost per query stays flat as the
    store grows), and each article's story id as last recorded (it may since be an alias)."""

    def __init__(self, article_ids: Sequence[str], story_ids: Sequence[str], vectors: np.ndarray) -> None:
        self.faiss = faiss.IndexHNSWFlat(VECTOR_DIM, 32, faiss.METRIC_INNER_PRODUCT)
        self.faiss.hnsw.efSearch = 64
        self.ids: list[str] = list(article_ids)
        self.story_of: list[str] = list(story_ids)
        self.position: dict[str, int] = {a: i for i, a in enumerate(self.ids)}
        if len(vectors):
            self.faiss.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def __len__(self) -> int:
        return int(self.faiss.ntotal)

    def add(self, article_id: str, story_id: str, vector: np.ndarray) -> None:
        self.faiss.add(vector[None, :])
        self.position[article_id] = len(self.ids)
        self.ids.append(article_id)
        self.story_of.append(story_id)

    def nearest(self, vector: np.ndarray, k: int) -> list[str]:
        """The recorded story ids of the ``k`` nearest articles, nearest first."""
        if len(self) == 0:
            return []
        _, found = self.faiss.search(vector[None, :], min(k, len(self)))
        return [self.story_of[position] for position in found[0] if position >= 0]

    def story_of_article(self, article_id: str) -> str | None:
        position = self.position.get(article_id)
        return self.story_of[position] if position is not None else None

    def arrival(self, article_id: str, default: int = -1) -> int:
        """The article's position in arrival order."""
        return self.position.get(article_id, default)

    def move(self, article_ids: Sequence[str], story_id: str) -> None:
        for article_id in article_ids:
            self.story_of[self.position[article_id]] = story_id
