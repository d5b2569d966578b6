"""The story's timeline: one entry per event (the meeting, the strikes, the resignation, the trip
ahead), dated from the articles' own dates or, for an undated article, from its story-mates.

Each entry's ``date`` .. ``date_end`` (inclusive) has the precision its text gives, named by
``granularity`` (``storyline.dates``): "day", "week", "month", "year" or "range" — never a
made-up day. Totals over a period ("this week alone … 1,400 drones") are not events, and an
expression in a subordinate clause of time ("before departing for India on Thursday") dates that
clause, not the sentence.

Time expressions that date nothing are left out: durations ("four hours", "100 days"),
habits ("daily", "every day") and vague spans ("years", "recent days", "winter"). An undated
article's "Sunday" is resolved against the publication date of the story-mates that report the
same event, and the entry says which articles dated it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from storyline.consolidate.common import SentenceIndex, UnionFind
from storyline.consolidate.events import ArticleEvent
from storyline.dates import resolve, speaks_of_future
from storyline.models import Claim, EnrichedArticle, Span, TimelineEvent, TimeMention

MAX_DATED_EVENTS = 12
"""Dated entries kept, the best-supported ones; a brief is read, not searched."""
_NOT_A_DATE = re.compile(
    r"^(?:\d[\d,.]*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|many|few|\w+teen|\w+ty)"
    r"[\s-]+(?:\w+\s+)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)(?:-long)?$"
    r"|^(?:daily|weekly|monthly|yearly|annually|every \w+|each \w+|nightly|night|overnight|years|decades|months|weeks|days|"
    r"(?:the )?(?:coming|recent|past|last|next) (?:days|weeks|months|years)|(?:\w+ )?(?:winter|summer|spring|autumn|fall)|"
    r"week-long|\w+ year|(?:the )?\w+(?:th|st|nd|rd) year|today|tonight|tomorrow|now|recently|currently)$",
    re.IGNORECASE,
)
"""Durations, habits and vague spans: no event's date. ("today" and "tomorrow" date a day only in a
dated article, where enrich resolves them.)"""
_TIME_WORD = re.compile(
    r"\d|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|week|month|year|yesterday|today|tomorrow|"
    r"tonight|morning|afternoon|evening|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b",
    re.IGNORECASE,
)
_PERIOD_TOTAL_AFTER = re.compile(r"\s*(?:alone|so far|to date)\b", re.IGNORECASE)
_PERIOD_TOTAL_BEFORE = re.compile(r"\b(?:(?:so far|throughout) (?:the )?|(?:over|during|for|in) the (?:past|last|whole|entire) )$", re.IGNORECASE)
"""A time expression that bounds a count or a stretch ("this week alone", "over the past week",
"so far this year") measures a period; it dates no event."""
_OTHER_CLAUSE = re.compile(r"\b(?:before|ahead of|until)\s+(?:\w+ing\b|\w+'s\b|his\b|her\b|their\b|its\b)[^,;:]*$", re.IGNORECASE)
"""An expression after "before departing …" dates that clause's action (Putin's departure), not
what the sentence reports (Peskov's confirmation, the meeting)."""
_EVENT_WORDS = {
    "meeting": {"talks", "meeting", "meetings", "session", "discussions", "summit", "negotiations", "met", "meet"},
    "attack": {"strikes", "strike", "attacks", "attack", "bombing", "shelling", "drone", "missile", "killed", "dead"},
}


@dataclass(frozen=True)
class _Dated:
    mention: TimeMention
    sentence: Span
    dated_from: tuple[str, ...]


def reference_dates(records: Sequence[EnrichedArticle], events: dict[str, ArticleEvent]) -> dict[str, tuple[date, tuple[str, ...]]]:
    """Each undated article's reference date: the earliest publication date of its story-mates that
    report the same event, with those mates' ids."""
    published: dict[str, date] = {}
    for record in records:
        day = _day(record.article.published)
        if day is not None:
            published[record.article.id] = day
    out = {}
    for record in records:
        aid = record.article.id
        if aid in published or aid not in events:
            continue
        mates = [m for m, ev in events.items() if m != aid and ev.place == events[aid].place and m in published]
        if mates:
            first = min(published[m] for m in mates)
            out[aid] = (first, tuple(sorted(m for m in mates if published[m] == first)))
    return out


def build_timeline(
    records: Sequence[EnrichedArticle], claims: Sequence[Claim], events: dict[str, ArticleEvent] | None = None, include_unresolved: bool = True
) -> list[TimelineEvent]:
    """Dated events in date order (at most ``MAX_DATED_EVENTS``), then the undated remainder in article order."""
    index = SentenceIndex(records)
    references = reference_dates(records, events or {})
    claim_of: dict[tuple[str, int], Claim] = {}
    for claim in claims:
        for span in claim.spans:
            claim_of[(span.article_id, span.start)] = claim
    order = {r.article.id: i for i, r in enumerate(records)}

    groups: dict[str, list[_Dated]] = defaultdict(list)
    for record in records:
        aid = record.article.id
        for t in sorted(record.times, key=lambda t: t.span.start):
            sentence = index.sentence_of(t.span)
            expression = t.expression.strip(" .,")
            if sentence is None or _NOT_A_DATE.match(expression) or not _TIME_WORD.search(expression):
                continue
            if not dates_an_event(record.article.text, sentence.start, t.span.start, t.span.end):
                continue
            dated_from: tuple[str, ...] = ()
            if t.resolved is None and aid in references:
                base, mates = references[aid]
                before = record.article.text[max(sentence.start, t.span.start - 60) : t.span.start]
                found = resolve(t.expression, base, future=speaks_of_future(before))
                if found is not None:
                    t = replace(t, resolved=found[0], resolved_end=found[1], granularity=found[2])
                    dated_from = mates
            if t.resolved is None and not include_unresolved:
                continue
            same_claim = claim_of.get((sentence.article_id, sentence.start))
            groups[same_claim.id if same_claim else f"{aid}:{sentence.start}"].append(_Dated(t, sentence, dated_from))

    entries = [_entry(items, claim_of) for items in groups.values()]
    dated = _merge_same_event([e for e in entries if e.date is not None])
    undated = [e for e in entries if e.date is None]
    if len(dated) > MAX_DATED_EVENTS:
        dated = sorted(dated, key=lambda e: (-len(e.article_ids), -len(e.supporting), e.date))[:MAX_DATED_EVENTS]
    dated.sort(key=lambda e: (e.date, order[e.span.article_id], e.span.start))
    undated.sort(key=lambda e: (order[e.span.article_id], e.span.start))
    return dated + undated


def _entry(items: list[_Dated], claim_of: dict[tuple[str, int], Claim]) -> TimelineEvent:
    """One claim's entry: the most common day its expressions resolve to."""
    resolved = [d for d in items if d.mention.resolved is not None]
    start = end = granularity = None
    if resolved:
        rank = {"day": 0, "week": 1, "month": 2, "range": 3, "year": 4}
        votes = Counter((d.mention.resolved, d.mention.resolved_end, d.mention.granularity) for d in resolved)
        start, end, granularity = min(votes, key=lambda k: (rank.get(k[2] or "", 4), -votes[k]))
        # The sentences whose expressions give the date come first: they say what happened then.
        items = sorted(items, key=lambda d: (d.mention.resolved, d.mention.granularity) != (start, granularity))
    sentences = list(dict.fromkeys(d.sentence for d in items))
    claim = claim_of.get((sentences[0].article_id, sentences[0].start))
    if claim is not None:
        sentences += [s for s in claim.spans if s not in sentences]
    return TimelineEvent(
        date=start,
        date_end=end,
        granularity=granularity,
        text=sentences[0].text,
        span=sentences[0],
        expressions=[d.mention for d in items],
        article_ids=list(dict.fromkeys(s.article_id for s in sentences)),
        supporting=sentences[1:],
        dated_from=sorted({m for d in items for m in d.dated_from}),
    )


def dates_an_event(text: str, sentence_start: int, start: int, end: int) -> bool:
    """Does the time expression at ``text[start:end]`` date what its sentence reports? Not when it
    bounds a total ("This week alone, … 1,400 drones", "so far this year") nor when it sits in a
    clause of a later action ("will host Witkoff before departing for India on Thursday")."""
    before = text[sentence_start:start]
    if _PERIOD_TOTAL_AFTER.match(text, end) or _PERIOD_TOTAL_BEFORE.search(before):
        return False
    return not (_OTHER_CLAUSE.search(before) and not _OTHER_CLAUSE.match(before.lstrip()))


def _kind(text: str) -> set[str]:
    words = set(re.findall(r"[a-z]+", text.lower()))
    return {kind for kind, vocabulary in _EVENT_WORDS.items() if words & vocabulary}


def _merge_same_event(entries: list[TimelineEvent]) -> list[TimelineEvent]:
    """Entries on the same day about the same kind of event (a meeting, an attack) are one event."""
    uf = UnionFind(str(i) for i in range(len(entries)))
    for i, a in enumerate(entries):
        for j in range(i + 1, len(entries)):
            b = entries[j]
            if a.date == b.date and a.granularity == b.granularity == "day" and _kind(a.text) & _kind(b.text):
                uf.union(str(i), str(j))
    out = []
    for group in uf.groups():
        members = sorted((entries[int(g)] for g in group), key=lambda e: -len(e.article_ids))
        head = members[0]
        for other in members[1:]:
            head.expressions += other.expressions
            head.supporting += [s for s in [other.span, *other.supporting] if s != head.span and s not in head.supporting]
            head.article_ids = list(dict.fromkeys([*head.article_ids, *other.article_ids]))
            head.dated_from = sorted(set(head.dated_from) | set(other.dated_from))
        out.append(head)
    return out


def _day(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value
