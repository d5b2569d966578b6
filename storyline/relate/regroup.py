"""The regroup: after each article, its story and the stories linked to it are clustered afresh.

A stream decides on what it has seen: the first reports of two look-alike events ("Saints place
Reggie Bush on injured reserve", and two years later "Saints place Pierre Thomas on injured
reserve") may share a story, because in absolute terms every such pair looks likely. So after
each article, its story and its linked stories (at most `MAX_REGROUP_ARTICLES` articles) are
*regrouped*: average linkage over every pair of their articles (from each article's saved
`Evidence`; pairs published further apart than the story window never count as one event), cut
at ``Settings.story_regroup_threshold``, on probabilities *contrasted* with each article's
neighbourhood. Every article keeps the log-odds of its k nearest articles compared so far
(k = ``Settings.story_contrast_neighbours``); a pair's contrasted log-odds is its own minus
``Settings.story_contrast`` times the mean of the two articles' k-th best, floored at even odds
so a sparse neighbourhood never lowers the bar. Reports of one event are closer to each other
than to their usual neighbours; that, not absolute similarity, tells look-alike events apart
(local scaling, Zelnik-Manor & Perona 2004; CSLS, Conneau et al. 2018).

Ids stay with the event they were published for: a story's id goes to the part holding most of
its *founders* (its members when first published, `StoryProfile.founders`), not to the largest
part, so six later reports of a look-alike event that joined a story and outnumber its founders
never take its id; when two stories' founders end in one part, the older id stays and the other
becomes its alias (`_name_parts`). The parts are linked and kept apart from sampled merges.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from storyline.relate.evidence import Evidence
from storyline.relate.index import ArticleIndex
from storyline.relate.profile import Profiles, StoryProfile, story_id_for
from storyline.relate.scoring import PairScorer, WeighedCache
from storyline.relate.state import RelateState

__all__ = ["MAX_REGROUP_ARTICLES", "Regrouper"]

MAX_REGROUP_ARTICLES = 96
"""Neighbourhoods larger than this are not regrouped (bounds the quadratic cost)."""


class Regrouper:
    """Regroups a story's neighbourhood over the clusterer's profiles, index and scorer."""

    def __init__(
        self, state: RelateState, profiles: Profiles, index: ArticleIndex, scorer: PairScorer, *, threshold: float, contrast: float, window: timedelta
    ) -> None:
        self.state = state
        self.profiles = profiles
        self.index = index
        self.scorer = scorer
        self.threshold = threshold
        self.contrast = contrast
        self.window = window

    def regroup(self, story: StoryProfile, cache: WeighedCache) -> tuple[list[str], list[str]]:
        """Re-cluster ``story`` and its linked stories together (see the module docstring);
        return the ids of the stories whose articles changed and of those gone (now aliases)."""
        self.profiles.changed(story.id)
        group = [story]
        size = len(story.article_ids)
        for sid in story.linked:
            other = self.profiles.get(sid)
            if other is not None and all(other.id != g.id for g in group) and size + len(other.article_ids) <= MAX_REGROUP_ARTICLES:
                group.append(other)
                size += len(other.article_ids)
        owner = {a: g.id for g in group for a in g.article_ids}
        if len(owner) > MAX_REGROUP_ARTICLES:
            return [], []
        evs: dict[str, Evidence] = {a: ev for g in group for a, ev in g.members.items()}
        loaded = self.state.load_relate_evidence([a for a in owner if a not in evs])
        evs.update({a: Evidence.from_json(data) for a, data in loaded.items()})
        if len(evs) < len(owner):  # articles related before evidence was saved: leave them be
            return [], []
        ids = sorted(owner, key=self.index.arrival)
        events: dict[str, dict[str, Any]] = {}
        for g in group:
            events.update(g.article_events)
        labels = self.cluster(ids, evs, [events.get(a, {}).get("day") for a in ids], cache)
        parts: dict[int, list[str]] = {}
        for article_id, label in zip(ids, labels, strict=True):
            parts.setdefault(label, []).append(article_id)
        before = {g.id: set(g.article_ids) for g in group}
        # Stories merged into the group earlier, by their founders: their ids come back when a
        # part holds most of their founders and no live story's id is there.
        aliases = [
            alias
            for sid in dict.fromkeys(x for g in group for x in g.absorbed)
            if (alias := self.profiles.own(sid)) is not None and alias.merged_into is not None and any(a in owner for a in alias.founders)
        ]
        named, home = self._name_parts(group, aliases, parts)
        if all(set(parts[label]) == before.get(sid) for label, sid in named.items()):
            return [], []
        outside: dict[str, list[str]] = {}  # links to stories beyond the group, by article
        for g in group:
            for linked in g.linked:
                target = self.profiles.get(linked)
                if target is not None and target.id not in before:
                    for a in g.article_ids:
                        outside.setdefault(a, []).append(target.id)
        by_id = {c.id: c for c in (*group, *aliases)}
        new_ids = set(named.values())
        gone = [g.id for g in group if g.id not in new_ids]
        # Where each id merged away now leads: the part holding most of its founders.
        absorbed: dict[str, list[str]] = {sid: [] for sid in new_ids}
        claimed = {a.id for a in aliases}
        for g in group:
            absorbed[named[home[g.id]]] += [x for x in g.absorbed if x not in claimed]
        for sid in (*gone, *(a.id for a in aliases if a.id not in new_ids)):
            absorbed[named[home[sid]]].append(sid)
        for label, sid in named.items():
            part = by_id.get(sid) or StoryProfile(id=sid, born=len(self.index))
            self.profiles.put(part)
            _refill(part, parts[label], events, evs)
            part.linked = list(dict.fromkeys(x for a in parts[label] for x in outside.get(a, [])))
            part.absorbed = [x for x in dict.fromkeys(absorbed[sid]) if x != sid]
        for sid in (*gone, *(a.id for a in aliases if a.id not in new_ids)):
            dropped = by_id[sid]
            dropped.empty()
            dropped.linked, dropped.apart, dropped.absorbed, dropped.merged_into = [], [], [], named[home[sid]]
            self.profiles.changed(sid)
        # The parts of one neighbourhood are related events: linked, and kept apart.
        family = list(named.values())
        for sid in family:
            part = self.profiles[sid]
            part.linked = list(dict.fromkeys(part.linked + [x for x in family if x != sid]))
            part.apart = [x for x in family if x != sid]
            self.state.move_relate_articles(part.article_ids, sid)
            self.index.move(part.article_ids, sid)
            self.profiles.changed(sid)
        for sid in {x for xs in outside.values() for x in xs}:
            other = self.profiles.get(sid)
            if other is not None:
                other.linked = list(dict.fromkeys(x for x in other.linked if x not in gone))
                other.linked += [p for p in family if sid in self.profiles[p].linked and p not in other.linked]
                self.profiles.changed(other.id)
        changed = [sid for label, sid in named.items() if set(parts[label]) != before.get(sid)]
        return changed, gone

    def _name_parts(
        self, group: Sequence[StoryProfile], aliases: Sequence[StoryProfile], parts: Mapping[int, list[str]]
    ) -> tuple[dict[int, str], dict[str, int]]:
        """Which part keeps which story's id, and each story's *home*, the part holding most of its
        founders (the members it had when first published; its members before the regroup when it
        was not published yet or none of its founders is in the group), ties to the part holding
        the earliest of them. Oldest story first, each story keeps its id in its home unless an
        older story's id is there already: then its id becomes an alias of that one (as in a
        merge). Then ``aliases`` (ids merged into the group before) take back the parts no live
        story calls home, oldest first. Parts no story calls home get fresh ids."""
        label_of = {a: label for label, members in parts.items() for a in members}
        home: dict[str, int] = {}
        named: dict[int, str] = {}
        by_age = lambda g: (g.age(self.index.arrival), g.id)  # noqa: E731
        for story in [*sorted(group, key=by_age), *sorted(aliases, key=by_age)]:
            voters = [a for a in story.founders if a in label_of] or story.article_ids
            votes: dict[int, tuple[int, int]] = {}
            for article_id in voters:  # (founders held, minus the arrival of the earliest of them)
                count, earliest = votes.get(label_of[article_id], (0, -(1 << 62)))
                votes[label_of[article_id]] = (count + 1, max(earliest, -self.index.arrival(article_id)))
            home[story.id] = max(votes, key=lambda label: votes[label], default=min(parts))
            named.setdefault(home[story.id], story.id)
        taken = {g.id for g in group}
        for label, members in parts.items():
            if label not in named:
                named[label] = self._fresh_id(members, taken)
                taken.add(named[label])
        return named, home

    def _fresh_id(self, members: Sequence[str], taken: set[str]) -> str:
        """An id for a part split off by a regroup: its first article's, unless taken or ever used
        (an alias keeps naming the story it was merged into)."""
        first = story_id_for(members[0])
        candidates = itertools.chain((story_id_for(a) for a in members), (f"{first}-{n}" for n in itertools.count(2)))
        return next(c for c in candidates if c not in taken and not self.profiles.known(c))

    def cluster(self, ids: list[str], evs: Mapping[str, Evidence], days: list[str | None], cache: WeighedCache) -> list[int]:
        """Average linkage over contrasted same-event probabilities, cut at the regroup threshold;
        articles published further apart than the story window never count as one event."""
        n = len(ids)
        if n < 2:
            return [0] * n
        # Every pair is scored again, not remembered: the idf of a topic's words falls as its
        # reports arrive, and those fresh weights are what tell look-alike events apart
        # (remembering scores cost 0.008 B-cubed F1 on train cross-validation).
        logits = self.scorer.logit_matrix(ids, evs, cache)
        bars = np.array([self.scorer.bar(evs[a]) for a in ids])
        contrasted = 1.0 / (1.0 + np.exp(-np.clip(logits - self.contrast * (bars[:, None] + bars[None, :]) / 2, -50, 50)))
        dated = [(i, date.fromisoformat(d)) for i, d in enumerate(days) if d]
        for (i, di), (j, dj) in itertools.combinations(dated, 2):
            if abs(di - dj) > self.window:
                contrasted[i, j] = contrasted[j, i] = 0.0
        # Average linkage (scipy's, as scikit-learn's AgglomerativeClustering runs it, without its
        # per-call validation), cut where the merge distance reaches 1 - threshold.
        tree = linkage((1.0 - contrasted)[np.triu_indices(n, 1)], method="average")
        return [int(x) for x in fcluster(tree, t=np.nextafter(1.0 - self.threshold, -np.inf), criterion="distance")]


def _refill(part: StoryProfile, members: list[str], events: Mapping[str, dict[str, Any]], evs: Mapping[str, Evidence]) -> None:
    """Make ``part`` hold exactly ``members`` (in arrival order), with their events and evidence."""
    part.empty()
    part.first_day = part.last_day = None
    part.merged_into = None
    for article_id in members:
        event = events.get(article_id, {})
        part.add(article_id, date.fromisoformat(event["day"]) if event.get("day") else None, event.get("lede_places") or {})
        part.remember(article_id, evs[article_id])
        part.article_events[article_id] = event
