"""The story model every brief section reads, and the sections drawn straight from it, as
registered components (`storyline.consolidate.registry`)."""

from __future__ import annotations

from storyline.consolidate.claims import build_claims, estimated_rewrite_pairs, sentence_table
from storyline.consolidate.common import Families
from storyline.consolidate.context import StoryContext
from storyline.consolidate.discrepancies import aligned_pairs, find_discrepancies
from storyline.consolidate.discrepancies.numbers import figure_pairs
from storyline.consolidate.entities import PLACE_LABELS, canonical_entities, top_entities
from storyline.consolidate.events import article_events, coverage
from storyline.consolidate.facts import StoryFacts
from storyline.consolidate.quotes import quote_groups
from storyline.consolidate.registry import component
from storyline.models import ArticleRef, Relation


@component("canonical", assigns=("canonical",))
def _canonical(story: StoryContext) -> None:
    story.canonical = canonical_entities(story.records)


@component("sentence_table", requires=("canonical",), assigns=("table",))
def _sentence_table(story: StoryContext) -> None:
    story.table = sentence_table(story.records, story.canonical)


@component("families", requires=("table",), assigns=("families",))
def _families(story: StoryContext) -> None:
    relations = list(story.relations)
    if not relations:
        # No relate output for this story: estimate rewrites so copies are not counted as confirmation.
        relations = [Relation(a, b, "derivation", 0.0) for a, b in estimated_rewrite_pairs(story.table, story.article_ids)]
    story.families = Families(story.article_ids, relations)


@component("events", requires=("canonical",), assigns=("events",))
def _events(story: StoryContext) -> None:
    story.events = article_events(story.story, story.records, story.canonical)


@component("claims", requires=("table", "families", "events"), assigns=("claims",))
def _claims(story: StoryContext) -> None:
    places = frozenset(e.name for e in story.canonical.entities if e.label in PLACE_LABELS)
    story.claims = build_claims(story.table, story.families, story.relations, places, story.event_of)


@component("quote_groups", requires=("canonical", "families", "events"), assigns=("quotes",))
def _quote_groups(story: StoryContext) -> None:
    story.quotes = quote_groups(story.records, story.canonical, story.families, story.event_of)


@component("aligned_pairs", requires=("table", "events"), assigns=("pairs",))
def _aligned_pairs(story: StoryContext) -> None:
    story.pairs = aligned_pairs(story.table, story.relations, story.event_of)


@component("figure_pairs", requires=("table", "pairs"), assigns=("figure_pairs",))
def _figure_pairs(story: StoryContext) -> None:
    story.figure_pairs = figure_pairs(story.records, story.table, story.pairs)


@component("facts", requires=("table", "claims", "quotes", "pairs", "figure_pairs", "events", "canonical"), assigns=("facts",))
def _facts(story: StoryContext) -> None:
    story.facts = StoryFacts(
        [r.article for r in story.records],
        story.table,
        story.claims,
        story.quotes,
        [*story.pairs, *story.figure_pairs],
        story.events,
        story.canonical.label_of,
    )


@component("exclusives", requires=("facts",), assigns=("brief.exclusives",))
def _exclusives(story: StoryContext) -> None:
    story.sections["exclusives"] = story.facts.exclusives()


@component("articles", assigns=("brief.articles",))
def _articles(story: StoryContext) -> None:
    story.sections["articles"] = [
        ArticleRef(id=r.article.id, title=r.article.title, url=r.article.url, outlet=r.article.outlet, published=r.article.published)
        for r in story.records
    ]


@component("entities", requires=("canonical",), assigns=("brief.entities",))
def _entities(story: StoryContext) -> None:
    story.sections["entities"] = top_entities(story.canonical.entities, story.settings.top_entities)


@component("quotes_section", requires=("quotes",), assigns=("brief.quote_groups",))
def _quotes_section(story: StoryContext) -> None:
    story.sections["quote_groups"] = story.quotes


@component("claims_section", requires=("claims",), assigns=("brief.claims",))
def _claims_section(story: StoryContext) -> None:
    story.sections["claims"] = story.claims


@component(
    "discrepancies",
    requires=("records", "table", "canonical", "families", "claims", "quotes", "events", "pairs", "figure_pairs", "facts"),
    assigns=("brief.discrepancies",),
)
def _discrepancies(story: StoryContext) -> None:
    story.sections["discrepancies"] = find_discrepancies(story)


@component("coverage", requires=("events",), assigns=("brief.events",))
def _coverage(story: StoryContext) -> None:
    story.sections["events"] = coverage(story.records, story.events)


@component("story_links", requires=("families",), assigns=("brief.relations", "brief.families", "brief.linked_story_ids"))
def _story_links(story: StoryContext) -> None:
    story.sections["relations"] = list(story.relations)
    story.sections["families"] = story.families.groups
    story.sections["linked_story_ids"] = list(story.story.linked_story_ids)
