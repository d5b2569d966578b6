"""The story's "what happened" summary: the main event's best-corroborated claim first, then the
most central claims, each sentence citing every article that makes the same claim."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import Families
from storyline.consolidate.events import ArticleEvent
from storyline.models import Claim, SummarySentence

MIN_SUMMARY_WORDS = 8
MAX_SUMMARY_WORDS = 60
DANGLING_OPENERS = {"he", "she", "they", "it", "this", "that", "these", "those", "his", "her", "their", "its"}
MMR_LAMBDA = 0.7
MAX_SUMMARY_REDUNDANCY = 0.6
"""TF-IDF cosine to an already chosen sentence above which a candidate repeats it."""

__all__ = ["extractive_summary", "main_event"]


def _positions(table: SentenceTable) -> list[int]:
    """Each row's sentence number within its article (0 for the first)."""
    seen: dict[str, int] = {}
    out = []
    for span in table.spans:
        out.append(seen.get(span.article_id, 0))
        seen[span.article_id] = out[-1] + 1
    return out


def _summary_candidate(text: str) -> bool:
    words = text.split()
    if not (MIN_SUMMARY_WORDS <= len(words) <= MAX_SUMMARY_WORDS and text.rstrip()[-1:] in ".!\"”’'"):
        return False
    # A sentence that opens with a pronoun or a quote leans on the sentence before it.
    return words[0].lower() not in DANGLING_OPENERS and words[0][:1] not in "“\"‘'"


def main_event(events: dict[str, ArticleEvent]) -> tuple[str | None, set[str]]:
    """The place of the event most articles report, and those articles."""
    by_place: dict[str, set[str]] = {}
    for ev in events.values():
        by_place.setdefault(ev.place, set()).add(ev.article_id)
    if not by_place:
        return None, set()
    place = max(by_place, key=lambda p: (len(by_place[p]), p))
    return place, by_place[place]


def extractive_summary(
    table: SentenceTable, claims: Sequence[Claim], families: Families, size: int, event: tuple[str | None, set[str]] = (None, set())
) -> list[SummarySentence]:
    """What happened: the main event's best-corroborated claim first, then centroid + MMR over claims.

    The lead is the claim of the main event (``event``: its place and articles) that the most
    independent sources carry, naming the event's place where one does, earliest in its article:
    an article no other source corroborates never leads. The rest follow by importance; claims
    backed by more independent sources rank higher. Each summary sentence is a claim's
    representative sentence and cites every other article sentence that makes the same claim.
    """
    if not claims or not len(table.spans):
        return []
    row = {(s.article_id, s.start, s.end): i for i, s in enumerate(table.spans)}
    centroid = table.vectors.mean(axis=0)
    centroid = centroid / (np.linalg.norm(centroid) or 1.0)
    n_families = max(1, len(families.groups))
    candidates = []
    for claim in claims:
        rows = [row[(s.article_id, s.start, s.end)] for s in claim.spans]
        best = max(rows, key=lambda i: float(table.vectors[i] @ centroid))
        if not _summary_candidate(table.spans[best].text):
            continue
        relevance = float(table.vectors[best] @ centroid)
        support = 1.0 + (claim.independent_sources - 1) / n_families
        candidates.append((claim, best, relevance * support))

    chosen: list[tuple[Claim, int, float]] = []
    place, event_articles = event
    position = _positions(table)
    lead_pool = [c for c in candidates if set(c[0].article_ids) & event_articles] or candidates
    if lead_pool:
        def names_place(c: tuple[Claim, int, float]) -> bool:
            return place is not None and any(place in s.text for s in c[0].spans)

        lead = max(lead_pool, key=lambda c: (c[0].independent_sources, names_place(c), -min(position[row[(s.article_id, s.start, s.end)]] for s in c[0].spans), c[2]))
        candidates.remove(lead)
        if place is not None and names_place(lead):
            # Represent the lead by a sentence that says where it happened, the earliest one.
            best = min((row[(s.article_id, s.start, s.end)] for s in lead[0].spans if place in s.text), key=position.__getitem__)
            lead = (lead[0], best, lead[2])
        chosen.append(lead)
    # Corroborated claims first, then the main event's, then the rest, each tier by MMR.
    tiers = [
        [c for c in candidates if c[0].independent_sources > 1],
        [c for c in candidates if c[0].independent_sources == 1 and set(c[0].article_ids) & event_articles],
        [c for c in candidates if c[0].independent_sources == 1 and not set(c[0].article_ids) & event_articles],
    ]
    for tier in tiers:
        while tier and len(chosen) < size:

            def mmr(item: tuple[Claim, int, float]) -> float:
                redundancy = max((float(table.similarity[item[1], c[1]]) for c in chosen), default=0.0)
                return MMR_LAMBDA * item[2] - (1 - MMR_LAMBDA) * redundancy

            best_item = max(tier, key=mmr)
            tier.remove(best_item)
            if chosen and max(float(table.similarity[best_item[1], c[1]]) for c in chosen) > MAX_SUMMARY_REDUNDANCY:
                continue
            chosen.append(best_item)

    out = []
    for claim, best, _ in chosen:
        span = table.spans[best]
        out.append(
            SummarySentence(
                span=span,
                supporting=[s for s in claim.spans if s != span],
                independent_sources=claim.independent_sources,
            )
        )
    return out
