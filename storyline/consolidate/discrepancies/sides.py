"""Building blocks every discrepancy finder shares: a side with its support, and the better side."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

from storyline.consolidate.common import Families, UnionFind
from storyline.models import DiscrepancySide, Span


def side(value: str, spans: Iterable[Span], families: Families) -> DiscrepancySide:
    """One version of the fact: every span stating it and how many independent sources back it."""
    unique = list(dict.fromkeys(spans))
    article_ids = list(dict.fromkeys(s.article_id for s in unique))
    return DiscrepancySide(value=value, spans=unique, article_ids=article_ids, independent_sources=families.count(article_ids))


def better(sides: list[DiscrepancySide]) -> int | None:
    """Index of the side more independent sources back, or None on a tie."""
    ranked = sorted(range(len(sides)), key=lambda i: -sides[i].independent_sources)
    if len(ranked) > 1 and sides[ranked[0]].independent_sources == sides[ranked[1]].independent_sources:
        return None
    return ranked[0] if ranked else None


def support_bonus(sides: list[DiscrepancySide], n_sources: int) -> float:
    """Up to 0.05 more severity when the sides together span many of the story's sources."""
    covered = sum(s.independent_sources for s in sides)
    return 0.05 * min(1.0, covered / max(1, n_sources))


def same_fact(observations: Sequence[tuple[Hashable, int, int]]) -> list[list[int]]:
    """Observations ``(what, left row, right row)`` grouped when they share a sentence about the same
    ``what``: one fact seen in several pairs of articles is one discrepancy."""
    uf = UnionFind(str(i) for i in range(len(observations)))
    first: dict[tuple[Hashable, int], int] = {}
    for i, (what, left, right) in enumerate(observations):
        for row in (left, right):
            uf.union(str(i), str(first.setdefault((what, row), i)))
    return [sorted(int(g) for g in group) for group in uf.groups()]


def gist(sentence: str, words: int = 10) -> str:
    """The first words of a sentence, to name what a discrepancy is about."""
    tokens = sentence.split()
    return " ".join(tokens[:words]) + ("…" if len(tokens) > words else "")
