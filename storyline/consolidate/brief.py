"""Build the `Brief` of one story: canonical entities, quote groups, claims with independent
support, discrepancies, a timeline and a cited extractive summary."""

from __future__ import annotations

from collections.abc import Sequence

from storyline.consolidate import components as _components  # noqa: F401  (registers the components)
from storyline.consolidate.context import StoryContext
from storyline.consolidate.entities import BRIEF_LABELS
from storyline.consolidate.registry import build_pipeline, component
from storyline.consolidate.summary import extractive_summary, main_event
from storyline.consolidate.timeline import build_timeline
from storyline.models import Brief, EnrichedArticle, Relation, Story
from storyline.settings import Settings

BRIEF_BUILDER_VERSION = "7"
"""Bumped whenever the brief builder changes what it outputs, so cached briefs are rebuilt."""

__all__ = ["BRIEF_BUILDER_VERSION", "BRIEF_LABELS", "build_brief", "extractive_summary"]


BRIEF_PIPELINE = (
    "canonical",
    "sentence_table",
    "families",
    "events",
    "claims",
    "quote_groups",
    "aligned_pairs",
    "figure_pairs",
    "facts",
    "articles",
    "entities",
    "summary",
    "quotes_section",
    "claims_section",
    "discrepancies",
    "exclusives",
    "timeline",
    "coverage",
    "story_links",
)
"""The components that build a brief, in order (`storyline.consolidate.registry`)."""


def build_brief(
    story: Story,
    records: Sequence[EnrichedArticle],
    settings: Settings,
    relations: Sequence[Relation] = (),
) -> Brief:
    """The brief of ``story`` from its members' enriched records (in story order)."""
    context = StoryContext.of(story, list(records), settings, list(relations))
    for step in build_pipeline(BRIEF_PIPELINE):
        step.func(context)
    return Brief(story_id=story.id, title=story.title, **context.sections)


@component("summary", requires=("table", "claims", "families", "events"), assigns=("brief.summary",))
def _summary(story: StoryContext) -> None:
    story.sections["summary"] = extractive_summary(
        story.table, story.claims, story.families, story.settings.summary_sentences, main_event(story.events),
        {r.article.id: r.article.title or "" for r in story.records},
    )


@component("timeline", requires=("claims", "events"), assigns=("brief.timeline",))
def _timeline(story: StoryContext) -> None:
    story.sections["timeline"] = build_timeline(story.records, story.claims, story.events)
