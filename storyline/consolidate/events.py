"""Which event each article mainly reports, from where (and when) its lead says it happened.

Two articles about two different meetings (Geneva a week earlier, Florida now) must not be read
as contradicting each other; grouping articles by the place of the event their lead reports, and
by its date when the times are resolved, keeps such pairs apart.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storyline.consolidate.common import SentenceIndex
from storyline.consolidate.entities import PLACE_LABELS, Canonical
from storyline.models import EnrichedArticle, EventCoverage, Span, TimeMention

LEAD_SENTENCES = 5
_ELSEWHERE = re.compile(
    r"\b(?:earlier|previous(?:ly)?|last (?:week|month|year)|ago|follows|followed|will|would|due|scheduled|expected|plans?|upcoming|next)\b",
    re.IGNORECASE,
)
"""Words that move a sentence off the article's main event (a past meeting, a planned trip)."""
_EVENT_NOUN = re.compile(r"^[\s’'s]*(?:talks|discussions|meeting|session|summit|negotiations|conference|meetings)\b", re.IGNORECASE)


@dataclass
class ArticleEvent:
    article_id: str
    place: str
    place_span: Span
    date: date | None
    date_span: TimeMention | None


def article_events(records: Sequence[EnrichedArticle], canonical: Canonical) -> dict[str, ArticleEvent]:
    """The main event of each article whose lead names where it happened."""
    index = SentenceIndex(records)
    out = {}
    for record in records:
        aid = record.article.id
        lead = sorted(record.sentences, key=lambda s: s.start)[:LEAD_SENTENCES]
        lead_ends = lead[-1].end if lead else 0
        text = record.article.text
        for m in sorted(record.entities, key=lambda e: e.span.start):
            if m.label not in PLACE_LABELS or m.span.start >= lead_ends:
                continue
            before = text[max(0, m.span.start - 4) : m.span.start].lower()
            if not (before.endswith(("in ", "at ")) or _EVENT_NOUN.match(text, m.span.end)):
                continue
            sentence = index.sentence_of(m.span)
            if sentence is None or _ELSEWHERE.search(sentence.text):
                continue
            place = canonical.name(aid, m.name) or m.name
            when = next(
                (
                    t
                    for t in sorted(record.times, key=lambda t: t.span.start)
                    if t.resolved and t.granularity == "day" and index.sentence_of(t.span) == sentence
                ),
                None,
            )
            out[aid] = ArticleEvent(aid, place, m.span, when.resolved if when else None, when)
            break
    return out


def coverage(records: Sequence[EnrichedArticle], events: dict[str, ArticleEvent]) -> list[EventCoverage]:
    """One entry per distinct event place, listing the articles that report it."""
    by_place: dict[str, list[ArticleEvent]] = defaultdict(list)
    order = {r.article.id: i for i, r in enumerate(records)}
    for ev in sorted(events.values(), key=lambda e: order[e.article_id]):
        by_place[ev.place].append(ev)
    out = []
    for place, evs in by_place.items():
        dates = sorted({e.date for e in evs if e.date})
        out.append(
            EventCoverage(
                label=f"event in {place}",
                place=place,
                place_spans=[e.place_span for e in evs],
                article_ids=[e.article_id for e in evs],
                date=dates[0] if len(dates) == 1 else None,
            )
        )
    out.sort(key=lambda c: -len(c.article_ids))
    return out
