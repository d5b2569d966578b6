"""The relate stage over a store: stories, near-duplicates and derivations for new articles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from threadpoolctl import threadpool_limits

from storyline.models import EnrichedArticle, Relation, Span, Story
from storyline.relate.clusterer import StoryClusterer
from storyline.relate.derivation import derivations
from storyline.relate.duplicates import NearDuplicates, minhash, minhash_bytes
from storyline.relate.events import to_story
from storyline.relate.profile import StoryProfile
from storyline.relate.state import RelateState
from storyline.relate.titles import MAX_TITLE_CANDIDATES, story_title
from storyline.settings import Settings

__all__ = ["Relater", "MAX_DERIVATION_CHECKS"]

MAX_DERIVATION_CHECKS = 12
"""A new article is aligned with at most this many members of its story (the latest ones)."""

Fetch = Callable[[Sequence[str]], list[EnrichedArticle]]
Headers = Callable[[Sequence[str]], dict[str, tuple[str | None, datetime | None]]]


class Relater:
    """Streams new articles into stories and finds their relations to stored ones.

    ``state`` is the store (a `RelateState`); ``fetch`` returns enriched articles by id, for the
    sentence alignment; ``headers`` each article's (title, published date), for the `Story`
    records (cheap: a story's members are not decoded at each change).
    """

    def __init__(self, state: RelateState, settings: Settings, fetch: Fetch, headers: Headers) -> None:
        self.state: RelateState = state
        self.settings = settings
        self.fetch = fetch
        self.headers = headers
        self.clusterer = StoryClusterer(state, settings)
        self.duplicates = NearDuplicates(state.iter_minhashes())

    def add(self, records: Sequence[EnrichedArticle]) -> tuple[list[Story], list[Relation]]:
        """Assign ``records`` (in order) and return the stories they touched and the relations found."""
        # The stage's matrices are small (a regroup's is at most 96 rows): BLAS threads only add
        # their start-up and spinning, 14 % of a regroup's CPU on the 1,000-article bench store.
        with threadpool_limits(limits=1, user_api="blas"):
            return self._add(records)

    def _add(self, records: Sequence[EnrichedArticle]) -> tuple[list[Story], list[Relation]]:
        touched: dict[str, None] = {}
        gone: dict[str, None] = {}
        relations: list[Relation] = []
        by_id = {r.article.id: r for r in records}
        for record in records:
            assignment = self.clusterer.add(record)
            touched.setdefault(assignment.story_id, None)
            gone.update(dict.fromkeys(assignment.merged))
            touched.update(dict.fromkeys(assignment.changed))
            for other in assignment.linked:
                touched.setdefault(other, None)
            mh = minhash(record.article.text)
            self.state.save_minhash(record.article.id, minhash_bytes(mh))
            for other_id, jaccard in self.duplicates.add(record.article.id, mh):
                relations.append(Relation(other_id, record.article.id, "near_duplicate", round(jaccard, 3)))
            story = self.clusterer.profile(assignment.story_id)
            members = [a for a in story.article_ids if a != record.article.id][-MAX_DERIVATION_CHECKS:] if story else []
            fetched = {a: by_id[a] for a in members if a in by_id}
            missing = [a for a in members if a not in fetched]
            fetched.update({r.article.id: r for r in self.fetch(missing)} if missing else {})
            found = derivations([fetched[m] for m in members if m in fetched], record, self.clusterer.df.store_idf)
            relations += [rewrite for rewrite in found if rewrite is not None]
        self.clusterer.flush()
        # A regroup may give a story merged away earlier in this batch its id back: that one lives.
        gone = {sid: None for sid in gone if (profile := self.clusterer.profile(sid)) is None or profile.id != sid}
        # A story merged into another is returned empty: the store then drops it.
        stories = [Story(id=story_id, article_ids=[]) for story_id in gone]
        done: set[str] = set(gone)
        for story_id in touched:
            profile = self.clusterer.profile(story_id)
            if profile is None or profile.id in done:
                continue
            done.add(profile.id)
            headers = self.headers([a for a in profile.article_ids if a not in by_id])
            headers.update({a: (by_id[a].article.title, by_id[a].article.published) for a in profile.article_ids if a in by_id})
            stories.append(
                to_story(
                    profile,
                    {a: title for a, (title, _) in headers.items()},
                    {a: published for a, (_, published) in headers.items()},
                    self._title(profile, by_id, relations),
                )
            )
        self.clusterer.flush()  # the titles chosen are kept with the profiles
        return stories, relations

    def _title(self, profile: StoryProfile, batch: dict[str, EnrichedArticle], relations: Sequence[Relation]) -> tuple[str | None, Span | None]:
        """The story's title (`storyline.relate.titles`), chosen again only when its first members changed."""
        candidates = profile.article_ids[:MAX_TITLE_CANDIDATES]
        kept = profile.headline
        if kept.get("of") != candidates:
            missing = [a for a in candidates if a not in batch]
            fetched = {r.article.id: r for r in self.fetch(missing)} if missing else {}
            records = [batch.get(a) or fetched[a] for a in candidates if a in batch or a in fetched]
            chosen = set(candidates)
            related = {(r.article_id, r.other_id) for r in relations if r.article_id in chosen and r.other_id in chosen}
            related |= self._near_copies(candidates)
            places = [profile.article_events.get(r.article.id, {}).get("place") for r in records]
            title, span = story_title(records, related, places)
            kept = profile.headline = {"of": candidates, "title": title, "span": span.as_dict() if span else None}
            self.clusterer.profiles.changed(profile.id)
        return kept.get("title"), Span.from_dict(kept["span"]) if kept.get("span") else None

    def _near_copies(self, article_ids: Sequence[str]) -> set[tuple[str, str]]:
        """Pairs of ``article_ids`` whose MinHashes say near-duplicate (one rewrite family)."""
        found = self.duplicates.minhashes
        ids = [a for a in article_ids if a in found]
        return {(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if found[a].jaccard(found[b]) >= self.duplicates.threshold}
