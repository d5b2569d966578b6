"""The places of an article's lede, and the `Story` record of a story profile.

The clusterer records, per article, its published day, the places its lede names (`lede_places`:
where the story happens, `Story.places`) and the event its lead reports (`storyline.lead_event`,
read once here and kept in `Story.article_events` for the consolidate stage).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from storyline.models import ArticleEventJSON, EnrichedArticle, Span, Story
from storyline.relate.evidence import lede_end
from storyline.relate.profile import StoryProfile
from storyline.text import PLACE_LABELS

__all__ = ["lede_places", "to_story"]

_LOCATIVE = re.compile(r"\b(?:in|at|near|outside)\s+(?:the\s+)?$", re.IGNORECASE)
_STORY_EVENT_KEYS = ("place", "place_span", "date_span", "day", "text_id")
"""What `Story.article_events` keeps of a profile's article event (``lede_places`` is the clusterer's)."""


def lede_places(record: EnrichedArticle) -> dict[str, int]:
    """Places named in the lede (title and first sentences), where a report says where it happened."""
    end = lede_end(record)
    text = record.article.text
    counts: dict[str, int] = {}
    located: dict[str, int] = {}
    for mention in record.entities:
        if mention.label in PLACE_LABELS and mention.span.start < end:
            counts[mention.name] = counts.get(mention.name, 0) + 1
            # "talks in Geneva", "met at the Shell Bay Club": where it happened, not who took part.
            if _LOCATIVE.search(text[max(0, mention.span.start - 12) : mention.span.start]):
                located[mention.name] = located.get(mention.name, 0) + 1
    return located or counts


def _story_event(profile_event: Mapping[str, Any]) -> ArticleEventJSON:
    """An article's `Story.article_events` entry from its profile's; profiles saved before the
    lead's event was kept give only ``place`` (None) and ``day``, and readers read the lead again."""
    return cast(ArticleEventJSON, {key: profile_event[key] for key in _STORY_EVENT_KEYS if key in profile_event})


def to_story(
    profile: StoryProfile,
    titles: dict[str, str | None],
    published: dict[str, datetime | None],
    chosen: tuple[str | None, Span | None] = (None, None),
) -> Story:
    """The `Story` record of a profile; its title is ``chosen`` (`storyline.relate.titles.story_title`)
    when there is one, else its first member's headline."""
    title, title_span = chosen if chosen[0] else (next((titles[a] for a in profile.article_ids if titles.get(a)), None), None)
    dates = [published[a] for a in profile.article_ids if published.get(a)]
    places = sorted(profile.places, key=lambda p: -profile.places[p])
    return Story(
        id=profile.id,
        article_ids=list(profile.article_ids),
        title=title,
        title_span=title_span,
        first_seen=min(dates) if dates else None,  # type: ignore[type-var]
        last_seen=max(dates) if dates else None,  # type: ignore[type-var]
        linked_story_ids=list(profile.linked),
        places=places[:5],
        article_events={a: _story_event(e) for a, e in profile.article_events.items()},
    )
