"""`StoryContext`: everything known about one story while its brief is built.

The registered components (`storyline.consolidate.registry`) fill it in pipeline order: the
canonical entities, the sentence table, rewrite families, each article's event, claims, quote
groups, aligned sentence pairs, and the sections of the `Brief` (``sections``, by field name).
A field is set by the component that ``assigns`` it; the pipeline check guarantees it is set
before any component that ``requires`` it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import Families
from storyline.consolidate.discrepancies.alignment import AlignedPair
from storyline.consolidate.entities import Canonical
from storyline.consolidate.events import ArticleEvent
from storyline.consolidate.facts import StoryFacts
from storyline.models import Claim, EnrichedArticle, QuoteGroup, Relation, Story
from storyline.settings import Settings


@dataclass
class StoryContext:
    story: Story
    records: list[EnrichedArticle]
    """The story's members, in story order."""
    settings: Settings
    relations: list[Relation]
    """Relate's relations between members of the story."""
    canonical: Canonical = field(init=False)
    table: SentenceTable = field(init=False)
    families: Families = field(init=False)
    events: dict[str, ArticleEvent] = field(init=False)
    """Each article's main event (articles whose lead names a place)."""
    claims: list[Claim] = field(init=False)
    quotes: list[QuoteGroup] = field(init=False)
    pairs: list[AlignedPair] = field(init=False)
    """Sentences of two reports of one event stating the same fact."""
    figure_pairs: list[AlignedPair] = field(init=False)
    """Further sentence pairs giving a figure of the same thing (compared by the number finder)."""
    facts: StoryFacts = field(init=False)
    """Every statement and quote with the articles that carry it: what every section reads."""
    sections: dict[str, Any] = field(default_factory=dict)
    """The `Brief`'s fields, by name, as the section components make them."""

    @classmethod
    def of(cls, story: Story, records: list[EnrichedArticle], settings: Settings, relations: list[Relation]) -> StoryContext:
        """The context of ``story``: its members among ``records`` and the relations between them."""
        by_id = {r.article.id: r for r in records}
        members = [by_id[aid] for aid in story.article_ids if aid in by_id]
        inside = {r.article.id for r in members}
        inner = [r for r in relations if r.article_id in inside and r.other_id in inside]
        return cls(story=story, records=members, settings=settings, relations=inner)

    @property
    def article_ids(self) -> list[str]:
        return [r.article.id for r in self.records]

    @property
    def event_of(self) -> dict[str, str]:
        """Article id -> the place of the event it mainly reports."""
        return {aid: ev.place for aid, ev in self.events.items()}
