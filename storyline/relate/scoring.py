"""`PairScorer`: same-event log-odds of two articles, and average linkage over story samples.

Scoring a pair also records it in both articles' neighbourhoods (`Evidence.near`), from which
a regroup sets the bar a pair must clear (contrast; see `storyline.relate.regroup`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from storyline.relate.evidence import Evidence, Weighed, weigh
from storyline.relate.idf import DocFreq
from storyline.relate.pairs import SameEventModel, feature_matrix, pair_features, sigmoid
from storyline.relate.profile import StoryProfile

__all__ = ["PairScorer", "WeighedCache"]

WeighedCache = dict[str, Weighed]
"""Weighed evidence by article id, for the articles of one assignment (the idf does not move within it)."""


class PairScorer:
    """Scores pairs of articles with a pair model (`SameEventModel`) under the current document frequencies."""

    def __init__(self, model: SameEventModel, df: DocFreq, contrast_neighbours: int) -> None:
        self.model = model
        self.df = df
        self.contrast_neighbours = contrast_neighbours

    def weighed(self, article_id: str, ev: Evidence, cache: WeighedCache) -> Weighed:
        if article_id not in cache:
            cache[article_id] = weigh(ev, self.df)
        return cache[article_id]

    def note(self, a: str, ev_a: Evidence, b: str, ev_b: Evidence, z: float) -> None:
        """Remember the log-odds of a compared pair in both articles' neighbourhoods (k best each)."""
        k = self.contrast_neighbours
        for other, ev in ((b, ev_a), (a, ev_b)):
            ev.note_neighbour(other, z, k)

    def bar(self, ev: Evidence) -> float:
        """The log-odds of the article's k-th nearest neighbour seen so far, floored at even odds."""
        return ev.neighbourhood_bar(self.contrast_neighbours)

    def pair_logit(self, a: str, ev_a: Evidence, b: str, ev_b: Evidence, cache: WeighedCache) -> float:
        """The log-odds that ``a`` and ``b`` report one event (noted in both neighbourhoods)."""
        z = self.model.logit(pair_features(self.weighed(a, ev_a, cache), self.weighed(b, ev_b, cache)))
        self.note(a, ev_a, b, ev_b, z)
        return z

    def logit_matrix(self, ids: Sequence[str], evs: Mapping[str, Evidence], cache: WeighedCache) -> np.ndarray:
        """`pair_logit` of every pair of ``ids`` (an n x n matrix, diagonal -inf), each pair noted
        in both neighbourhoods in the order ``pair_logit`` over i < j would note them."""
        weighed = [self.weighed(a, evs[a], cache) for a in ids]
        n = len(ids)
        # The features are symmetric in the two articles: the trees walk each pair once.
        upper = np.triu_indices(n, 1)
        logits = np.full((n, n), -np.inf)
        logits[upper] = self.model.logit_rows(feature_matrix(weighed)[upper])
        logits.T[upper] = logits[upper]
        for i, a in enumerate(ids):
            for j in range(i + 1, n):
                self.note(a, evs[a], ids[j], evs[ids[j]], float(logits[i, j]))
        return logits

    def story_scores(self, article_id: str, ev: Evidence, stories: Sequence[StoryProfile], cache: WeighedCache) -> list[float]:
        """Average linkage of the article with each of ``stories``: the mean same-event probability
        of the article and the story's member sample (0 for an empty one); every pair scored in one
        batch and noted in both neighbourhoods."""
        pairs = [(a, m) for story in stories for a, m in story.members.items()]
        if not pairs:
            return [0.0] * len(stories)
        mine = self.weighed(article_id, ev, cache)
        logits = self.model.logit_rows(np.array([pair_features(mine, self.weighed(a, m, cache)) for a, m in pairs], dtype=np.float64))
        for (a, m), z in zip(pairs, logits, strict=True):
            self.note(article_id, ev, a, m, float(z))
        scores, at = [], 0
        for story in stories:
            size = len(story.members)
            scores.append(sum(sigmoid(float(z)) for z in logits[at : at + size]) / size if size else 0.0)
            at += size
        return scores

    def linkage(self, a: StoryProfile, b: StoryProfile, cache: WeighedCache) -> float:
        """Average linkage between two stories' member samples."""
        if not a.members or not b.members:
            return 0.0
        total = sum(sigmoid(self.pair_logit(x, ex, y, ey, cache)) for x, ex in a.members.items() for y, ey in b.members.items())
        return total / (len(a.members) * len(b.members))
