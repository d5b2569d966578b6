"""The facts of a story, built once: every statement and quote with the articles that carry it.

A sentence is carried by its own article, by the articles whose sentences make the same claim
(`claims`), and by those whose sentences state the same fact in other words (the aligned pairs
every discrepancy finder compares: "122 strike drones" and "over 120 strike drones" are one fact,
told two ways). A quote is carried by the articles of its quote group and by any article whose
text holds the same words. Every section that says who carries something reads these sets, so
nothing is "only one outlet" in one section and "two outlets" in another.

What only one outlet carries is weighed against the articles that could have carried it: the
other articles reporting the same event (a Geneva meeting's quotes are not missing from the
reports of a Florida meeting a week later).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.consolidate.claims import SentenceTable, is_claim
from storyline.consolidate.common import normalize
from storyline.consolidate.discrepancies.alignment import AlignedPair
from storyline.consolidate.events import ArticleEvent
from storyline.models import Article, Claim, ExclusiveItem, OutletExclusives, QuoteGroup, Span

NAMED = ("PERSON", "ORG", "GPE", "NORP", "FAC", "EVENT")
"""Entity labels that make a statement worth listing: it says something of someone or somewhere."""
QUOTE_BONUS = 0.2
"""Importance a quote of ``FULL_QUOTE_WORDS`` words or more gets over its sentence (a one-word quote: minus half)."""
FULL_QUOTE_WORDS = 8
MIN_CARRIED_QUOTE_WORDS = 2
"""A quote of at least this many words found verbatim in another article is carried by it."""


def source_label(article: Article) -> str:
    """An article's outlet as its own metadata names it, else its title in quotes."""
    if article.outlet:
        return article.outlet
    return f"“{article.title}”" if article.title else f"untitled article {article.id}"


@dataclass(frozen=True)
class Fact:
    """One statement (a sentence) or one quote, with every article that carries it."""

    kind: str
    """``statement`` or ``quote``."""
    span: Span
    row: int
    """The sentence table row of the statement, or of the sentence holding the quote."""
    carriers: frozenset[str]


class StoryFacts:
    """Every fact of the story and who carries it; built once per brief, read by every section."""

    def __init__(
        self,
        articles: Sequence[Article],
        table: SentenceTable,
        claims: Sequence[Claim],
        quotes: Sequence[QuoteGroup],
        pairs: Sequence[AlignedPair],
        events: dict[str, ArticleEvent],
        label_of: dict[str, str],
    ) -> None:
        self.order = {a.id: i for i, a in enumerate(articles)}
        self.label = {a.id: source_label(a) for a in articles}
        self.table = table
        self.rows_of: dict[str, list[int]] = defaultdict(list)
        for i, sentence in enumerate(table.spans):
            self.rows_of[sentence.article_id].append(i)
        row_of = {(s.article_id, s.start, s.end): i for i, s in enumerate(table.spans)}
        carried: list[set[str]] = [{s.article_id} for s in table.spans]
        for claim in claims:
            for span in claim.spans:
                carried[row_of[(span.article_id, span.start, span.end)]].update(claim.article_ids)
        for pair in pairs:
            carried[pair.left].add(table.spans[pair.right].article_id)
            carried[pair.right].add(table.spans[pair.left].article_id)
        self.row_carriers = [frozenset(c) for c in carried]
        self.peers = _peers(list(self.order), events)

        texts = {a.id: f" {normalize(a.text)} " for a in articles}
        self.facts: list[Fact] = []
        quoted_rows: set[int] = set()
        for group in quotes:
            if not group.speaker:
                continue  # an unattributed passage is no one's quote
            for occ in group.occurrences:
                row = self._row(occ.span)
                if row is None:
                    continue
                quoted_rows.add(row)
                norm = normalize(occ.span.text)
                holders = set(group.article_ids)
                if len(norm.split()) >= MIN_CARRIED_QUOTE_WORDS:
                    holders |= {aid for aid, text in texts.items() if f" {norm} " in text}
                self.facts.append(Fact("quote", occ.span, row, frozenset(holders)))
        for row, span in enumerate(table.spans):
            informative = table.numbers[row] or any(label_of.get(e) in NAMED for e in table.entities[row])
            if is_claim(span) and informative and row not in quoted_rows:
                self.facts.append(Fact("statement", span, row, self.row_carriers[row]))

    def _row(self, span: Span) -> int | None:
        """The sentence table row holding ``span``."""
        for row in self.rows_of.get(span.article_id, ()):
            sent = self.table.spans[row]
            if sent.start <= span.start < sent.end:
                return row
        return None

    def outlets(self, article_ids: frozenset[str] | set[str]) -> set[str]:
        return {self.label[a] for a in article_ids}

    def exclusive(self, fact: Fact) -> bool:
        """Only one outlet carries ``fact``, and another outlet reporting the same event could have."""
        own = self.label[fact.span.article_id]
        could = {self.label[p] for p in self.peers[fact.span.article_id]} - {own}
        return self.outlets(fact.carriers) == {own} and bool(could)

    def exclusives(self) -> list[OutletExclusives]:
        """Per outlet, its exclusive statements and quotes, most important first."""
        importance = self._importance()
        by_outlet: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.facts:
            if self.exclusive(fact):
                by_outlet[self.label[fact.span.article_id]].append(fact)
        def weight(fact: Fact) -> float:
            if fact.kind == "statement":
                return importance[fact.row]
            # A whole quoted sentence says more than a quoted word ("delicate").
            return importance[fact.row] + QUOTE_BONUS * min(1.0, len(fact.span.text.split()) / FULL_QUOTE_WORDS) - QUOTE_BONUS / 2

        out = []
        for outlet, facts in by_outlet.items():
            facts.sort(key=lambda f: (-weight(f), self.order[f.span.article_id], f.span.start))
            items = [ExclusiveItem(kind=f.kind, span=f.span, importance=round(weight(f), 3)) for f in facts]
            out.append(
                OutletExclusives(
                    outlet=outlet,
                    article_ids=sorted({f.span.article_id for f in facts}, key=self.order.__getitem__),
                    statements=sum(f.kind == "statement" for f in facts),
                    quotes=sum(f.kind == "quote" for f in facts),
                    items=items,
                )
            )
        out.sort(key=lambda o: (-len(o.items), self.order[o.article_ids[0]]))
        return out

    def _importance(self) -> list[float]:
        """How central each sentence is: closeness to the story's centroid, a figure, an early place."""
        table = self.table
        if not len(table.spans):
            return []
        centroid = table.vectors.mean(axis=0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        relevance = table.vectors @ centroid
        counts: dict[str, int] = defaultdict(int)
        position = []
        for span in table.spans:
            position.append(counts[span.article_id])
            counts[span.article_id] += 1
        return [
            float(relevance[row]) + (0.25 if table.numbers[row] else 0.0) + 0.25 * (1 - position[row] / counts[span.article_id])
            for row, span in enumerate(table.spans)
        ]


def _peers(article_ids: list[str], events: dict[str, ArticleEvent]) -> dict[str, set[str]]:
    """The articles that could report what each article reports: those whose lead names the same
    event place; for an article whose lead names none, every other article."""
    out = {}
    for aid in article_ids:
        place = events[aid].place if aid in events else None
        out[aid] = {o for o in article_ids if o != aid and (place is None or (o in events and events[o].place == place))}
    return out
