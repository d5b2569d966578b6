"""Storyline: many outlets' articles in, one consolidated, source-attributed account per story out.

The names below load on first use (PEP 562), so ``storyline`` on the command line can catch a
Ctrl+C that comes while spaCy and scikit-learn are still loading (see `storyline.__main__.main`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "IngestReport": "storyline.api",
    "Storyline": "storyline.api",
    "InputError": "storyline.errors",
    "NotFound": "storyline.errors",
    "StoreError": "storyline.errors",
    "StorylineError": "storyline.errors",
    "Settings": "storyline.settings",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES or name in __all__:
        value = getattr(importlib.import_module(_HOMES.get(name, "storyline.models")), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")


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
