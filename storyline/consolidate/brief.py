"""Build the `Brief` of one story: canonical entities, quote groups, claims with independent
support, discrepancies, a timeline and a cited extractive summary."""

from __future__ import annotations

from collections.abc import Sequence

from storyline.consolidate.claims import (
    build_claims,
    estimated_rewrite_pairs,
    sentence_table,
)
from storyline.consolidate.common import Families
from storyline.consolidate.discrepancies import find_discrepancies
from storyline.consolidate.entities import (
    BRIEF_LABELS,
    PLACE_LABELS,
    canonical_entities,
    top_entities,
)
from storyline.consolidate.events import article_events, coverage
from storyline.consolidate.quotes import quote_groups
from storyline.consolidate.summary import extractive_summary, main_event
from storyline.consolidate.timeline import build_timeline
from storyline.models import ArticleRef, Brief, EnrichedArticle, Relation, Story
from storyline.settings import Settings

BRIEF_BUILDER_VERSION = "5"
"""Bumped whenever the brief builder changes what it outputs, so cached briefs are rebuilt."""

__all__ = ["BRIEF_BUILDER_VERSION", "BRIEF_LABELS", "build_brief", "extractive_summary"]


def build_brief(
    story: Story,
    records: Sequence[EnrichedArticle],
    settings: Settings,
    relations: Sequence[Relation] = (),
) -> Brief:
    """The brief of ``story`` from its members' enriched records (in story order)."""
    by_id = {r.article.id: r for r in records}
    members = [by_id[aid] for aid in story.article_ids if aid in by_id]
    member_ids = [r.article.id for r in members]
    inside = set(member_ids)
    relations = [r for r in relations if r.article_id in inside and r.other_id in inside]

    canonical = canonical_entities(members)
    table = sentence_table(members, canonical)
    family_relations = list(relations)
    if not relations:
        # No relate output for this story: estimate rewrites so copies are not counted as confirmation.
        family_relations = [Relation(a, b, "derivation", 0.0) for a, b in estimated_rewrite_pairs(table, member_ids)]
    families = Families(member_ids, family_relations)

    places = frozenset(e.name for e in canonical.entities if e.label in PLACE_LABELS)
    events = article_events(story, members, canonical)
    claims = build_claims(table, families, relations, places, {aid: ev.place for aid, ev in events.items()})
    quotes = quote_groups(members, canonical, families)
    discrepancies = find_discrepancies(members, table, canonical, families, claims, quotes, events, relations)
    return Brief(
        story_id=story.id,
        title=story.title,
        articles=[
            ArticleRef(id=r.article.id, title=r.article.title, url=r.article.url, outlet=r.article.outlet, published=r.article.published)
            for r in members
        ],
        entities=top_entities(canonical.entities, settings.top_entities),
        summary=extractive_summary(table, claims, families, settings.summary_sentences, main_event(events), {r.article.id: r.article.title or "" for r in members}),
        quote_groups=quotes,
        claims=claims,
        discrepancies=discrepancies,
        timeline=build_timeline(members, claims, events),
        relations=list(relations),
        events=coverage(members, events),
        families=families.groups,
        linked_story_ids=list(story.linked_story_ids),
    )
