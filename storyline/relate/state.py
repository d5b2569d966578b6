"""Where the relate stage keeps its state between runs: the `RelateState` protocol.

The SQLite store implements it (``store/relate_state.py``, tables ``relate_articles`` and
``relate_stories``); `MemoryState` keeps it in memory for benchmarks and tests. Everything crosses
as JSON-friendly data (named below), so a store needs no relate classes to keep it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from storyline.text import VECTOR_DIM

__all__ = ["DocFreqJSON", "EvidenceJSON", "MemoryState", "RelateState", "SignatureJSON", "StoryProfileJSON"]

# The data crossing the protocol is plain JSON, so the store keeps it without relate's classes;
# the aliases name what each dict holds.
EvidenceJSON = dict[str, Any]
"""`storyline.relate.evidence.Evidence.as_json`: count blocks, ``years``, ``lede_people``, ``near``."""
StoryProfileJSON = dict[str, Any]
"""`storyline.relate.profile.StoryProfile.as_json`."""
SignatureJSON = dict[str, Any]
"""Saved with each article (``relate_articles.signature``): `Signature.as_json` plus ``evidence`` (`EvidenceJSON`)."""
DocFreqJSON = dict[str, Any]
"""``{"n": articles counted, "df": {key: articles}}``: the store's own `storyline.relate.idf.DocFreq`, without the prior."""


@runtime_checkable
class RelateState(Protocol):
    """The relate stage's persistent state: its article index, story profiles, document
    frequencies and the near-duplicate minhashes."""

    def load_relate_index(self) -> tuple[list[str], list[str], Any, DocFreqJSON | None]:
        """Article ids in index order, their story ids, their vectors (n x VECTOR_DIM), the saved document frequencies."""
        ...

    def get_story_profile(self, story_id: str) -> StoryProfileJSON | None: ...

    def save_story_profile(self, story_id: str, data: StoryProfileJSON) -> None: ...

    def save_relate_article(self, article_id: str, story_id: str, vector: Any, signature: SignatureJSON) -> None:
        """Index ``article_id`` in ``story_id``, with its vector (VECTOR_DIM float32) and signature."""
        ...

    def save_relate_docfreq(self, n: int, counts: Mapping[str, int]) -> None:
        """Keep the number of articles counted and the new ``counts`` of the keys that changed
        (only those: the table grows with the store, and is saved after every batch)."""
        ...

    def load_relate_evidence(self, article_ids: Sequence[str]) -> dict[str, EvidenceJSON]:
        """The evidence saved with each article (``signature["evidence"]``), where there is one."""
        ...

    def move_relate_articles(self, article_ids: Sequence[str], story_id: str) -> None:
        """Record that ``article_ids`` now belong to ``story_id`` (after a regroup)."""
        ...

    def save_minhash(self, article_id: str, minhash: bytes) -> None:
        """Keep an indexed article's MinHash (``storyline.relate.duplicates.minhash_bytes``)."""
        ...

    def iter_minhashes(self) -> Iterator[tuple[str, bytes]]:
        """Every kept (article id, MinHash bytes), in index order."""
        ...


class MemoryState:
    """A `RelateState` in memory, for benchmarks and tests."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.stories: list[str] = []
        self.vectors: list[np.ndarray] = []
        self.profiles: dict[str, StoryProfileJSON] = {}
        self.docfreq: DocFreqJSON | None = None
        self.evidence: dict[str, EvidenceJSON] = {}
        self.minhashes: dict[str, bytes] = {}

    def load_relate_index(self) -> tuple[list[str], list[str], np.ndarray, DocFreqJSON | None]:
        vectors = np.stack(self.vectors) if self.vectors else np.zeros((0, VECTOR_DIM), np.float32)
        return list(self.ids), list(self.stories), vectors, self.docfreq

    def get_story_profile(self, story_id: str) -> StoryProfileJSON | None:
        return self.profiles.get(story_id)

    def save_story_profile(self, story_id: str, data: StoryProfileJSON) -> None:
        self.profiles[story_id] = data

    def save_relate_article(self, article_id: str, story_id: str, vector: Any, signature: SignatureJSON) -> None:
        self.ids.append(article_id)
        self.stories.append(story_id)
        self.vectors.append(vector)
        if "evidence" in signature:
            self.evidence[article_id] = signature["evidence"]

    def save_relate_docfreq(self, n: int, counts: Mapping[str, int]) -> None:
        self.docfreq = {"n": n, "df": {**(self.docfreq or {}).get("df", {}), **counts}}

    def load_relate_evidence(self, article_ids: Sequence[str]) -> dict[str, EvidenceJSON]:
        return {a: self.evidence[a] for a in article_ids if a in self.evidence}

    def move_relate_articles(self, article_ids: Sequence[str], story_id: str) -> None:
        moving = set(article_ids)
        self.stories = [story_id if a in moving else s for a, s in zip(self.ids, self.stories, strict=True)]

    def save_minhash(self, article_id: str, minhash: bytes) -> None:
        self.minhashes[article_id] = minhash

    def iter_minhashes(self) -> Iterator[tuple[str, bytes]]:
        return iter(list(self.minhashes.items()))
