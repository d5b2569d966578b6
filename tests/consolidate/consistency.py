"""Checks every brief the suite builds must pass: one account, not sections that contradict each other.

- nothing listed as carried by one outlet alone is shown elsewhere as carried by two or more;
- every span a summary sentence or a claim cites shares an actor (a person, an organisation) with
  the sentence it backs, when both name one;
- the outlet line never credits articles of several outlets (or of none) to one outlet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from storyline.models import Brief, Span
from storyline.serve.render import brief_to_markdown, outlet_summary

SENTENCE_KINDS = {"number", "place", "date", "characterisation", "attribution"}
"""Discrepancy kinds whose sides are two articles' sentences stating one fact."""
QUOTE_KINDS = {"speaker", "quote_target"}


def _overlap(a: Span, b: Span) -> bool:
    return a.article_id == b.article_id and a.field == b.field and a.start < b.end and b.start < a.end


def _shared(brief: Brief, kind: str) -> Iterator[tuple[str, list[Span]]]:
    """Every entry of the brief shown as carried by the articles of its spans."""
    if kind == "statement":
        for c in brief.claims:
            yield f"claim {c.id}", c.spans
        for i, s in enumerate(brief.summary):
            yield f"summary sentence {i + 1}", [s.span, *s.supporting]
        for d in brief.discrepancies:
            if d.kind in SENTENCE_KINDS:
                yield f"discrepancy {d.subject}", [sp for side in d.sides for sp in side.spans]
    else:
        for g in brief.quote_groups:
            yield f"quote group {g.id}", [o.span for o in g.occurrences]
        for d in brief.discrepancies:
            if d.kind in QUOTE_KINDS:
                yield f"discrepancy {d.subject}", [sp for side in d.sides for sp in side.spans]


def exclusives_shown_as_shared(brief: Brief) -> list[str]:
    outlet = {a.id: a.outlet or f"article {a.id}" for a in brief.articles}
    problems = []
    for ex in brief.exclusives:
        for item in ex.items:
            for what, spans in _shared(brief, item.kind):
                outlets = {outlet.get(s.article_id, s.article_id) for s in spans}
                if len(outlets) > 1 and any(_overlap(item.span, s) for s in spans):
                    problems.append(f"{item.kind} “{item.span.text[:60]}” is only {ex.outlet}'s, but {what} shows it from {sorted(outlets)}")
    return problems


def _actors(brief: Brief) -> list[tuple[str, re.Pattern[str]]]:
    names: dict[str, re.Pattern[str]] = {}
    for e in brief.entities:
        if e.label not in ("PERSON", "ORG"):
            continue
        forms = {e.name, *e.variants}
        if e.label == "PERSON" and len(e.name.split()) > 1 and len(e.name.split()[-1]) >= 4:
            forms.add(e.name.split()[-1])
        names[e.name] = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")\b")
    return list(names.items())


def citations_without_the_actors(brief: Brief) -> list[str]:
    actors = _actors(brief)

    def named(span: Span) -> set[str]:
        return {name for name, pattern in actors if pattern.search(span.text)}

    problems = []
    cited = [(f"summary sentence {i + 1}", s.span, s.supporting) for i, s in enumerate(brief.summary)]
    cited += [(f"claim {c.id}", c.spans[0], c.spans[1:]) for c in brief.claims]
    for what, sentence, supporting in cited:
        own = named(sentence)
        for span in supporting:
            other = named(span)
            if own and other and not own & other:
                problems.append(f"{what} names {sorted(own)} but cites “{span.text[:60]}” naming {sorted(other)}")
    return problems


def outlets_misattributed(brief: Brief) -> list[str]:
    outlets = [a.outlet for a in brief.articles]
    line = outlet_summary(outlets)
    n = len(outlets)
    if len(set(outlets)) > 1 and re.match(rf"{n} articles? from (?!\d+ outlets?:)", line):
        return [f"“{line}” credits articles of several outlets to one"]
    if line not in brief_to_markdown(brief).replace("\\", ""):
        return [f"the Markdown export does not give the outlet line “{line}”"]
    return []


def consistency_problems(brief: Brief) -> list[str]:
    return [*exclusives_shown_as_shared(brief), *citations_without_the_actors(brief), *outlets_misattributed(brief)]
