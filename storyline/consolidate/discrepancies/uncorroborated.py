"""What only one source reports: its quotes and its statements of fact that no other source carries.

Uncorroborated is not contradicted: these items are flagged so a reader weighs them, and an
article none of whose statements another source carries (a generic rewrite, an opinion piece)
is said to be so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections.abc import Sequence

from storyline.consolidate.common import Families
from storyline.consolidate.discrepancies.sides import side
from storyline.models import Claim, Discrepancy, EnrichedArticle, QuoteGroup, Span
from storyline.consolidate.registry import discrepancy_finder

if TYPE_CHECKING:
    from storyline.consolidate.context import StoryContext

NAMED = ("PERSON", "ORG", "GPE", "NORP", "FAC", "EVENT")


def uncorroborated(
    records: Sequence[EnrichedArticle], claims: Sequence[Claim], groups: Sequence[QuoteGroup], label_of: dict[str, str], families: Families
) -> list[Discrepancy]:
    """Per rewrite family: the attributed quotes no other independent source carries, and its
    statements that name someone or give a figure no other source names or gives."""
    article = {r.article.id: r.article for r in records}
    out = []
    for family in families.groups:
        members = set(family)
        quotes: list[Span] = [
            o.span
            for g in groups
            if g.speaker and set(g.article_ids) <= members
            for o in g.occurrences
        ]
        quoted = {(s.article_id, s.start) for s in quotes}
        own = [c for c in claims if set(c.article_ids) <= members]
        shared = [c for c in claims if set(c.article_ids) & members and not set(c.article_ids) <= members]
        elsewhere_names = {e for c in claims if not set(c.article_ids) <= members for e in c.entities}
        elsewhere_figures = {n.text for c in claims if not set(c.article_ids) <= members for n in c.numbers}
        statements = [
            c.spans[0]
            for c in own
            if (
                any(n.text not in elsewhere_figures for n in c.numbers)
                or any(label_of.get(e) in NAMED and e not in elsewhere_names for e in c.entities)
            )
            and not any(s.article_id == q[0] and s.start <= q[1] < s.end for s in c.spans for q in quoted)
        ]
        first = article[family[0]]
        who = first.outlet or (f"“{first.title}”" if first.title else "an untitled article")
        alone = not shared and own
        for kind_of, spans in (("quotes", quotes), ("statements", statements)):
            if not spans:
                continue
            what = kind_of if len(spans) > 1 else kind_of[:-1]
            built = [side(f"{len(spans)} {what}", spans, families)]
            note = " None of its statements is carried by another source." if alone else ""
            out.append(
                Discrepancy(
                    kind="uncorroborated",
                    subject=f"{kind_of} only {who} carries",
                    description=f"Only {who} reports {'these' if len(spans) > 1 else 'this'} {len(spans)} {what}; no other source carries {'them' if len(spans) > 1 else 'it'}.{note}",
                    severity=(0.4 if alone else 0.25) + (0.05 if kind_of == "quotes" else 0.0),
                    sides=built,
                    better_supported=None,
                    nature="uncorroborated",
                )
            )
    return out


@discrepancy_finder("uncorroborated")
def _uncorroborated(story: StoryContext) -> list[Discrepancy]:
    return uncorroborated(story.records, story.claims, story.quotes, story.canonical.label_of, story.families)
