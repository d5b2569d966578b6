"""Storyline: many outlets' articles in, one consolidated, source-attributed account per story out."""

from storyline.api import IngestReport, Storyline
from storyline.errors import InputError, NotFound, StoreError, StorylineError
from storyline.models import (
    Article,
    ArticleRef,
    Brief,
    BriefEntity,
    EnrichedArticle,
    EntityMention,
    NumberMention,
    Quote,
    Relation,
    RemovedFragment,
    Span,
    Story,
    SummarySentence,
    TimeMention,
)
from storyline.settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleRef",
    "Brief",
    "BriefEntity",
    "EnrichedArticle",
    "EntityMention",
    "IngestReport",
    "InputError",
    "NotFound",
    "NumberMention",
    "Quote",
    "Relation",
    "RemovedFragment",
    "Settings",
    "Span",
    "StoreError",
    "Story",
    "Storyline",
    "StorylineError",
    "SummarySentence",
    "TimeMention",
]
