"""Numbers: one count, sum or toll given different values by aligned sentences of different articles.

A quantity is what a number counts: the noun after it ("122 strike drones" counts drones), or,
for tolls, the verb around it ("killed at least three people", "wounded dozens", "left one dead").
Vague words are ranges ("dozens" is 24 to 99, "many" at least 2), and qualifiers widen a value
("over 120" is 120 and up), so "over 120" against "122" is a difference of precision, while "three"
against "dozens" is a contradiction. A vague word against a compatible figure is reported only for
death and injury tolls ("many more" / "dozens more" wounded), and one figure hedged two ways
("about 70 percent" / "70 percent") not at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import Families, SentenceIndex, normalize
from storyline.consolidate.discrepancies.alignment import AlignedPair
from storyline.consolidate.discrepancies.sides import better, same_fact, side, support_bonus
from storyline.models import Discrepancy, EnrichedArticle, NumberMention, Span
from storyline.consolidate.registry import discrepancy_finder

if TYPE_CHECKING:
    from storyline.consolidate.context import StoryContext

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(r"(\$|€|£)?\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion))?(?:-|\s+)([a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)?")
_UNIT_STOP = {"and", "or", "of", "to", "the", "in", "on", "at", "a", "an", "for", "from", "with", "by", "per", "percent", "were", "was", "are", "is", "have", "has", "more"}
_QUALIFIER = re.compile(r"\b(over|more than|at least|nearly|almost|about|around|approximately|some|up to|fewer than|less than|under|roughly)\s*$", re.IGNORECASE)
VAGUE: dict[str, tuple[float, float]] = {
    "a few": (2, 5), "several": (3, 9), "dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999),
    "thousands": (2000, 9999), "tens of thousands": (20000, 99999), "many": (2, math.inf),
    "numerous": (5, math.inf), "multiple": (2, math.inf),
}
_QUALIFIER_START = re.compile(r"^(over|more than|at least|nearly|almost|about|around|approximately|some|up to|fewer than|less than|under|roughly)\b", re.IGNORECASE)
_VAGUE = re.compile(r"\b(" + "|".join(sorted(VAGUE, key=len, reverse=True)) + r")\b(?:\s+more)?", re.IGNORECASE)
DEAD = {"killed", "kill", "kills", "killing", "dead", "died", "die", "deaths", "death", "lives", "fatalities", "slain"}
INJURED = {"wounded", "wounding", "injured", "injuring", "injuries", "hurt", "injures", "wounds"}
_PEOPLE = {"people", "person", "persons", "civilian", "civilians", "child", "children", "resident", "residents", "victim", "victims", "others", "more", ""}
_WORD = re.compile(r"[A-Za-z][\w’'-]*")
DURATIONS = {"second", "minute", "hour", "day", "night", "week", "month", "year", "decade", "season", "game", "time"}
"""Spans of time are not counts of one thing: "eight days" and "four days" of riots were counted at
different moments (ECB+ train gold), so durations are never compared."""
TOLLS = {"dead", "injured"}


@dataclass(frozen=True)
class Quantity:
    span: Span
    key: str
    """What is counted: a noun's stem ("drone"), ``money``, ``dead`` or ``injured``."""
    low: float
    high: float
    value: float | None
    """The written number; None for vague words ("dozens")."""


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


def _stem(word: str) -> str:
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _unit_key(unit: str | None) -> str | None:
    if not unit:
        return None
    words = normalize(unit).split()
    if unit.startswith(("$", "€", "£")) or unit.upper() in ("USD", "EUR", "GBP") or (words and words[-1] in ("dollar", "dollars", "euro", "euros", "pound", "pounds", "usd", "eur", "gbp")):
        return "money"
    return _stem(words[-1]) if words else None


def _toll(text: str, start: int, end: int) -> str | None:
    """``dead``/``injured`` when a casualty word sits just before or after the number."""
    before = [w.lower() for w in _WORD.findall(text[max(0, start - 40) : start])][-3:]
    after = [w.lower() for w in _WORD.findall(text[end : end + 25])][:2]
    for words in (after[:1], before[-1:], before, after):
        if any(w in DEAD for w in words):
            return "dead"
        if any(w in INJURED for w in words):
            return "injured"
    return None


def _range(value: float, qualifier: str) -> tuple[float, float]:
    q = qualifier.lower()
    if q in ("over", "more than", "at least"):
        return value, math.inf
    if q in ("nearly", "almost"):
        return 0.8 * value, value
    if q in ("up to", "fewer than", "less than", "under"):
        return 0.0, value
    if q:
        return 0.85 * value, 1.15 * value
    return value, value


def sentence_quantities(record: EnrichedArticle, sentence: Span, numbers: Sequence[NumberMention]) -> list[Quantity]:
    """Every quantity of one sentence: written numbers with what they count, and vague counts."""
    text = record.article.text
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _VAGUE.finditer(sentence.text):
        start, end = sentence.start + m.start(), sentence.start + m.end()
        key = _toll(text, start, end)
        if key is None:
            following = _WORD.findall(text[end : end + 30])[:1]
            if not following or following[0].lower() in _UNIT_STOP:
                continue
            key = _stem(following[0])
            if key in _PEOPLE:
                continue  # "many people" with no toll: too vague to compare
        low, high = VAGUE[m.group(1).lower()]
        out.append(Quantity(Span(record.article.id, start, end, text[start:end]), key, low, high, None))
        taken.append((start, end))
    for n in numbers:
        if n.value is None or not (sentence.start <= n.span.start < sentence.end):
            continue
        if any(a <= n.span.start < b for a, b in taken) or n.span.text.lower().strip() in VAGUE:
            continue
        if (1900 <= n.value <= 2100 and float(n.value).is_integer()) or n.span.text.startswith("0"):
            continue  # years are dates, not counts
        unit = "money" if re.search(r"[$€£]|\bdollars?\b|\beuros?\b|\bpounds?\b", n.span.text, re.IGNORECASE) else _unit_key(n.unit)
        toll = _toll(text, n.span.start, n.span.end) if unit in (None, *(_stem(p) for p in _PEOPLE)) else None
        key = toll or unit
        if key is None:
            continue
        inside = _QUALIFIER_START.match(n.span.text)
        before = _QUALIFIER.search(text[max(0, n.span.start - 16) : n.span.start])
        q = inside.group(1) if inside else before.group(1) if before else ""
        low, high = _range(float(n.value), q)
        begin = before.start(1) + max(0, n.span.start - 16) if before and not inside else n.span.start
        out.append(Quantity(Span(n.span.article_id, begin, n.span.end, text[begin : n.span.end]), key, low, high, float(n.value)))
    return out


def _overlap(a: Quantity, b: Quantity) -> bool:
    return a.low <= b.high and b.low <= a.high


def _same(a: Quantity, b: Quantity) -> bool:
    return a.low == b.low and a.high == b.high


def quantity_reader(records: Sequence[EnrichedArticle], table: SentenceTable) -> Callable[[int], list[Quantity]]:
    """The quantities of a sentence table row, read once per row."""
    by_id = {r.article.id: r for r in records}
    index = SentenceIndex(records)
    numbers: dict[str, list[NumberMention]] = {
        r.article.id: (r.numbers if any("number" in p for p in r.pipeline) else find_numbers(r)) for r in records
    }
    cache: dict[int, list[Quantity]] = {}

    def quantities(row: int) -> list[Quantity]:
        if row not in cache:
            span = table.spans[row]
            sentence = index.sentence_of(span) or span
            cache[row] = sentence_quantities(by_id[span.article_id], sentence, numbers[span.article_id])
        return cache[row]

    return quantities


def figure_pairs(records: Sequence[EnrichedArticle], table: SentenceTable, pairs: Sequence[AlignedPair]) -> list[AlignedPair]:
    """Sentences of two articles already found to report one event (they have aligned pairs) that
    give a figure of the same thing and share some wording, beyond the one-to-one alignment."""
    return _figure_pairs(table, pairs, quantity_reader(records, table))


def number_discrepancies(
    records: Sequence[EnrichedArticle], table: SentenceTable, pairs: Sequence[AlignedPair], families: Families
) -> list[Discrepancy]:
    """Sentences stating one fact (``pairs``) giving one quantity different values, merged across articles."""
    quantities = quantity_reader(records, table)

    found: list[tuple[str, Quantity, Quantity, int, int]] = []
    for pair in pairs:
        left, right = quantities(pair.left), quantities(pair.right)
        for qa in left:
            same_key = [qb for qb in right if qb.key == qa.key]
            if qa.key in DURATIONS or not same_key or any(_same(qa, qb) for qb in same_key):
                continue
            if len(same_key) > 1 or sum(q.key == qa.key for q in left) > 1:
                continue  # a list of figures (scores, shares): which matches which is unknown
            # The closest counterpart: a conflicting one only when none agrees.
            qb = min(same_key, key=lambda q: (not _overlap(qa, q), abs(_mid(qa) - _mid(q))))
            if any(_same(qb, other) for other in left if other.key == qb.key):
                continue
            if qa.value is not None and qa.value == qb.value:
                continue  # one figure, hedged differently ("about 70 percent" / "70 percent")
            if qa.key in TOLLS and (_early_count(qa, qb) or _early_count(qb, qa)):
                continue  # "at least three killed", then "ten killed": the toll rose between reports
            vague = qa.value is None or qb.value is None
            if vague and _overlap(qa, qb) and qa.key not in TOLLS:
                continue  # "several" against "nine grandchildren": vaguer, not different, except for a toll
            found.append((qa.key, qa, qb, pair.left, pair.right))

    out = []
    for group in same_fact([(key, ra, rb) for key, _, _, ra, rb in found]):
        items = [found[i] for i in group]
        key = items[0][0]
        values: dict[tuple[float, float], list[Quantity]] = defaultdict(list)
        for _, qa, qb, _, _ in items:
            for q in (qa, qb):
                if q not in values[(q.low, q.high)]:
                    values[(q.low, q.high)].append(q)
        if len(values) < 2:
            continue
        # Every article stating one of the values is on its side, also where it agrees with its
        # aligned partner ("killed at least three" in two reports, against "several" in a third).
        rows = {r for _, _, _, ra, rb in items for r in (ra, rb)}
        for pair in pairs:
            for here, there in ((pair.left, pair.right), (pair.right, pair.left)):
                if here in rows:
                    for q in quantities(there):
                        if q.key == key and (q.low, q.high) in values and q not in values[(q.low, q.high)]:
                            values[(q.low, q.high)].append(q)
        groups = sorted(values.values(), key=lambda qs: -len(qs))
        built = [side(qs[0].span.text, [q.span for q in qs], families) for qs in groups]
        contradiction = any(not _overlap(a[0], b[0]) for i, a in enumerate(groups) for b in groups[i + 1 :])
        frames = _time_frames(table, [r for _, _, _, ra, rb in items for r in (ra, rb)])
        what = {"dead": "how many were killed", "injured": "how many were injured", "money": "the sum"}.get(key, f"how many {key}s")
        description = "Different figures for " + what + ": " + " vs ".join(f"“{s.value}”" for s in built)
        description += f" (time frames: {frames})." if frames else "."
        out.append(
            Discrepancy(
                kind="number",
                subject=what,
                description=description,
                severity=(0.75 if contradiction else 0.5) + support_bonus(built, len(families.groups)),
                sides=built,
                better_supported=better(built),
                nature="contradiction" if contradiction else "precision",
            )
        )
    return out


FIGURE_CONTEXT = 0.25
"""TF-IDF cosine enough for two sentences giving a figure of the same thing to be compared, though the
one-to-one alignment paired them elsewhere (ECB+ train gold: recall 0.106 -> 0.124, traps 0; 0.2
brings more false alarms than finds)."""


def _figure_pairs(table: SentenceTable, pairs: Sequence[AlignedPair], quantities: Callable[[int], list[Quantity]]) -> list[AlignedPair]:
    reported = {frozenset((table.spans[p.left].article_id, table.spans[p.right].article_id)) for p in pairs}
    aligned = {(p.left, p.right) for p in pairs} | {(p.right, p.left) for p in pairs}
    rows = [r for r in range(len(table.spans)) if table.numbers[r] or any(ch.isdigit() for ch in table.spans[r].text)]
    keyed = {r: {q.key for q in quantities(r)} - DURATIONS for r in rows}
    rows = [r for r in rows if keyed[r]]
    out = []
    for x, i in enumerate(rows):
        for j in rows[x + 1 :]:
            a, b = table.spans[i].article_id, table.spans[j].article_id
            if a == b or (i, j) in aligned or frozenset((a, b)) not in reported or not keyed[i] & keyed[j]:
                continue
            if float(table.similarity[i, j]) >= FIGURE_CONTEXT:
                out.append(AlignedPair(i, j, float(table.similarity[i, j])))
    return out


def _early_count(a: Quantity, b: Quantity) -> bool:
    """``a`` is a provisional toll ("at least three") that the figure ``b`` exceeds: an earlier count,
    not a conflicting one. "More than 26,000" against "more than 31,000" is not: two estimates."""
    return a.value is not None and b.value is not None and a.span.text.lower().startswith("at least") and b.value > a.value


def _mid(q: Quantity) -> float:
    return q.value if q.value is not None else (q.low if math.isinf(q.high) else (q.low + q.high) / 2)


def _time_frames(table: SentenceTable, rows: list[int]) -> str:
    frames = []
    for row in dict.fromkeys(rows):
        for t in table.times[row]:
            if t.text not in frames:
                frames.append(t.text)
    return ", ".join(f"“{f}”" for f in frames)


@discrepancy_finder("numbers")
def _numbers(story: StoryContext) -> list[Discrepancy]:
    return number_discrepancies(story.records, story.table, [*story.pairs, *story.figure_pairs], story.families)
