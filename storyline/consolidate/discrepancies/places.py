"""Places and dates: one event placed or dated differently, and aligned sentences that put the same
fact in different places ("around Kyiv" / "in Kyiv", "in Vyshhorod" / "in the Kyiv region").

A narrower or vaguer place for the same fact is a difference of precision; two places that
neither contain nor border each other in the wording are a contradiction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import Families, normalize
from storyline.consolidate.discrepancies.alignment import AlignedPair
from storyline.consolidate.discrepancies.sides import better, gist, same_fact, side, support_bonus
from storyline.consolidate.entities import PLACE_LABELS, Canonical
from storyline.consolidate.events import ArticleEvent
from storyline.models import Discrepancy, EnrichedArticle, Span
from storyline.consolidate.registry import discrepancy_finder

if TYPE_CHECKING:
    from storyline.consolidate.context import StoryContext


def event_discrepancies(records: Sequence[EnrichedArticle], events: dict[str, ArticleEvent], families: Families) -> list[Discrepancy]:
    """One event given two places (same day) or two dates (same place).

    Articles reporting events at different places on different (or unknown) dates are about
    different events (Geneva a week before Florida): no discrepancy.
    """
    text = {r.article.id: r.article.text for r in records}
    out = []
    evs = list(events.values())
    seen: set[tuple[str, str]] = set()
    for i, a in enumerate(evs):
        for b in evs[i + 1 :]:
            if a.place != b.place and a.date and b.date and a.date == b.date:
                # Different places the same day: a discrepancy unless each article also names the other's place.
                if a.place_span.text in text[b.article_id] or b.place_span.text in text[a.article_id]:
                    continue
                key = ("place", str(a.date))
                kind, subject, desc = "place", f"where the event of {a.date.isoformat()} happened", f"Placed in {a.place} and in {b.place}."
                sides = [side(a.place, [a.place_span], families), side(b.place, [b.place_span], families)]
            elif a.place == b.place and a.date and b.date and a.date != b.date and a.date_span and b.date_span:
                key = ("date", a.place)
                kind, subject, desc = "date", f"when the event in {a.place} happened", f"Dated {a.date.isoformat()} and {b.date.isoformat()}."
                sides = [side(a.date.isoformat(), [a.date_span.span], families), side(b.date.isoformat(), [b.date_span.span], families)]
            else:
                continue
            if key in seen:
                continue
            seen.add(key)
            out.append(Discrepancy(kind=kind, subject=subject, description=desc, severity=0.8 if kind == "place" else 0.7, sides=sides, better_supported=better(sides), nature="contradiction"))
    return out


_PREPOSITION = re.compile(r"\b(in|at|around|near|outside|across|over|into|throughout|inside)\s+(?:the\s+)?$", re.IGNORECASE)
_AREA = re.compile(r"\s+(region|area|oblast|province|outskirts|suburbs|district|county|state)\b", re.IGNORECASE)
_INSIDE = {"in", "at", "inside", "into"}
"""Prepositions that all put a fact at the place itself: "at Novorossiysk" is "in Novorossiysk"."""
_VAGUE_PREPOSITIONS = {"around", "near", "outside", "across", "throughout", "over"}


@dataclass(frozen=True)
class PlacePhrase:
    span: Span
    place: str
    """Canonical place name."""
    preposition: str
    area: bool
    """"the Kyiv region" rather than "Kyiv"."""


def sentence_places(record: EnrichedArticle, sentence: Span, canonical: Canonical) -> list[PlacePhrase]:
    """Places a sentence says something happened in: a preposition, the place, maybe "region".

    Besides the sentence's own place mentions, every place the story's NER found anywhere counts
    where it is written: the tagger misses "Kyiv" in one sentence and finds it in the next.
    """
    text = record.article.text
    names: list[tuple[int, int, str]] = []
    for m in record.entities:
        if sentence.start <= m.span.start < sentence.end:
            name = canonical.name(record.article.id, m.name) or m.name
            if m.label in PLACE_LABELS or canonical.label_of.get(name) in PLACE_LABELS:
                names.append((m.span.start, m.span.end, name))
    for ent in canonical.entities:
        if ent.label not in PLACE_LABELS:
            continue
        for written in {ent.name, *ent.variants}:
            if len(written) < 3 or not written[:1].isupper():
                continue
            for found in re.finditer(r"\b" + re.escape(written) + r"\b", sentence.text):
                start, end = sentence.start + found.start(), sentence.start + found.end()
                if not any(a < end and start < b for a, b, _ in names):
                    names.append((start, end, ent.name))
    out = []
    for start, end, name in sorted(names):
        window = text[max(sentence.start, start - 20) : start]
        before = _PREPOSITION.search(window)
        if before is None:
            continue
        area = _AREA.match(text, end)
        phrase_start = start - (len(window) - before.start())
        phrase_end = area.end() if area else end
        preposition = before.group(1).lower()
        preposition = "in" if preposition in _INSIDE else preposition
        out.append(PlacePhrase(Span(record.article.id, phrase_start, phrase_end, text[phrase_start:phrase_end]), name, preposition, bool(area)))
    return out


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split())


def _same_place(a: str, b: str) -> bool:
    """Same name, or an abbreviation of it ("U.S." is "United States")."""
    na, nb = normalize(a), normalize(b)
    return na == nb or na.replace(" ", "") == _initials(nb) or nb.replace(" ", "") == _initials(na)


def place_discrepancies(
    records: Sequence[EnrichedArticle], table: SentenceTable, pairs: Sequence[AlignedPair], canonical: Canonical, families: Families
) -> list[Discrepancy]:
    """Aligned sentences that put the same fact in different places."""
    by_id = {r.article.id: r for r in records}
    cache: dict[int, list[PlacePhrase]] = {}

    def places(row: int) -> list[PlacePhrase]:
        if row not in cache:
            span = table.spans[row]
            cache[row] = sentence_places(by_id[span.article_id], span, canonical)
        return cache[row]

    found: list[tuple[PlacePhrase, PlacePhrase, int, int, bool]] = []
    for pair in pairs:
        left, right = places(pair.left), places(pair.right)
        if not left or not right:
            continue
        if any(_same_place(a.place, b.place) and a.preposition == b.preposition and a.area == b.area for a in left for b in right):
            continue
        a, b = left[0], right[0]
        same = _same_place(a.place, b.place)
        vaguer = a.area or b.area or {a.preposition, b.preposition} & _VAGUE_PREPOSITIONS
        if not same and not pair.rewrite:
            continue  # independent reports name different places in one sentence for different details
        found.append((a, b, pair.left, pair.right, bool(same or vaguer)))

    out = []
    for group in same_fact([("place", ra, rb) for _, _, ra, rb, _ in found]):
        items = [found[i] for i in group]
        values: dict[str, list[Span]] = defaultdict(list)
        for a, b, _, _, _ in items:
            for p in (a, b):
                values[normalize(p.span.text)].append(p.span)
        if len(values) < 2:
            continue
        # Every article placing the fact the same way is on that side, also where it agrees with its partner.
        rows = {r for _, _, ra, rb, _ in items for r in (ra, rb)}
        for pair in pairs:
            for here, there in ((pair.left, pair.right), (pair.right, pair.left)):
                if here in rows and there not in rows:
                    for p in places(there)[:1]:
                        if normalize(p.span.text) in values:
                            values[normalize(p.span.text)].append(p.span)
        built = [side(spans[0].text, spans, families) for spans in sorted(values.values(), key=lambda s: -len(s))]
        precision = all(item[4] for item in items)
        sentence = table.spans[items[0][2]].text
        out.append(
            Discrepancy(
                kind="place",
                subject="where: " + gist(sentence),
                description="The same fact is placed " + " and ".join(f"“{s.value}”" for s in built) + (" (one is vaguer or wider)." if precision else "."),
                severity=(0.45 if precision else 0.75) + support_bonus(built, len(families.groups)),
                sides=built,
                better_supported=better(built),
                nature="precision" if precision else "contradiction",
            )
        )
    return out


@discrepancy_finder("event_places")
def _event_places(story: StoryContext) -> list[Discrepancy]:
    return event_discrepancies(story.records, story.events, story.families)


@discrepancy_finder("places")
def _places(story: StoryContext) -> list[Discrepancy]:
    return place_discrepancies(story.records, story.table, story.pairs, story.canonical, story.families)
