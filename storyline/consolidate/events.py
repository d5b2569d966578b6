"""Which event each article mainly reports, from where (and when) its lead says it happened.

Two articles about two different meetings (Geneva a week earlier, Florida now) must not be read
as contradicting each other; grouping articles by the place of the event their lead reports, and
by its date when the times are resolved, keeps such pairs apart. The relate stage reads each
article's event once (`storyline.lead_event`) and keeps it in `Story.article_events`; here its
place takes the brief's canonical name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storyline.consolidate.entities import Canonical
from storyline.lead_event import lead_event, text_id
from storyline.models import ArticleEventJSON, EnrichedArticle, EventCoverage, Span, Story, TimeMention


@dataclass
class ArticleEvent:
    """The event one article reports, its place under the brief's canonical name."""

    article_id: str
    place: str
    place_span: Span
    date: date | None
    date_span: TimeMention | None


def _read_from_current_text(found: ArticleEventJSON, record: EnrichedArticle) -> bool:
    """Is ``found`` the relate stage's reading of the article's current text? Not in stores
    written before it kept the spans, nor after the article was updated."""
    return "place_span" in found and found.get("text_id") == text_id(record.article)


def article_events(story: Story, records: Sequence[EnrichedArticle], canonical: Canonical) -> dict[str, ArticleEvent]:
    """The main event of each article whose lead names where it happened, under canonical place names."""
    out = {}
    for record in records:
        aid = record.article.id
        found = story.article_events.get(aid)
        if found is None or not _read_from_current_text(found, record):
            # No reading by the relate stage, or one of an older store or text: the same definition, read here.
            found = lead_event(record)
        name, place_span, date_span = found.get("place"), found.get("place_span"), found.get("date_span")
        if name is None or place_span is None:
            continue
        when = TimeMention.from_dict(date_span) if date_span else None
        place = canonical.name(aid, name) or name
        out[aid] = ArticleEvent(aid, place, Span.from_dict(place_span), when.resolved if when else None, when)
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
