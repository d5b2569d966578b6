"""Quotes: one quote credited to different speakers, or said of different people.

Outlets that carry the same words can still disagree on whose words they are, and on whom a
remark was about: Zelenskyy's "constructive approach" is said of the U.S. side in two reports and
of "both sides" in a third.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import re
from collections import defaultdict
from collections.abc import Sequence

from storyline.consolidate.common import Families, SentenceIndex, normalize
from storyline.consolidate.discrepancies.sides import better, side, support_bonus
from storyline.consolidate.entities import Canonical
from storyline.models import (
    Discrepancy,
    EnrichedArticle,
    QuoteGroup,
    QuoteOccurrence,
    Span,
)
from storyline.consolidate.registry import discrepancy_finder

if TYPE_CHECKING:
    from storyline.consolidate.context import StoryContext

_GROUPS = re.compile(r"\b(both sides|all sides|each side|the two sides|both parties|all parties|the two countries|both countries|both delegations)\b", re.IGNORECASE)
_LEAD_IN = re.compile(r"(?:\bthat\b|\bsaying\b|\bstating\b|[,:;—–])\s*", re.IGNORECASE)


def speaker_discrepancies(groups: Sequence[QuoteGroup], canonical: Canonical, families: Families) -> list[Discrepancy]:
    """One quote attributed to two different people by different articles."""
    out = []
    for group in groups:
        by_speaker: dict[str, list[Span]] = defaultdict(list)
        for occ in group.occurrences:
            if occ.speaker and canonical.label_of.get(occ.speaker) == "PERSON" and occ.speaker_span is not None and _named(occ.speaker_span):
                name = next((n for n in by_speaker if _same_person(n, occ.speaker)), occ.speaker)
                by_speaker[name].append(occ.speaker_span)
        if len(by_speaker) < 2 or len({s.article_id for spans in by_speaker.values() for s in spans}) < 2:
            continue
        sides = [side(name, spans, families) for name, spans in by_speaker.items()]
        out.append(
            Discrepancy(
                kind="attribution",
                subject=f"who said “{group.text[:60]}”",
                description="The same quote is attributed to " + " and to ".join(by_speaker) + ".",
                severity=0.7 + support_bonus(sides, len(families.groups)),
                sides=sides,
                better_supported=better(sides),
                nature="contradiction",
            )
        )
    return out


_PRONOUN = re.compile(r"^(?:he|she|they|it|we|i|him|her|them)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"[’']s\s+\w")


def _named(span: Span) -> bool:
    """A speaker written as a name: not a pronoun resolved by guess, not "Reid's rep" (the rep speaks)."""
    return not _PRONOUN.match(span.text.strip()) and not _POSSESSIVE.search(span.text)


def _same_person(a: str, b: str) -> bool:
    """ "Dirk A. Kempthorne" is "Dirk Kempthorne": middle initials aside, the same tokens."""
    def tokens(name: str) -> list[str]:
        return [t for t in normalize(name).split() if len(t) > 1]

    return tokens(a) == tokens(b)


def _target(record: EnrichedArticle, occ: QuoteOccurrence, sentence: Span, canonical: Canonical) -> tuple[str, Span] | None:
    """Whom the clause holding a quote is about: a named party or a group ("both sides"), with its span."""
    text = record.article.text
    lead = text[sentence.start : occ.span.start]
    cut = max((m.end() for m in _LEAD_IN.finditer(lead.rstrip(" “\"'‘"))), default=0)
    clause_start = sentence.start + cut
    clause = text[clause_start : occ.span.start]
    group = _GROUPS.search(clause)
    if group:
        start = clause_start + group.start()
        return group.group().lower(), Span(record.article.id, start, clause_start + group.end(), group.group())
    for m in sorted(record.entities, key=lambda e: e.span.start):
        if clause_start <= m.span.start < occ.span.start and m.label in ("GPE", "ORG", "NORP", "PERSON"):
            name = canonical.name(record.article.id, m.name) or m.name
            if name != occ.speaker:
                return name, m.span
    return None


def quote_target_discrepancies(
    records: Sequence[EnrichedArticle], groups: Sequence[QuoteGroup], canonical: Canonical, families: Families
) -> list[Discrepancy]:
    """The same remark (one quote, or one contained in another by the same speaker) said of different parties."""
    by_id = {r.article.id: r for r in records}
    index = SentenceIndex(records)
    occurrences = [(g, o) for g in groups for o in g.occurrences]
    norms = [normalize(o.span.text) for _, o in occurrences]
    out = []
    seen: set[frozenset[int]] = set()
    for x, (ga, oa) in enumerate(occurrences):
        related = [x]
        na = norms[x]
        for y, (gb, ob) in enumerate(occurrences):
            if y == x or ob.span.article_id == oa.span.article_id:
                continue
            nb = norms[y]
            same_speaker = (ga.speaker or oa.speaker) == (gb.speaker or ob.speaker) and (ga.speaker or oa.speaker)
            if ga is gb or (same_speaker and len(min(na, nb, key=len).split()) >= 2 and (na in nb or nb in na)):
                related.append(y)
        key = frozenset(related)
        if len(related) < 2 or key in seen:
            continue
        seen.add(key)
        targets: dict[str, list[Span]] = defaultdict(list)
        for k in related:
            _, occ = occurrences[k]
            record = by_id[occ.span.article_id]
            sentence = index.sentence_of(occ.span)
            found = _target(record, occ, sentence, canonical) if sentence else None
            if found:
                targets[found[0]].append(found[1])
        merged = _merge_places(targets)
        if len(merged) < 2 or families.count(s.article_id for spans in merged.values() for s in spans) < 2:
            continue
        sides = [side(spans[0].text, spans, families) for spans in sorted(merged.values(), key=lambda s: -len(s))]
        speaker = ga.speaker or oa.speaker or "the speaker"
        out.append(
            Discrepancy(
                kind="attribution",
                subject=f"whom {speaker}’s “{ga.text[:50]}” is about",
                description=f"{speaker}’s “{ga.text[:50]}” is said of " + " and of ".join(f"“{s.value}”" for s in sides) + ".",
                severity=0.55 + support_bonus(sides, len(families.groups)),
                sides=sides,
                better_supported=better(sides),
                nature="contradiction",
            )
        )
    return out


def _merge_places(targets: dict[str, list[Span]]) -> dict[str, list[Span]]:
    """"U.S." and "United States" are one party."""
    merged: dict[str, list[Span]] = {}
    for name, spans in targets.items():
        norm = normalize(name).replace(" ", "")
        key = next((k for k in merged if normalize(k).replace(" ", "") in (norm, _initials(name)) or norm == _initials(k)), name)
        merged.setdefault(key, []).extend(spans)
    return merged


def _initials(name: str) -> str:
    return "".join(w[0] for w in normalize(name).split())


@discrepancy_finder("quote_speakers")
def _quote_speakers(story: StoryContext) -> list[Discrepancy]:
    return speaker_discrepancies(story.quotes, story.canonical, story.families)


@discrepancy_finder("quote_targets")
def _quote_targets(story: StoryContext) -> list[Discrepancy]:
    return quote_target_discrepancies(story.records, story.quotes, story.canonical, story.families)
