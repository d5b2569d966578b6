"""Streaming story clustering: each new article joins an existing story or starts one, then its
neighbourhood of stories is regrouped (`storyline.relate.regroup`).

An article is compared with the stories of its nearest stored articles (`ArticleIndex`, at most
`MAX_CANDIDATE_STORIES` of them, so the cost per article stays flat as the store grows). The
score of a story is the average, over its member sample (at most `profile.MAX_MEMBER_SAMPLE`), of the
learnt probability that the article and the member report the same event
(`storyline.relate.pairs`: words, lede, people, places, numbers, dates): average linkage, not a
centroid, so two look-alike events of one kind are not pulled together. The article *joins* the
best story when that score clears ``Settings.story_similarity_threshold`` and the story's time
window (``Settings.story_window_days``) admits the article's day; articles without a day are
admitted anywhere. Then the story it joined is *merged* with any candidate story whose members
it now matches at the same threshold: this repairs a story split in two because its first
articles arrived before the ones that bridge them (the older story keeps its id, so a
published id keeps naming its event; the other is left as an alias). Candidate stories above
the link threshold that it does not join become *linked* stories: related events, such as the
same talks a week earlier elsewhere. Every threshold is learnt on ECB+ train by ``scripts/learn_story_model.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from storyline.lead_event import lead_event
from storyline.models import EnrichedArticle, Story
from storyline.relate.events import lede_places, to_story
from storyline.relate.evidence import Evidence
from storyline.relate.idf import DocFreq, idf_prior
from storyline.relate.index import ArticleIndex
from storyline.relate.pairs import SameEventModel, default_model
from storyline.relate.profile import Profiles, StoryProfile, story_id_for
from storyline.relate.regroup import Regrouper
from storyline.relate.scoring import PairScorer, WeighedCache
from storyline.relate.signature import Signature, tf_weights, tfidf_weights
from storyline.relate.state import MemoryState, RelateState
from storyline.settings import Settings
from storyline.text import PLACE_LABELS, VECTOR_DIM, sketch

__all__ = ["MAX_CANDIDATE_STORIES", "Assignment", "StoryClusterer", "group_stories"]

MAX_CANDIDATE_STORIES = 8
"""Candidate stories scored per article: the stories of the nearest stored articles, nearest first."""
MERGE_GATE = 0.5
"""Only candidates the article scores at least this share of the join threshold are checked for a merge (cost)."""


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
        model: SameEventModel | None = None,
        prior: DocFreq | None | bool = True,
    ) -> None:
        self.state = state
        self.settings = settings
        self.threshold = settings.story_similarity_threshold
        self.link_threshold = settings.story_link_threshold
        self.actor_weight = settings.story_actor_weight
        self.neighbours = neighbours
        self.window = timedelta(days=settings.story_window_days)
        ids, story_ids, vectors, docfreq = state.load_relate_index()
        background = idf_prior() if prior is True else prior or None
        self.df = DocFreq(docfreq["n"], docfreq["df"], background) if docfreq else DocFreq(prior=background)
        self.index = ArticleIndex(ids, story_ids, vectors)
        self.profiles = Profiles(state)
        self.scorer = PairScorer(model or default_model(), self.df, settings.story_contrast_neighbours)
        self.regrouper = Regrouper(
            state, self.profiles, self.index, self.scorer,
            threshold=settings.story_regroup_threshold, contrast=settings.story_contrast, window=self.window,
        )  # fmt: skip

    def profile(self, story_id: str) -> StoryProfile | None:
        """The story's profile; a merged story's id leads to the story it was merged into."""
        return self.profiles.get(story_id)

    def story_for(self, article_id: str) -> str | None:
        """The id of the story that holds ``article_id`` now (after any merge or regroup)."""
        recorded = self.index.story_of_article(article_id)
        found = self.profiles.get(recorded) if recorded is not None else None
        return found.id if found else None

    def flush(self) -> None:
        """Write the changed story profiles and the document frequencies back to the state."""
        self.profiles.flush()
        self.state.save_relate_docfreq(self.df.n, self.df.take_changes())

    def vector_for(self, record: EnrichedArticle, tf: dict[str, float]) -> np.ndarray:
        """The article's index vector: the enrich stage's embedding when it has our dimension, else
        a sketch of its tf-idf (``tf``: `tf_weights`)."""
        if record.embedding and len(record.embedding) == VECTOR_DIM:
            vector = np.asarray(record.embedding, dtype=np.float32)
            norm = float(np.linalg.norm(vector))
            return vector / norm if norm else vector
        return sketch(tfidf_weights(tf, self.df, self.actor_weight))

    def candidates(self, vector: np.ndarray) -> list[str]:
        """Stories of the nearest stored articles, nearest first."""
        seen: dict[str, None] = {}
        for recorded in self.index.nearest(vector, self.neighbours):
            story = self.profiles.get(recorded)
            if story is not None:
                seen.setdefault(story.id, None)
            if len(seen) >= MAX_CANDIDATE_STORIES:
                break
        return list(seen)

    def _merge(self, story: StoryProfile, scored: list[tuple[float, str]], cache: WeighedCache) -> tuple[StoryProfile, list[str]]:
        """Merge ``story`` with the close candidates its members now match (see the module docstring)."""
        merged: list[str] = []
        for score, other_id in scored:
            if score < MERGE_GATE * self.threshold or other_id == story.id:
                continue
            other = self.profiles.get(other_id)
            if other is None or other.id == story.id or not (story.admits(other.first_day, self.window) or other.admits(story.first_day, self.window)):
                continue
            if other.id in story.apart or story.id in other.apart or self.scorer.linkage(story, other, cache) < self.threshold:
                continue
            # The older id survives, so a published id keeps naming its event; the other becomes an alias.
            arrival = self.index.arrival
            keep, drop = (story, other) if (story.age(arrival), story.id) <= (other.age(arrival), other.id) else (other, story)
            keep.absorb(drop)
            for sid in list(keep.linked):
                linked = self.profiles.get(sid)
                if linked is None or linked.id == keep.id:
                    keep.linked.remove(sid)
                    continue
                linked.linked = list(dict.fromkeys(keep.id if x == drop.id else x for x in linked.linked))
                if keep.id not in linked.linked:
                    linked.linked.append(keep.id)
                self.profiles.changed(linked.id)
            self.profiles.changed(keep.id, drop.id)
            merged.append(drop.id)
            story = keep
        return story, merged

    def add(self, record: EnrichedArticle) -> Assignment:
        """Assign ``record`` to a story (new or existing), update the index and the profiles."""
        sig = Signature.of(record)
        tf = tf_weights(sig)
        ev = Evidence.of(record, words=Counter(sig.terms))  # the signature's words: one count per text
        self.df.add(tf.keys() | ev.keys() | {"P:" + m.name.lower() for m in record.entities if m.label in PLACE_LABELS})
        vector = self.vector_for(record, tf)
        cache: WeighedCache = {}
        admitted = [
            (story_id, story)
            for story_id in self.candidates(vector)
            if (story := self.profiles.get(story_id)) is not None and story.admits(sig.day, self.window)
        ]
        scores = self.scorer.story_scores(sig.id, ev, [story for _, story in admitted], cache)
        scored = [(score, story_id) for score, (story_id, _) in zip(scores, admitted, strict=True)]
        scored.sort(key=lambda x: (-x[0], x[1]))
        lede = lede_places(record)
        if scored and scored[0][0] >= self.threshold:
            score, story_id = scored[0]
            story = self.profiles.get(story_id)
            assert story is not None
            new = False
        else:
            score, story_id = (scored[0][0] if scored else 0.0), story_id_for(sig.id)
            story = StoryProfile(id=story_id, born=len(self.index))
            self.profiles.put(story)
            new = True
        story.add(sig.id, sig.day, lede)
        story.remember(sig.id, ev)
        story.article_events[sig.id] = {"day": sig.day.isoformat() if sig.day else None, "lede_places": lede, **lead_event(record)}
        story, merged = self._merge(story, scored, cache)
        self.index.add(sig.id, story.id, vector)
        self.state.save_relate_article(sig.id, story.id, vector, {**sig.as_json(), "evidence": ev.as_json()})
        story_id = story.id
        gone = set(merged)
        linked = [sid for s, sid in scored if sid != story_id and sid not in gone and s >= self.link_threshold]
        for other_id in linked:
            other = self.profiles.get(other_id)
            if other is None or other.id == story_id:
                continue
            if other.id not in story.linked:
                story.linked.append(other.id)
            if story_id not in other.linked:
                other.linked.append(story_id)
                self.profiles.changed(other.id)
        self.profiles.changed(story_id)
        changed, gone_now = self.regrouper.regroup(story, cache)
        if changed or gone_now:
            merged += gone_now
            story = self.profiles.get(self.index.story_of_article(sig.id) or story.id) or story
            linked = [sid for sid in story.linked if sid not in gone_now]
        return Assignment(story.id, new, score, linked, merged, [c for c in changed if c != story.id])


def group_stories(records: Sequence[EnrichedArticle], settings: Settings) -> list[Story]:
    """Cluster ``records`` in the order given, from an empty state (tests, benchmarks)."""
    clusterer = StoryClusterer(MemoryState(), settings)
    order: list[str] = []
    for record in records:
        assignment = clusterer.add(record)
        order.extend((assignment.story_id, *assignment.changed))
    titles = {r.article.id: r.article.title for r in records}
    published = {r.article.id: r.article.published for r in records}
    alive = [sid for sid in dict.fromkeys(order) if (found := clusterer.profile(sid)) is not None and found.id == sid and found.article_ids]
    return [to_story(clusterer.profiles[sid], titles, published) for sid in alive]
