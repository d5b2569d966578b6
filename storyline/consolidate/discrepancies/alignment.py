"""Sentences of two articles that state the same fact, the ground every wording comparison stands on.

Outlets that rewrite a report keep its order, so besides pairs that read alike (TF-IDF cosine), the
sentences of a rewrite left over between two aligned anchors align in order even when the wording
changed a lot ("Negotiators say changes have been made" / "Rubio confirmed that updates ...").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import FAMILY_KINDS
from storyline.models import Relation

ALIGNED = 0.3
"""TF-IDF cosine at which two sentences of different articles state the same fact."""
ALIGNED_IN_REWRITES = 0.08
"""Lower cosine enough between an article and its rewrite (relate found one derives from the
other) for sentences left over between two aligned anchors."""


@dataclass(frozen=True)
class AlignedPair:
    """Rows of the sentence table (in two different articles) that state the same fact."""

    left: int
    right: int
    similarity: float
    rewrite: bool = False
    """The two articles are one rewrite family (relate found one derives from the other)."""


def aligned_pairs(table: SentenceTable, relations: Sequence[Relation] = (), event_of: dict[str, str] | None = None) -> list[AlignedPair]:
    """One-to-one sentence alignments for every pair of articles reporting the same event.

    ``event_of`` maps an article to the place of the event it mainly reports: articles about
    different events (a meeting in Geneva, another in Florida) are never aligned.
    """
    event_of = event_of or {}
    rows: dict[str, list[int]] = defaultdict(list)
    for row, span in enumerate(table.spans):
        rows[span.article_id].append(row)
    row_of = {(s.article_id, s.start, s.end): i for i, s in enumerate(table.spans)}
    given: set[tuple[int, int]] = set()
    rewrites = {frozenset((r.article_id, r.other_id)) for r in relations if r.kind in FAMILY_KINDS}
    for rel in relations:
        for one, other in rel.evidence:
            i, j = row_of.get((one.article_id, one.start, one.end)), row_of.get((other.article_id, other.start, other.end))
            if i is not None and j is not None:
                given.add((min(i, j), max(i, j)))

    article_ids = list(rows)
    out: list[AlignedPair] = []
    for x, a in enumerate(article_ids):
        for b in article_ids[x + 1 :]:
            if event_of.get(a) and event_of.get(b) and event_of[a] != event_of[b]:
                continue
            out.extend(_align(rows[a], rows[b], table, given, frozenset((a, b)) in rewrites))
    return out


def _statement(text: str) -> bool:
    """A sentence, not a subhead or a caption: it ends like one."""
    return text.rstrip()[-1:] in ".!?\"”’'"


def _align(left: list[int], right: list[int], table: SentenceTable, given: set[tuple[int, int]], rewrite: bool) -> list[AlignedPair]:
    left = [i for i in left if _statement(table.spans[i].text)]
    right = [j for j in right if _statement(table.spans[j].text)]
    if not left or not right:
        return []
    sub = table.similarity[left][:, right]
    candidates = sorted(
        ((float(sub[x, y]), x, y) for x in range(len(left)) for y in range(len(right))
         if sub[x, y] >= ALIGNED or (min(left[x], right[y]), max(left[x], right[y])) in given),
        reverse=True,
    )
    match: dict[int, int] = {}
    taken: set[int] = set()
    for _, x, y in candidates:
        if x not in match and y not in taken:
            match[x] = y
            taken.add(y)
    if rewrite:
        # A rewrite keeps the order of its source: between two aligned anchors, the sentences
        # left over align with those left over on the other side when they share enough words.
        for x in range(len(left)):
            if x in match:
                continue
            before = max(((ax, ay) for ax, ay in match.items() if ax < x), default=(-1, -1))
            after = min(((ax, ay) for ax, ay in match.items() if ax > x), default=(len(left), len(right)))
            if before[1] >= after[1]:
                continue  # the anchors cross: the rewrite moved this passage
            options = [y for y in range(before[1] + 1, after[1]) if y not in taken]
            best = max(options, key=lambda y: sub[x, y], default=None)
            if best is not None and sub[x, best] >= ALIGNED_IN_REWRITES:
                match[x] = best
                taken.add(best)
    return [AlignedPair(left[x], right[y], float(sub[x, y]), rewrite) for x, y in sorted(match.items())]
