"""The story's timeline: dated statements in date order, with the time expressions behind each date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from storyline.consolidate.common import SentenceIndex
from storyline.models import Claim, EnrichedArticle, Span, TimelineEvent, TimeMention


def build_timeline(records: Sequence[EnrichedArticle], claims: Sequence[Claim], include_unresolved: bool = True) -> list[TimelineEvent]:
    """One event per (statement, date): the same statement dated alike by several articles is one event.

    Expressions that could not be resolved (no published date) follow the dated events, in
    article order, so the reader still sees when the articles say things happened.
    """
    index = SentenceIndex(records)
    claim_of: dict[tuple[str, int], Claim] = {}
    for claim in claims:
        for span in claim.spans:
            claim_of[(span.article_id, span.start)] = claim
    order = {r.article.id: i for i, r in enumerate(records)}
    groups: dict[tuple, list[tuple[TimeMention, Span]]] = defaultdict(list)
    for record in records:
        for t in sorted(record.times, key=lambda t: t.span.start):
            sentence = index.sentence_of(t.span)
            if sentence is None or (t.resolved is None and not include_unresolved):
                continue
            claimed = claim_of.get((sentence.article_id, sentence.start))
            statement = claimed.id if claimed else f"{sentence.article_id}:{sentence.start}"
            groups[(statement, t.resolved, t.resolved_end)].append((t, sentence))

    events = []
    for (_, resolved, resolved_end), items in groups.items():
        sentences = list(dict.fromkeys(s for _, s in items))
        granularity = next((t.granularity for t, _ in items if t.granularity), None)
        events.append(
            TimelineEvent(
                date=resolved,
                date_end=resolved_end,
                granularity=granularity,
                text=sentences[0].text,
                span=sentences[0],
                expressions=[t for t, _ in items],
                article_ids=list(dict.fromkeys(s.article_id for s in sentences)),
                supporting=sentences[1:],
            )
        )
    events.sort(key=lambda e: (e.date is None, e.date or date.min, order[e.span.article_id], e.span.start))
    return events
