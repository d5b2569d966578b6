"""Discrepancies: where articles disagree about a person's role, a number, or an event's place or date.

No contradiction model works offline here, and embeddings score contradicting sentences as high
as paraphrases, so every discrepancy rests on structured evidence: the offices written before a
name, numbers with what they count, and the place and date of the event an article reports.
Each side lists every span stating it and how many independent sources (rewrite families) back it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import Families, normalize
from storyline.consolidate.entities import Canonical
from storyline.consolidate.events import ArticleEvent
from storyline.models import BriefEntity, Discrepancy, DiscrepancySide, EnrichedArticle, NumberMention, QuoteGroup, Span

# Offices one person holds one at a time; descriptive roles ("negotiator", "envoy") never conflict.
OFFICES = [
    ("vice president", re.compile(r"\bvice[- ]president\b")),
    ("president", re.compile(r"\bpresident\b")),
    ("prime minister", re.compile(r"\bprime minister\b|\bpremier\b")),
    ("secretary of state", re.compile(r"\bsecretary of state\b")),
    ("secretary", re.compile(r"\bsecretary\b")),
    ("senator", re.compile(r"\bsenator\b|\bsen\b")),
    ("representative", re.compile(r"\brepresentative\b|\bcongress(?:wo)?man\b|\brep\b")),
    ("governor", re.compile(r"\bgovernor\b|\bgov\b")),
    ("mayor", re.compile(r"\bmayor\b")),
    ("chancellor", re.compile(r"\bchancellor\b")),
    ("foreign minister", re.compile(r"\bforeign minister\b")),
    ("minister", re.compile(r"\bminister\b")),
    ("chief of staff", re.compile(r"\bchief of staff\b")),
    ("ambassador", re.compile(r"\bambassador\b")),
    ("king", re.compile(r"\bking\b")),
]
HIGH_OFFICES = {"president", "prime minister", "secretary of state", "chancellor", "king", "vice president"}
_FORMER = re.compile(r"\b(?:former|ex)\b")
_NOT_OFFICE = re.compile(r"\b(?:presidential|counterpart|adviser|advisor|aide|candidate|envoy|spokes\w+|nominee|elect)\b")


def office(role: str) -> tuple[str | None, bool]:
    """The office a role names ("U.S. Senator" -> senator) and whether it is a former one."""
    text = normalize(role)
    if _NOT_OFFICE.search(text):
        return None, False
    for name, pattern in OFFICES:
        match = pattern.search(text)
        if match:
            return name, bool(_FORMER.search(text[: match.start()]))
    return None, False


def _side(value: str, spans: list[Span], families: Families) -> DiscrepancySide:
    article_ids = list(dict.fromkeys(s.article_id for s in spans))
    return DiscrepancySide(value=value, spans=spans, article_ids=article_ids, independent_sources=families.count(article_ids))


def _better(sides: list[DiscrepancySide]) -> int | None:
    ranked = sorted(range(len(sides)), key=lambda i: -sides[i].independent_sources)
    if len(ranked) > 1 and sides[ranked[0]].independent_sources == sides[ranked[1]].independent_sources:
        return None
    return ranked[0] if ranked else None


def role_discrepancies(entities: Sequence[BriefEntity], families: Families) -> list[Discrepancy]:
    """The same person given offices that cannot both hold (senator vs secretary of state, former vs sitting)."""
    out = []
    for ent in entities:
        if ent.label != "PERSON":
            continue
        sides: dict[tuple[str, bool], list[tuple[str, Span]]] = defaultdict(list)
        for role in ent.roles:
            name, former = office(role.role)
            if name:
                sides[(name, former)].append((role.role, role.span))
        if len(sides) < 2:
            continue
        offices = {name for name, _ in sides}
        # "secretary" alone is compatible with any "secretary of ..." title.
        if offices == {"secretary", "secretary of state"} and len(sides) == 2:
            continue
        built = []
        for items in sorted(sides.values(), key=lambda side: -len(side)):
            words: defaultdict[str, int] = defaultdict(int)
            for text, _ in items:
                words[text] += 1
            value = max(words, key=lambda w: (words[w], -len(w)))
            built.append(_side(value, [span for _, span in items], families))
        tense_only = len(offices) == 1
        high = bool(offices & HIGH_OFFICES)
        severity = 0.9 if high else 0.75
        what = "as a former and as a sitting " + next(iter(offices)) if tense_only else "different offices: " + " vs ".join(s.value for s in built)
        out.append(
            Discrepancy(
                kind="role",
                subject=f"{ent.name}'s title",
                description=f"{ent.name} is given {what}.",
                severity=severity + 0.05 * min(1.0, len(ent.article_ids) / 5),
                sides=built,
                better_supported=_better(built),
            )
        )
    return out


# --- numbers ---------------------------------------------------------------------------------------

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(r"(\$|€|£)?\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion))?(?:-|\s+)([a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)?")
_UNIT_STOP = {"and", "or", "of", "to", "the", "in", "on", "at", "a", "an", "for", "from", "with", "by", "per", "percent", "were", "was", "are", "is", "have", "has"}
_QUALIFIER = re.compile(r"\b(over|more than|at least|nearly|almost|about|around|approximately|some|up to|fewer than|less than|under|roughly)\s*$", re.IGNORECASE)


@dataclass
class Quantity:
    span: Span
    value: float
    unit: str
    low: float
    high: float


def find_numbers(record: EnrichedArticle) -> list[NumberMention]:
    """Numbers written in digits with the word(s) after them: a fallback for records enriched without numbers."""
    text, aid = record.article.text, record.article.id
    out = []
    for m in _NUMBER.finditer(text):
        value = float(m.group(2).replace(",", "")) * _SCALE.get(m.group(3) or "", 1.0)
        unit_words = [w for w in (m.group(4) or "").split() if w not in _UNIT_STOP][:2]
        unit = ("$" if m.group(1) else "") + " ".join(unit_words)
        end = m.end(3) if m.group(3) else m.end(2)
        start = m.start(1) if m.group(1) else m.start(2)
        out.append(NumberMention(span=Span(aid, start, end, text[start:end]), value=value, unit=unit or None))
    return out


def _unit_key(unit: str | None) -> str | None:
    if not unit:
        return None
    last = normalize(unit).split()[-1:] or [""]
    key = last[0]
    if key.endswith("ies") and len(key) > 4:
        key = key[:-3] + "y"
    elif key.endswith("s") and not key.endswith("ss") and len(key) > 3:
        key = key[:-1]
    if unit.startswith(("$", "€", "£")) or key in ("dollar", "euro", "pound"):
        return "money"
    return key or None


def _quantity(n: NumberMention, text: str) -> Quantity | None:
    key = _unit_key(n.unit)
    if n.value is None or key is None or (1900 <= n.value <= 2100 and n.value.is_integer()) or n.span.text.startswith("0"):
        return None  # years ("2009", "'09") are dates, not counts
    qualifier = _QUALIFIER.search(text[max(0, n.span.start - 16) : n.span.start])
    q = qualifier.group(1).lower() if qualifier else ""
    v = float(n.value)
    if q in ("over", "more than"):
        low, high = v, float("inf")
    elif q == "at least":
        low, high = v, float("inf")
    elif q in ("nearly", "almost", "up to", "fewer than", "less than", "under"):
        low, high = 0.8 * v if q in ("nearly", "almost") else 0.0, v
    elif q:
        low, high = 0.85 * v, 1.15 * v
    else:
        low, high = v, v
    return Quantity(n.span, v, key, low, high)


def _compatible(a: Quantity, b: Quantity) -> bool:
    return a.low <= b.high and b.low <= a.high


MIN_NUMBER_CONTEXT = 0.45
"""TF-IDF cosine of the two sentences above which two numbers with one unit count the same thing
(lower pairs unrelated figures of sports results and budgets on ECB+ dev)."""


def number_discrepancies(records: Sequence[EnrichedArticle], table: SentenceTable, families: Families) -> list[Discrepancy]:
    """The same quantity (same unit, similar sentence) given incompatible values by different articles."""
    slot = {}
    for i, s in enumerate(table.spans):
        slot[(s.article_id, s.start)] = i
    from storyline.consolidate.common import SentenceIndex

    index = SentenceIndex(records)
    quantities: list[tuple[Quantity, int]] = []
    for record in records:
        numbers = record.numbers if any("number" in p for p in record.pipeline) else find_numbers(record)
        for n in numbers:
            q = _quantity(n, record.article.text)
            sent = index.sentence_of(n.span)
            if q is not None and sent is not None and (sent.article_id, sent.start) in slot:
                quantities.append((q, slot[(sent.article_id, sent.start)]))
    by_unit: dict[str, list[tuple[Quantity, int]]] = defaultdict(list)
    for q, i in quantities:
        by_unit[q.unit].append((q, i))

    out = []
    for unit, items in by_unit.items():
        conflicting: dict[int, Quantity] = {}
        for a, (qa, ia) in enumerate(items):
            others = defaultdict(list)
            for qb, ib in items:
                if qb.span.article_id != qa.span.article_id and table.similarity[ia, ib] >= MIN_NUMBER_CONTEXT:
                    if (table.entities[ia] & table.entities[ib]) or table.similarity[ia, ib] >= 0.6:
                        others[qb.span.article_id].append(qb)
            for article_qs in others.values():
                if not any(_compatible(qa, qb) for qb in article_qs):
                    conflicting[a] = qa
                    for qb in article_qs:
                        conflicting[items.index(next(x for x in items if x[0] is qb))] = qb
        if not conflicting:
            continue
        # Sides: quantities clustered by compatibility, largest first.
        sides: list[list[Quantity]] = []
        for q in sorted(conflicting.values(), key=lambda q: q.value):
            for side in sides:
                if all(_compatible(q, other) for other in side):
                    side.append(q)
                    break
            else:
                sides.append([q])
        if len(sides) < 2:
            continue
        built = [_side(side[0].span.text, [q.span for q in side], families) for side in sides]
        values = [max(q.value for q in side) for side in sides]
        spread = (max(values) - min(values)) / max(max(values), 1e-9)
        out.append(
            Discrepancy(
                kind="number",
                subject=unit,
                description=f"Different figures for the same {unit}: " + " vs ".join(s.value for s in built) + ".",
                severity=0.5 + 0.3 * min(1.0, spread),
                sides=built,
                better_supported=_better(built),
            )
        )
    return out


# --- event place and date ----------------------------------------------------------------------------


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
                sides = [_side(a.place, [a.place_span], families), _side(b.place, [b.place_span], families)]
            elif a.place == b.place and a.date and b.date and a.date != b.date and a.date_span and b.date_span:
                key = ("date", a.place)
                kind, subject, desc = "date", f"when the event in {a.place} happened", f"Dated {a.date.isoformat()} and {b.date.isoformat()}."
                sides = [_side(a.date.isoformat(), [a.date_span.span], families), _side(b.date.isoformat(), [b.date_span.span], families)]
            else:
                continue
            if key in seen:
                continue
            seen.add(key)
            out.append(Discrepancy(kind=kind, subject=subject, description=desc, severity=0.8 if kind == "place" else 0.7, sides=sides, better_supported=_better(sides)))
    return out


def speaker_discrepancies(groups: Sequence[QuoteGroup], canonical: Canonical, families: Families) -> list[Discrepancy]:
    """One quote attributed to two different people by different articles."""
    out = []
    for group in groups:
        by_speaker: dict[str, list[Span]] = defaultdict(list)
        for occ in group.occurrences:
            if occ.speaker and canonical.label_of.get(occ.speaker) == "PERSON" and occ.speaker_span is not None:
                by_speaker[occ.speaker].append(occ.speaker_span)
        if len(by_speaker) < 2 or len({s.article_id for spans in by_speaker.values() for s in spans}) < 2:
            continue
        sides = [_side(name, spans, families) for name, spans in by_speaker.items()]
        out.append(
            Discrepancy(
                kind="speaker",
                subject=f"who said “{group.text[:60]}”",
                description="The same quote is attributed to " + " and to ".join(by_speaker) + ".",
                severity=0.6,
                sides=sides,
                better_supported=_better(sides),
            )
        )
    return out
