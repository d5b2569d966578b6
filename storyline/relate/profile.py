"""`StoryProfile`: what the clusterer keeps of one story, and `Profiles`, the ones in use.

A profile is the clusterer's working state of a story (members, days, lede places, links, the
member sample it scores new articles against); the `storyline.models.Story` record is made
from it (`storyline.relate.events.to_story`). Story ids derive from the story's first article
(`story_id_for`); when two stories merge, the one left over keeps its profile as an alias
(``merged_into``), so an old id still leads to its story.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from storyline.relate.evidence import Evidence
from storyline.relate.state import RelateState, StoryProfileJSON

__all__ = ["MAX_MEMBER_SAMPLE", "Profiles", "StoryProfile", "story_id_for"]

MAX_MEMBER_SAMPLE = 8
"""Members a new article is compared with, per candidate story (average linkage over a sample)."""
MAX_CACHED_PROFILES = 2048
"""Story profiles kept in memory between flushes (least recently used go first); the rest are
read back from the store when an article reaches them."""


def story_id_for(first_article_id: str) -> str:
    """Stories are named after their first article, so ids stay stable as articles arrive."""
    return "s" + first_article_id[:11]


@dataclass
class StoryProfile:
    """What the clusterer keeps of one story (persisted by the `RelateState`)."""

    id: str
    article_ids: list[str] = field(default_factory=list)
    first_day: date | None = None
    last_day: date | None = None
    linked: list[str] = field(default_factory=list)
    places: dict[str, float] = field(default_factory=dict)
    """Place entities of the members' ledes (title + first sentences): where the event happened."""
    article_events: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per article: ``day`` (ISO) and ``lede_places`` for the clusterer, and the event its lead
    reports (`storyline.lead_event`) for the `Story` record (`storyline.relate.events.to_story`)."""
    members: dict[str, Evidence] = field(default_factory=dict)
    """The member sample: `Evidence` of the first members and the latest (at most `MAX_MEMBER_SAMPLE`)."""
    merged_into: str | None = None
    """Set when this story was merged into another: its id is then an alias of that story's."""
    apart: list[str] = field(default_factory=list)
    """Stories a regroup told apart from this one: a sampled linkage does not merge them back."""
    founders: list[str] = field(default_factory=list)
    """The members the story had when it was first published (empty until then): the event its id names."""
    absorbed: list[str] = field(default_factory=list)
    """Ids merged into this story (directly or through one merged before): a regroup that finds
    one's founders apart again gives its id back to them."""
    born: int = -1
    """Articles related before this story was started (its age, for a merge); -1 in older stores."""
    headline: dict[str, Any] = field(default_factory=dict)
    """The title last chosen (`storyline.relate.titles.story_title`): ``of`` (the candidates it
    was chosen among), ``title`` and ``span`` (a `Span` dict when made from a lead)."""

    def age(self, arrival: Callable[[str, int], int]) -> int:
        """When the story started, in articles related before it: `born`, or for a profile saved
        before `born` was kept, its earliest member's arrival (``arrival(article_id, default)``)."""
        if self.born >= 0:
            return self.born
        return min((arrival(a, 1 << 62) for a in self.founders or self.article_ids), default=1 << 62)

    def remember(self, article_id: str, ev: Evidence) -> None:
        """Keep ``ev`` in the member sample: the first half stays, the latest fill the rest."""
        self.members[article_id] = ev
        if len(self.members) > MAX_MEMBER_SAMPLE:
            keys = list(self.members)
            del self.members[keys[MAX_MEMBER_SAMPLE // 2]]

    def absorb(self, other: StoryProfile) -> None:
        """Take ``other``'s articles, places, days, links and member sample."""
        self.article_ids.extend(a for a in other.article_ids if a not in self.article_ids)
        for place, count in other.places.items():
            self.places[place] = self.places.get(place, 0.0) + count
        days = [d for d in (self.first_day, self.last_day, other.first_day, other.last_day) if d]
        if days:
            self.first_day, self.last_day = min(days), max(days)
        self.article_events.update(other.article_events)
        for sid in other.linked:
            if sid not in self.linked and sid != self.id:
                self.linked.append(sid)
        if other.id in self.linked:
            self.linked.remove(other.id)
        for article_id, ev in other.members.items():
            self.remember(article_id, ev)
        self.apart = [sid for sid in dict.fromkeys(self.apart + other.apart) if sid != self.id]
        other.article_ids, other.places, other.members, other.article_events = [], {}, {}, {}
        other.linked, other.merged_into = [], self.id
        self.absorbed = [sid for sid in dict.fromkeys([*self.absorbed, other.id, *other.absorbed]) if sid != self.id]
        other.absorbed = []

    def add(self, article_id: str, day: date | None, lede_places: Mapping[str, int]) -> None:
        self.article_ids.append(article_id)
        for place, count in lede_places.items():
            self.places[place] = self.places.get(place, 0.0) + count
        if day:
            self.first_day = min(self.first_day or day, day)
            self.last_day = max(self.last_day or day, day)

    def empty(self) -> None:
        """Forget every member (before a regroup refills the profile, or leaves it as an alias)."""
        self.article_ids, self.places, self.members, self.article_events = [], {}, {}, {}

    def admits(self, day: date | None, window: timedelta) -> bool:
        if day is None or self.first_day is None or self.last_day is None:
            return True
        # Differences, not ``first_day - window``: a story dated in year 1 (or 9999) would overflow.
        return self.first_day - day <= window and day - self.last_day <= window

    def as_json(self) -> StoryProfileJSON:
        data = dict(self.__dict__)
        data["first_day"] = self.first_day.isoformat() if self.first_day else None
        data["last_day"] = self.last_day.isoformat() if self.last_day else None
        data["members"] = {a: ev.as_json() for a, ev in self.members.items()}
        return data

    @classmethod
    def from_json(cls, data: StoryProfileJSON) -> StoryProfile:
        data = dict(data)
        data.pop("terms", None)  # word totals that older stores kept and nothing read
        for key in ("first_day", "last_day"):
            data[key] = date.fromisoformat(data[key]) if data.get(key) else None
        data["members"] = {a: Evidence.from_json(ev) for a, ev in (data.get("members") or {}).items()}
        return cls(**data)


class Profiles:
    """The story profiles in use: read from the state once, written back by `flush`."""

    def __init__(self, state: RelateState) -> None:
        self.state = state
        self._cache: OrderedDict[str, StoryProfile] = OrderedDict()
        self._changed: set[str] = set()

    def get(self, story_id: str) -> StoryProfile | None:
        """The story's profile; a merged story's id leads to the story it was merged into."""
        for _ in range(64):
            if story_id not in self._cache:
                data = self.state.get_story_profile(story_id)
                if data is None:
                    return None
                self._cache[story_id] = StoryProfile.from_json(data)
            else:
                self._cache.move_to_end(story_id)
            found = self._cache[story_id]
            if found.merged_into is None:
                return found
            story_id = found.merged_into
        return None

    def __getitem__(self, story_id: str) -> StoryProfile:
        """The profile kept under ``story_id`` itself (no alias followed); it must be in use."""
        return self._cache[story_id]

    def put(self, profile: StoryProfile) -> None:
        """Use ``profile`` (a new story, or a regroup's part) under its id."""
        self._cache[profile.id] = profile

    def changed(self, *story_ids: str) -> None:
        """Mark profiles to be written back on the next `flush`."""
        self._changed.update(story_ids)

    def own(self, story_id: str) -> StoryProfile | None:
        """The profile kept under ``story_id`` itself, an alias's included (no alias followed)."""
        if story_id not in self._cache:
            data = self.state.get_story_profile(story_id)
            if data is None:
                return None
            self._cache[story_id] = StoryProfile.from_json(data)
        return self._cache[story_id]

    def known(self, story_id: str) -> bool:
        """Has ``story_id`` ever named a story (alive, emptied or an alias)?"""
        return story_id in self._cache or self.state.get_story_profile(story_id) is not None

    def flush(self) -> None:
        """Write the changed profiles back to the state: a story written for the first time is
        published now, and its members become its founders."""
        for story_id in sorted(self._changed):
            profile = self._cache[story_id]
            if not profile.founders and profile.merged_into is None:
                profile.founders = list(profile.article_ids)
            self.state.save_story_profile(story_id, profile.as_json())
        self._changed.clear()
        # Least recently used profiles go once they are saved: memory stays flat as stories accrue.
        while len(self._cache) > MAX_CACHED_PROFILES:
            self._cache.popitem(last=False)
