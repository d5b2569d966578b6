"""Dates: aligned sentences that put the same fact on different days, months or years.

"Reid checked herself in on Tuesday" / "... on Friday", "sold for $30 million in 1957" / "... in
1967". When both articles are dated and both expressions resolved, the resolved dates are compared
(a Monday report's "Sunday" and a Tuesday report's "Sunday" may be the same day); otherwise the
words. Only a sentence pair with one weekday, month or year each is compared: a sentence with
several is a list of facts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import re
from collections import defaultdict
from collections.abc import Sequence

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import Families
from storyline.consolidate.discrepancies.alignment import AlignedPair
from storyline.consolidate.discrepancies.sides import better, gist, same_fact, side, support_bonus
from storyline.models import Discrepancy, EnrichedArticle, Span, TimeMention
from storyline.consolidate.registry import discrepancy_finder

if TYPE_CHECKING:
    from storyline.consolidate.context import StoryContext

_KINDS = {
    "day": re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    "month": re.compile(r"\b(January|February|March|April|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"),
    "year": re.compile(r"\b(1[89]\d\d|20\d\d)\b"),
}


def _words(sentence: Span, kind: str) -> list[tuple[str, Span]]:
    out = []
    for m in _KINDS[kind].finditer(sentence.text):
        start, end = sentence.start + m.start(), sentence.start + m.end()
        out.append((m.group(1).rstrip(".")[:3].lower(), Span(sentence.article_id, start, end, m.group())))
    return out


def _mention(times: dict[str, list[TimeMention]], span: Span) -> TimeMention | None:
    return next((t for t in times.get(span.article_id, []) if t.span.start <= span.start < t.span.end), None)


def date_discrepancies(
    records: Sequence[EnrichedArticle], table: SentenceTable, pairs: Sequence[AlignedPair], families: Families
) -> list[Discrepancy]:
    """Aligned sentences dating one fact differently, merged across articles."""
    times = {r.article.id: r.times for r in records}
    found: list[tuple[str, Span, Span, int, int]] = []
    for pair in pairs:
        a, b = table.spans[pair.left], table.spans[pair.right]
        for kind in _KINDS:
            wa, wb = _words(a, kind), _words(b, kind)
            if len({w for w, _ in wa}) != 1 or len({w for w, _ in wb}) != 1 or wa[0][0] == wb[0][0]:
                continue
            ta, tb = _mention(times, wa[0][1]), _mention(times, wb[0][1])
            if ta and tb and ta.resolved and tb.resolved and ta.resolved == tb.resolved:
                continue  # two reports' words for one resolved day
            sa = ta.span if ta else wa[0][1]
            sb = tb.span if tb else wb[0][1]
            found.append((kind, sa, sb, pair.left, pair.right))

    out = []
    for group in same_fact([(kind, ra, rb) for kind, _, _, ra, rb in found]):
        items = [found[i] for i in group]
        values: dict[str, list[Span]] = defaultdict(list)
        for kind, sa, sb, _, _ in items:
            for span in (sa, sb):
                key = _KINDS[kind].search(span.text)
                values[key.group(1).rstrip(".")[:3].lower() if key else span.text].append(span)
        if len(values) < 2:
            continue
        built = [side(spans[0].text, spans, families) for spans in sorted(values.values(), key=lambda s: -len(s))]
        sentence = table.spans[items[0][3]].text
        out.append(
            Discrepancy(
                kind="date",
                subject="when: " + gist(sentence),
                description="The same fact is dated " + " and ".join(f"“{s.value}”" for s in built) + ".",
                severity=0.7 + support_bonus(built, len(families.groups)),
                sides=built,
                better_supported=better(built),
                nature="contradiction",
            )
        )
    return out


@discrepancy_finder("dates")
def _dates(story: StoryContext) -> list[Discrepancy]:
    return date_discrepancies(story.records, story.table, story.pairs, story.families)
