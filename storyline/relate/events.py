"""Where and when each article's event happened, and the `Story` record of a story profile.

The clusterer records, per article, its published day and the places its lede names
(`lede_places`); `to_story` picks each article's event place among them once the story is known
(`event_place`), so `Story.article_events` tells two meetings of one story apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime

from storyline.models import EnrichedArticle, Story
from storyline.relate.evidence import lede_end
from storyline.relate.profile import StoryProfile
from storyline.text import PLACE_LABELS

__all__ = ["event_place", "lede_places", "to_story"]

_LOCATIVE = re.compile(r"\b(?:in|at|near|outside)\s+(?:the\s+)?$", re.IGNORECASE)


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


def event_place(lede: dict[str, int], story_places: dict[str, float], idf: Callable[[str], float]) -> str | None:
    """Where the article's event happened: of the places its lede names, the one its story names
    most, weighted by rarity in the store ("Florida" over "Ukraine" for talks about Ukraine)."""
    if not lede:
        return None
    return max(lede, key=lambda p: (math.sqrt(story_places.get(p, 0.0)) * idf("P:" + p.lower()), lede[p], p))


def to_story(
    profile: StoryProfile,
    titles: dict[str, str | None],
    published: dict[str, datetime | None],
    idf: Callable[[str], float] = lambda _: 1.0,
) -> Story:
    """The `Story` record of a profile."""
    events = {
        a: {"place": event_place(e.get("lede_places") or {}, profile.places, idf), "day": e.get("day")}
        for a, e in profile.article_events.items()
    }
    dates = [published[a] for a in profile.article_ids if published.get(a)]
    places = sorted(profile.places, key=lambda p: -profile.places[p])
    return Story(
        id=profile.id,
        article_ids=list(profile.article_ids),
        title=next((titles[a] for a in profile.article_ids if titles.get(a)), None),
        first_seen=min(dates) if dates else None,  # type: ignore[type-var]
        last_seen=max(dates) if dates else None,  # type: ignore[type-var]
        linked_story_ids=list(profile.linked),
        places=places[:5],
        article_events=events,
    )
