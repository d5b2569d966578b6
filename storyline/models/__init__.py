"""Typed records that flow between the pipeline stages.

    ingest      -> Article
    enrich      -> EnrichedArticle   (Article + sentences, entities, quotes, times, numbers, embedding)
    relate      -> Story, Relation   (which articles belong together, who copied whom)
    consolidate -> Brief             (the consolidated, source-attributed account of one story)

Every statement Storyline outputs points back to the stored text through a `Span`
(article id, start, end): ``article.text[span.start:span.end] == span.text`` (or the article's title,
for a span whose ``field`` is ``"title"``).
Records are plain dataclasses with ``as_dict``/``from_dict`` so they travel as JSON
(store, export, API, Dask workers) without losing type information.
"""

from storyline.models.article import (
    Article,
    EnrichedArticle,
    EntityMention,
    NumberMention,
    Quote,
    Relation,
    RemovedFragment,
    Span,
    TimeMention,
)
from storyline.models.brief import (
    ArticleRef,
    Brief,
    BriefEntity,
    Claim,
    Discrepancy,
    DiscrepancySide,
    EntityRole,
    EventCoverage,
    ExclusiveItem,
    OutletExclusives,
    QuoteGroup,
    QuoteOccurrence,
    SummarySentence,
    TimelineEvent,
)
from storyline.models.story import ArticleEventJSON, Story

__all__ = [
    "Article", "ArticleEventJSON", "ArticleRef", "Brief", "BriefEntity", "Claim", "Discrepancy",
    "DiscrepancySide", "EntityRole", "EventCoverage", "ExclusiveItem", "OutletExclusives", "QuoteGroup",
    "QuoteOccurrence", "TimelineEvent", "EnrichedArticle", "EntityMention", "NumberMention", "Quote",
    "Relation", "RemovedFragment", "Span", "Story", "SummarySentence", "TimeMention",
]
