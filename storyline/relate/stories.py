"""Streaming story clustering: each new article joins an existing story or starts one, then its
neighbourhood of stories is regrouped.

An article is compared with the stories of its nearest stored articles (a faiss HNSW index over
the article vectors, at most `MAX_CANDIDATE_STORIES` of them, so the cost per article stays flat
as the store grows). The score of a story is the average, over a sample of its members (at most
`MAX_MEMBER_SAMPLE`), of the learnt probability that the article and the member report the same
event (`storyline.relate.pairs`: words, lede, people, places, numbers, dates): average
linkage, not a centroid, so two look-alike events of one kind are not pulled together. The
article joins the best story when that score clears ``Settings.story_similarity_threshold``
and the story's time window (``Settings.story_window_days``) admits the article's day; articles
without a day are admitted anywhere. Then the story it joined is merged with any candidate story
whose members it now matches at the same threshold: this repairs a story split in two because
its first articles arrived before the ones that bridge them. Candidate stories above the link
threshold that it does not join become linked stories: related events, such as the same talks a
week earlier elsewhere.

A stream decides on what it has seen: the first reports of two look-alike events ("Saints place
Reggie Bush on injured reserve", and two years later "Saints place Pierre Thomas on injured
reserve") may share a story, because in absolute terms every such pair looks likely. So after
each article, its story and the stories linked to it (at most `MAX_REGROUP_ARTICLES` articles)
are *regrouped*: average linkage over every pair of their articles (from each article's saved
evidence; pairs published further apart than the story window never count as one event), cut
at ``Settings.story_regroup_threshold``, on probabilities *contrasted* with each article's
neighbourhood. Every article keeps the log-odds of its k nearest articles compared so
far (k = ``Settings.story_contrast_neighbours``); a pair's contrasted log-odds is its own minus
``Settings.story_contrast`` times the mean of the two articles' k-th best, floored at even odds
so a sparse neighbourhood never lowers the bar. Reports of one event are closer to each other
than to their usual neighbours; that, not absolute similarity, tells look-alike events apart
(local scaling, Zelnik-Manor & Perona 2004; CSLS, Conneau et al. 2018). Each regrouped part
keeps the id of the story it shares most articles with; a story left without a part becomes an
alias of the part that took most of its articles; the parts are linked and kept apart from
sampled merges. Every threshold is learnt on ECB+ train by ``scripts/learn_story_model.py``.

Story ids derive from the story's first article, so they are stable as articles arrive; when
two stories merge, the one with more articles (then the older id) keeps its id and the other
is left as an alias (``merged_into``).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import faiss
import numpy as np
from sklearn.cluster import AgglomerativeClustering

from storyline.models import EnrichedArticle, Story
from storyline.relate.features import VECTOR_DIM, DocFreq, Signature, profile, sketch, weighted
from storyline.relate.pairs import PairModel, evidence, evidence_keys, idf_prior, pair_features, sigmoid, weigh
from storyline.settings import Settings

__all__ = ["RelateState", "MemoryState", "StoryClusterer", "StoryProfile", "story_id_for", "group_stories"]


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
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Evidence (`storyline.relate.pairs.evidence`) of a sample of the members: the first and the latest."""
    merged_into: str | None = None
    """Set when this story was merged into another: its id is then an alias of that story's."""
    apart: list[str] = field(default_factory=list)
    """Stories a regroup told apart from this one: a sampled linkage does not merge them back."""

    def remember(self, article_id: str, ev: dict[str, Any]) -> None:
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

    def add(self, article_id: str, day: date | None, lede_places: Mapping[str, int]) -> None:
        self.article_ids.append(article_id)
        for place, count in lede_places.items():
            self.places[place] = self.places.get(place, 0.0) + count
        if day:
            self.first_day = min(self.first_day or day, day)
            self.last_day = max(self.last_day or day, day)

    def admits(self, day: date | None, window: timedelta) -> bool:
        if day is None or self.first_day is None or self.last_day is None:
            return True
        return self.first_day - window <= day <= self.last_day + window

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["first_day"] = self.first_day.isoformat() if self.first_day else None
        data["last_day"] = self.last_day.isoformat() if self.last_day else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoryProfile:
        data = dict(data)
        data.pop("terms", None)  # word totals that older stores kept and nothing read
        for key in ("first_day", "last_day"):
            data[key] = date.fromisoformat(data[key]) if data.get(key) else None
        return cls(**data)


MAX_MEMBER_SAMPLE = 8
"""Members a new article is compared with, per candidate story (average linkage over a sample)."""
MAX_CANDIDATE_STORIES = 8
"""Candidate stories scored per article: the stories of the nearest stored articles, nearest first."""
MERGE_GATE = 0.5
"""Only candidates the article scores at least this share of the join threshold are checked for a merge (cost)."""
MAX_REGROUP_ARTICLES = 96
"""Neighbourhoods larger than this are not regrouped (bounds the quadratic cost)."""
PROFILE_CACHE = 2048
"""Story profiles kept in memory between flushes (least recently used go first); the rest are
read back from the store when an article reaches them."""
PLACE_LABELS = ("GPE", "LOC", "FAC")
_LOCATIVE = re.compile(r"\b(?:in|at|near|outside)\s+(?:the\s+)?$", re.IGNORECASE)


class RelateState(Protocol):
    """Where the clusterer keeps its state; the SQLite store implements it (``store/sqlite.py``)."""

    def load_relate_index(self) -> tuple[list[str], list[str], np.ndarray, dict[str, Any] | None]:
        """Article ids in index order, their story ids, their vectors (n x VECTOR_DIM), the saved document frequencies."""

    def get_story_profile(self, story_id: str) -> dict[str, Any] | None: ...

    def save_story_profile(self, story_id: str, data: dict[str, Any]) -> None: ...

    def save_relate_article(self, article_id: str, story_id: str, vector: np.ndarray, signature: dict[str, Any]) -> None: ...

    def save_relate_docfreq(self, data: dict[str, Any]) -> None: ...

    def load_relate_evidence(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The `storyline.relate.pairs.evidence` saved with each article (``signature["evidence"]``), where there is one."""

    def move_relate_articles(self, article_ids: Sequence[str], story_id: str) -> None:
        """Record that ``article_ids`` now belong to ``story_id`` (after a regroup)."""


class MemoryState:
    """A `RelateState` in memory, for benchmarks and tests."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.stories: list[str] = []
        self.vectors: list[np.ndarray] = []
        self.profiles: dict[str, dict[str, Any]] = {}
        self.docfreq: dict[str, Any] | None = None
        self.evidence: dict[str, dict[str, Any]] = {}

    def load_relate_index(self) -> tuple[list[str], list[str], np.ndarray, dict[str, Any] | None]:
        vectors = np.stack(self.vectors) if self.vectors else np.zeros((0, VECTOR_DIM), np.float32)
        return list(self.ids), list(self.stories), vectors, self.docfreq

    def get_story_profile(self, story_id: str) -> dict[str, Any] | None:
        return self.profiles.get(story_id)

    def save_story_profile(self, story_id: str, data: dict[str, Any]) -> None:
        self.profiles[story_id] = data

    def save_relate_article(self, article_id: str, story_id: str, vector: np.ndarray, signature: dict[str, Any]) -> None:
        self.ids.append(article_id)
        self.stories.append(story_id)
        self.vectors.append(vector)
        if "evidence" in signature:
            self.evidence[article_id] = signature["evidence"]

    def save_relate_docfreq(self, data: dict[str, Any]) -> None:
        self.docfreq = data

    def load_relate_evidence(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {a: self.evidence[a] for a in article_ids if a in self.evidence}

    def move_relate_articles(self, article_ids: Sequence[str], story_id: str) -> None:
        moving = set(article_ids)
        self.stories = [story_id if a in moving else s for a, s in zip(self.ids, self.stories, strict=True)]


@dataclass
class Assignment:
    story_id: str
    new: bool
    score: float
    linked: list[str]
    merged: list[str] = field(default_factory=list)
    """Stories merged away by this article (into ``story_id`` or by a regroup): their ids are gone."""
    changed: list[str] = field(default_factory=list)
    """Other stories whose articles a regroup changed."""


class StoryClusterer:
    """Assigns articles to stories one at a time, against everything stored before.

    >>> clusterer = StoryClusterer(MemoryState(), Settings())  # doctest: +SKIP
    >>> clusterer.add(record).story_id  # doctest: +SKIP
    """

    def __init__(
        self,
        state: RelateState,
        settings: Settings,
        *,
        neighbours: int = 32,
        model: PairModel | None = None,
        prior: DocFreq | None | bool = True,
    ) -> None:
        self.state = state
        self.settings = settings
        self.threshold = settings.story_similarity_threshold
        self.link_threshold = settings.story_link_threshold
        self.actor_weight = settings.story_actor_weight
        self.regroup_threshold = settings.story_regroup_threshold
        self.contrast = settings.story_contrast
        self.contrast_neighbours = settings.story_contrast_neighbours
        self.model = model or PairModel.default()
        self.neighbours = neighbours
        self.window = timedelta(days=settings.story_window_days)
        ids, story_ids, vectors, docfreq = state.load_relate_index()
        background = idf_prior() if prior is True else prior or None
        self.df = DocFreq(docfreq["n"], docfreq["df"], background) if docfreq else DocFreq(prior=background)
        self.index = faiss.IndexHNSWFlat(VECTOR_DIM, 32, faiss.METRIC_INNER_PRODUCT)
        self.index.hnsw.efSearch = 64
        self.ids: list[str] = list(ids)
        self.story_of: list[str] = list(story_ids)
        self.position: dict[str, int] = {a: i for i, a in enumerate(self.ids)}
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self._profiles: OrderedDict[str, StoryProfile] = OrderedDict()
        self._dirty: set[str] = set()

    # --- profiles ---------------------------------------------------------------------------

    def profile(self, story_id: str) -> StoryProfile | None:
        """The story's profile; a merged story's id leads to the story it was merged into."""
        for _ in range(64):
            if story_id not in self._profiles:
                data = self.state.get_story_profile(story_id)
                if data is None:
                    return None
                self._profiles[story_id] = StoryProfile.from_json(data)
            else:
                self._profiles.move_to_end(story_id)
            found = self._profiles[story_id]
            if found.merged_into is None:
                return found
            story_id = found.merged_into
        return None

    def story_for(self, article_id: str) -> str | None:
        """The id of the story that holds ``article_id`` now (after any merge or regroup)."""
        position = self.position.get(article_id)
        found = self.profile(self.story_of[position]) if position is not None else None
        return found.id if found else None

    def flush(self) -> None:
        """Write the changed story profiles and the document frequencies back to the state."""
        for story_id in sorted(self._dirty):
            self.state.save_story_profile(story_id, self._profiles[story_id].as_json())
        self._dirty.clear()
        self.state.save_relate_docfreq({"n": self.df.n, "df": self.df.df})
        # Least recently used profiles go once they are saved: memory stays flat as stories accrue.
        while len(self._profiles) > PROFILE_CACHE:
            self._profiles.popitem(last=False)

    # --- assignment -------------------------------------------------------------------------

    def vector_for(self, record: EnrichedArticle, terms: dict[str, float]) -> np.ndarray:
        """The article's index vector: the enrich stage's embedding when it has our dimension."""
        if record.embedding and len(record.embedding) == VECTOR_DIM:
            vector = np.asarray(record.embedding, dtype=np.float32)
            norm = float(np.linalg.norm(vector))
            return vector / norm if norm else vector
        return sketch(terms)

    def candidates(self, vector: np.ndarray) -> list[str]:
        """Stories of the nearest stored articles, nearest first."""
        if self.index.ntotal == 0:
            return []
        k = min(self.neighbours, self.index.ntotal)
        _, found = self.index.search(vector[None, :], k)
        seen: dict[str, None] = {}
        for position in found[0]:
            if position < 0:
                continue
            story = self.profile(self.story_of[position])
            if story is not None:
                seen.setdefault(story.id, None)
            if len(seen) >= MAX_CANDIDATE_STORIES:
                break
        return list(seen)

    def _weighed(self, article_id: str, ev: dict[str, Any], cache: dict[str, dict[str, Any]]) -> dict[str, Any]:
        if article_id not in cache:
            cache[article_id] = weigh(ev, self.df)
        return cache[article_id]

    def note(self, a: str, ev_a: dict[str, Any], b: str, ev_b: dict[str, Any], z: float) -> None:
        """Remember the log-odds of a compared pair in both articles' neighbourhoods (k best each)."""
        k = self.contrast_neighbours
        for other, ev in ((b, ev_a), (a, ev_b)):
            near = ev.setdefault("near", {})
            near[other] = round(z, 3)
            if len(near) > k:
                del near[min(near, key=near.__getitem__)]

    def bar(self, ev: Mapping[str, Any]) -> float:
        """The log-odds of the article's k-th nearest neighbour seen so far, floored at even odds."""
        near = sorted((ev.get("near") or {}).values(), reverse=True)
        k = self.contrast_neighbours
        return max(0.0, near[k - 1]) if len(near) >= k else 0.0

    def pair_logit(self, a: str, ev_a: dict[str, Any], b: str, ev_b: dict[str, Any], cache: dict[str, dict[str, Any]]) -> float:
        z = self.model.logit(pair_features(self._weighed(a, ev_a, cache), self._weighed(b, ev_b, cache)))
        self.note(a, ev_a, b, ev_b, z)
        return z

    def score(self, article_id: str, ev: dict[str, Any], story: StoryProfile, cache: dict[str, dict[str, Any]]) -> float:
        """Average linkage: the mean same-event probability of the article and the sampled members."""
        if not story.members:
            return 0.0
        probs = [sigmoid(self.pair_logit(article_id, ev, a, m, cache)) for a, m in story.members.items()]
        return sum(probs) / len(probs)

    def linkage(self, a: StoryProfile, b: StoryProfile, cache: dict[str, dict[str, Any]]) -> float:
        """Average linkage between two stories' member samples."""
        if not a.members or not b.members:
            return 0.0
        total = sum(sigmoid(self.pair_logit(x, ex, y, ey, cache)) for x, ex in a.members.items() for y, ey in b.members.items())
        return total / (len(a.members) * len(b.members))

    def _merge(self, story: StoryProfile, scored: list[tuple[float, str]], cache: dict[str, dict[str, Any]]) -> tuple[StoryProfile, list[str]]:
        """Merge ``story`` with the close candidates its members now match (see the module docstring)."""
        merged: list[str] = []
        for score, other_id in scored:
            if score < MERGE_GATE * self.threshold or other_id == story.id:
                continue
            other = self.profile(other_id)
            if other is None or other.id == story.id or not (story.admits(other.first_day, self.window) or other.admits(story.first_day, self.window)):
                continue
            if other.id in story.apart or story.id in other.apart or self.linkage(story, other, cache) < self.threshold:
                continue
            keep, drop = (story, other) if (len(story.article_ids), other.id) >= (len(other.article_ids), story.id) else (other, story)
            keep.absorb(drop)
            for sid in list(keep.linked):
                linked = self.profile(sid)
                if linked is None or linked.id == keep.id:
                    keep.linked.remove(sid)
                    continue
                linked.linked = list(dict.fromkeys(keep.id if x == drop.id else x for x in linked.linked))
                if keep.id not in linked.linked:
                    linked.linked.append(keep.id)
                self._dirty.add(linked.id)
            self._dirty.update((keep.id, drop.id))
            merged.append(drop.id)
            story = keep
        return story, merged

    def add(self, record: EnrichedArticle) -> Assignment:
        """Assign ``record`` to a story (new or existing), update the index and the profiles."""
        sig = Signature.of(record)
        own = profile(sig)
        ev = evidence(record)
        self.df.add(own.keys() | evidence_keys(ev) | {"P:" + m.name.lower() for m in record.entities if m.label in PLACE_LABELS})
        vector = self.vector_for(record, weighted(own, self.df, self.actor_weight))
        cache: dict[str, dict[str, Any]] = {}
        scored = []
        for story_id in self.candidates(vector):
            story = self.profile(story_id)
            if story is not None and story.admits(sig.day, self.window):
                scored.append((self.score(sig.id, ev, story, cache), story_id))
        scored.sort(key=lambda x: (-x[0], x[1]))
        lede = lede_places(record)
        if scored and scored[0][0] >= self.threshold:
            score, story_id = scored[0]
            story = self.profile(story_id)
            assert story is not None
            new = False
        else:
            score, story_id = (scored[0][0] if scored else 0.0), story_id_for(sig.id)
            story = StoryProfile(id=story_id)
            self._profiles[story_id] = story
            new = True
        story.add(sig.id, sig.day, lede)
        story.remember(sig.id, ev)
        story.article_events[sig.id] = {"place": None, "day": sig.day.isoformat() if sig.day else None, "lede_places": lede}
        story, merged = self._merge(story, scored, cache)
        self.index.add(vector[None, :])
        self.position[sig.id] = len(self.ids)
        self.ids.append(sig.id)
        self.story_of.append(story.id)
        self.state.save_relate_article(sig.id, story.id, vector, {**sig.as_json(), "evidence": ev})
        story_id = story.id
        gone = set(merged)
        linked = [sid for s, sid in scored if sid != story_id and sid not in gone and s >= self.link_threshold]
        for other_id in linked:
            other = self.profile(other_id)
            if other is None or other.id == story_id:
                continue
            if other.id not in story.linked:
                story.linked.append(other.id)
            if story_id not in other.linked:
                other.linked.append(story_id)
                self._dirty.add(other.id)
        self._dirty.add(story_id)
        changed, gone_now = self.regroup(story, cache)
        if changed or gone_now:
            merged += gone_now
            story = self.profile(self.story_of[self.position[sig.id]]) or story
            linked = [sid for sid in story.linked if sid not in gone_now]
        return Assignment(story.id, new, score, linked, merged, [c for c in changed if c != story.id])

    def regroup(self, story: StoryProfile, cache: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
        """Re-cluster ``story`` and its linked stories together (see the module docstring);
        return the ids of the stories whose articles changed and of those gone (now aliases)."""
        self._dirty.add(story.id)
        group = [story]
        size = len(story.article_ids)
        for sid in story.linked:
            other = self.profile(sid)
            if other is not None and all(other.id != g.id for g in group) and size + len(other.article_ids) <= MAX_REGROUP_ARTICLES:
                group.append(other)
                size += len(other.article_ids)
        owner = {a: g.id for g in group for a in g.article_ids}
        if len(owner) > MAX_REGROUP_ARTICLES:
            return [], []
        evs = {a: ev for g in group for a, ev in g.members.items()}
        evs.update(self.state.load_relate_evidence([a for a in owner if a not in evs]))
        if len(evs) < len(owner):  # articles related before evidence was saved: leave them be
            return [], []
        ids = sorted(owner, key=lambda a: self.position.get(a, -1))
        events: dict[str, dict[str, Any]] = {}
        for g in group:
            events.update(g.article_events)
        labels = self._cluster(ids, evs, [events.get(a, {}).get("day") for a in ids], cache)
        parts: dict[int, list[str]] = {}
        for article_id, label in zip(ids, labels, strict=True):
            parts.setdefault(label, []).append(article_id)
        before = {g.id: set(g.article_ids) for g in group}
        # Each part keeps the id of the story it shares most articles with (greedy, largest first).
        overlaps = sorted(
            ((len(before[g] & set(members)), -self.position.get(members[0], 0), label, g) for label, members in parts.items() for g in before),
            reverse=True,
        )
        named: dict[int, str] = {}
        for count, _, label, sid in overlaps:
            if count and label not in named and sid not in named.values():
                named[label] = sid
        taken = {g.id for g in group}
        for label, members in parts.items():
            if label not in named:
                named[label] = self._fresh_id(members, taken)
                taken.add(named[label])
        if all(set(parts[label]) == before.get(sid) for label, sid in named.items()):
            return [], []
        outside: dict[str, list[str]] = {}  # links to stories beyond the group, by article
        for g in group:
            for linked in g.linked:
                target = self.profile(linked)
                if target is not None and target.id not in before:
                    for a in g.article_ids:
                        outside.setdefault(a, []).append(target.id)
        profiles = {g.id: g for g in group}
        new_ids = set(named.values())
        gone = [g.id for g in group if g.id not in new_ids]
        for label, sid in named.items():
            part = profiles.get(sid) or StoryProfile(id=sid)
            self._profiles[sid] = part
            self._refill(part, parts[label], events, evs)
            part.linked = list(dict.fromkeys(x for a in parts[label] for x in outside.get(a, [])))
        for sid in gone:
            holder = max(named, key=lambda label: len(before[sid] & set(parts[label])))
            dropped = profiles[sid]
            dropped.article_ids, dropped.places, dropped.members, dropped.article_events = [], {}, {}, {}
            dropped.linked, dropped.apart, dropped.merged_into = [], [], named[holder]
            self._dirty.add(sid)
        # The parts of one neighbourhood are related events: linked, and kept apart.
        family = list(named.values())
        for sid in family:
            part = self._profiles[sid]
            part.linked = list(dict.fromkeys(part.linked + [x for x in family if x != sid]))
            part.apart = [x for x in family if x != sid]
            self.state.move_relate_articles(part.article_ids, sid)
            for article_id in part.article_ids:
                self.story_of[self.position[article_id]] = sid
            self._dirty.add(sid)
        for sid in {x for xs in outside.values() for x in xs}:
            other = self.profile(sid)
            if other is not None:
                other.linked = list(dict.fromkeys(x for x in other.linked if x not in gone))
                other.linked += [p for p in family if sid in self._profiles[p].linked and p not in other.linked]
                self._dirty.add(other.id)
        changed = [sid for label, sid in named.items() if set(parts[label]) != before.get(sid)]
        return changed, gone

    def _fresh_id(self, members: Sequence[str], taken: set[str]) -> str:
        """An id for a part split off by a regroup: its first article's, unless taken."""
        first = story_id_for(members[0])
        candidates = itertools.chain((story_id_for(a) for a in members), (f"{first}-{n}" for n in itertools.count(2)))
        return next(c for c in candidates if c not in taken and not self._alive(c))

    def _alive(self, story_id: str) -> bool:
        found = self._profiles.get(story_id) or (StoryProfile.from_json(d) if (d := self.state.get_story_profile(story_id)) else None)
        return found is not None and found.merged_into is None and bool(found.article_ids)

    def _cluster(self, ids: list[str], evs: Mapping[str, dict[str, Any]], days: list[str | None], cache: dict[str, dict[str, Any]]) -> list[int]:
        """Average linkage over contrasted same-event probabilities, cut at the regroup threshold;
        articles published further apart than the story window never count as one event."""
        n = len(ids)
        if n < 2:
            return [0] * n
        # Every pair is scored again, not remembered: the idf of a topic's words falls as its
        # reports arrive, and those fresh weights are what tell look-alike events apart
        # (remembering scores cost 0.008 B-cubed F1 on train cross-validation).
        logits = np.full((n, n), -np.inf)
        for i in range(n):
            for j in range(i + 1, n):
                logits[i, j] = logits[j, i] = self.pair_logit(ids[i], evs[ids[i]], ids[j], evs[ids[j]], cache)
        bars = np.array([self.bar(evs[a]) for a in ids])
        contrasted = 1.0 / (1.0 + np.exp(-np.clip(logits - self.contrast * (bars[:, None] + bars[None, :]) / 2, -50, 50)))
        dated = [(i, date.fromisoformat(d)) for i, d in enumerate(days) if d]
        for (i, di), (j, dj) in itertools.combinations(dated, 2):
            if abs(di - dj) > self.window:
                contrasted[i, j] = contrasted[j, i] = 0.0
        np.fill_diagonal(contrasted, 1.0)
        clustering = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - self.regroup_threshold)
        return [int(x) for x in clustering.fit_predict(1.0 - contrasted)]

    @staticmethod
    def _refill(part: StoryProfile, members: list[str], events: Mapping[str, dict[str, Any]], evs: Mapping[str, dict[str, Any]]) -> None:
        """Make ``part`` hold exactly ``members`` (in arrival order), with their events and evidence."""
        part.article_ids, part.places, part.members, part.article_events = [], {}, {}, {}
        part.first_day = part.last_day = None
        part.merged_into = None
        for article_id in members:
            event = events.get(article_id, {})
            part.add(article_id, date.fromisoformat(event["day"]) if event.get("day") else None, event.get("lede_places") or {})
            part.remember(article_id, evs[article_id])
            part.article_events[article_id] = event


def lede_places(record: EnrichedArticle, sentences: int = 3) -> dict[str, int]:
    """Places named in the title and the first sentences, where a report says where it happened."""
    end = record.sentences[min(sentences, len(record.sentences)) - 1].end if record.sentences else 400
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


def group_stories(records: Sequence[EnrichedArticle], settings: Settings) -> list[Story]:
    """Cluster ``records`` in the order given, from an empty state (tests, benchmarks, ``regroup``)."""
    clusterer = StoryClusterer(MemoryState(), settings)
    order: list[str] = []
    for record in records:
        assignment = clusterer.add(record)
        order.extend((assignment.story_id, *assignment.changed))
    titles = {r.article.id: r.article.title for r in records}
    published = {r.article.id: r.article.published for r in records}
    alive = [sid for sid in dict.fromkeys(order) if (found := clusterer.profile(sid)) is not None and found.id == sid and found.article_ids]
    return [to_story(clusterer._profiles[sid], titles, published, clusterer.df.store_idf) for sid in alive]
