"""What relate makes of the articles: a story, the articles about one event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict  # pydantic (records.py reads through it) needs this one before Python 3.12

from storyline.models.article import Span
from storyline.records import Record


@with_config(ConfigDict(extra="allow"))  # keys written by other versions (relate's "lede_places") are kept on reading
class ArticleEventJSON(TypedDict, total=False):
    """One article's entry in `Story.article_events`: the event its lead reports, as the relate
    stage read it (`storyline.lead_event`). Plain JSON, so it is stored as is; stores written
    before the spans were kept hold only ``place`` and ``day``."""

    place: str | None
    """Where the lead says the event happened, named as the article names it; None when it does not say."""
    place_span: dict[str, Any] | None
    """That place mention (`Span.as_dict`)."""
    date_span: dict[str, Any] | None
    """The day-resolved time expression of the same sentence (`TimeMention.as_dict`), if any."""
    day: str | None
    """The article's published day (ISO), if known."""
    text_id: str
    """The id of the text that was read (`storyline.lead_event.text_id`): an updated article keeps its id, not its text."""


@dataclass
class Story(Record):
    """A group of articles about one event."""

    id: str
    article_ids: list[str]
    title: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    linked_story_ids: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    """Places named in the members' ledes, most mentioned first: where the story happens."""
    article_events: dict[str, ArticleEventJSON] = field(default_factory=dict)
    """Per article, the event it reports (`storyline.lead_event`); tells apart meetings of one
    linked story family."""
    title_span: Span | None = None
    """Where ``title`` was taken from when it was made from an article's lead (the article had no
    headline); None when it is an article's own headline (`storyline.relate.titles`)."""
