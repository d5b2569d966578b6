"""Story grouping, first cut: single-pass clustering on TF-IDF cosine with a time window.

Articles are taken in the order given (the store passes ingest order); each joins the story whose centroid is
most similar, when that similarity clears ``Settings.story_similarity_threshold`` and the
story was last seen within ``Settings.story_window_days``; otherwise it starts a story.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.models import EnrichedArticle, Story
from storyline.settings import Settings


def _when(record: EnrichedArticle) -> datetime | None:
    return record.article.published


def story_id_for(first_article_id: str) -> str:
    """Stories are named after their first article, so re-running the grouping keeps ids stable."""
    return "s" + first_article_id[:11]


def group_stories(records: Sequence[EnrichedArticle], settings: Settings) -> list[Story]:
    if not records:
        return []
    texts = [(r.article.title or "") + "\n" + r.article.text for r in records]
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(texts)
    vectors = np.asarray(vectors.todense(), dtype=np.float32)
    window = timedelta(days=settings.story_window_days)

    centroids: list[np.ndarray] = []
    members: list[list[int]] = []
    last_seen: list[datetime | None] = []
    for i, record in enumerate(records):
        when = _when(record)
        best, best_score = -1, settings.story_similarity_threshold
        for s, centroid in enumerate(centroids):
            if when and last_seen[s] and abs(when - last_seen[s]) > window:
                continue
            norm = np.linalg.norm(centroid)
            score = float(vectors[i] @ centroid / norm) if norm else 0.0
            if score >= best_score:
                best, best_score = s, score
        if best < 0:
            centroids.append(vectors[i].copy())
            members.append([i])
            last_seen.append(when)
        else:
            centroids[best] += vectors[i]
            members[best].append(i)
            if when and (last_seen[best] is None or when > last_seen[best]):
                last_seen[best] = when

    stories = []
    for group in members:
        arts = [records[i].article for i in group]
        dates = [a.published for a in arts if a.published]
        stories.append(
            Story(
                id=story_id_for(arts[0].id),
                article_ids=[a.id for a in arts],
                title=next((a.title for a in arts if a.title), None),
                first_seen=min(dates) if dates else None,
                last_seen=max(dates) if dates else None,
            )
        )
    return stories
