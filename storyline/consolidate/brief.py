"""Build the `Brief` of one story: members, entities and a cited extractive summary."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.models import ArticleRef, Brief, BriefEntity, EnrichedArticle, Relation, Span, Story, SummarySentence
from storyline.settings import Settings

BRIEF_BUILDER_VERSION = "1"
"""Bumped whenever the brief builder changes what it outputs, so cached briefs are rebuilt."""
BRIEF_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT")
MIN_SUMMARY_WORDS = 8
MAX_SUMMARY_WORDS = 60
SUPPORT_SIMILARITY = 0.45
"""TF-IDF cosine above which a sentence of another article counts as saying the same thing."""
MMR_LAMBDA = 0.7


def build_brief(
    story: Story,
    records: Sequence[EnrichedArticle],
    settings: Settings,
    relations: Sequence[Relation] = (),
) -> Brief:
    """The brief of ``story`` from its members' enriched records (in story order)."""
    by_id = {r.article.id: r for r in records}
    members = [by_id[aid] for aid in story.article_ids if aid in by_id]
    return Brief(
        story_id=story.id,
        title=story.title,
        articles=[
            ArticleRef(id=r.article.id, title=r.article.title, url=r.article.url, outlet=r.article.outlet, published=r.article.published)
            for r in members
        ],
        entities=story_entities(members, settings.top_entities),
        summary=extractive_summary(members, settings.summary_sentences),
        relations=list(relations),
    )


def story_entities(records: Sequence[EnrichedArticle], limit: int) -> list[BriefEntity]:
    """Entities grouped by type (people first), each group ranked by articles then mentions, ``limit`` per type."""
    articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    mentions: dict[tuple[str, str], int] = defaultdict(int)
    variants: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        for ent in record.entities:
            if ent.label not in BRIEF_LABELS:
                continue
            key = (ent.label, ent.name)
            articles[key].add(record.article.id)
            mentions[key] += 1
            variants[key].add(ent.span.text)
    order = {aid: i for i, aid in enumerate(r.article.id for r in records)}
    ranked = sorted(articles, key=lambda k: (BRIEF_LABELS.index(k[0]), -len(articles[k]), -mentions[k], k[1]))
    per_label: dict[str, int] = defaultdict(int)
    kept = []
    for key in ranked:
        per_label[key[0]] += 1
        if per_label[key[0]] <= limit:
            kept.append(key)
    return [
        BriefEntity(
            name=name,
            label=label,
            article_ids=sorted(articles[(label, name)], key=order.__getitem__),
            mentions=mentions[(label, name)],
            variants=sorted(variants[(label, name)] - {name}),
        )
        for label, name in kept
    ]


def _candidate(span: Span) -> bool:
    words = span.text.split()
    return MIN_SUMMARY_WORDS <= len(words) <= MAX_SUMMARY_WORDS and span.text[-1:] in ".!?\"”’'"


def extractive_summary(records: Sequence[EnrichedArticle], size: int) -> list[SummarySentence]:
    """Centroid + MMR extractive summary; each sentence cites the sentences of other articles that say the same."""
    sentences = [s for r in records for s in r.sentences]
    if not sentences:
        return []
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([s.text for s in sentences])
    vectors = np.asarray(matrix.todense(), dtype=np.float32)
    similarity = vectors @ vectors.T
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    relevance = vectors @ centroid

    support: dict[int, list[int]] = {}
    for i, sent in enumerate(sentences):
        best_per_article: dict[str, int] = {}
        for j in np.flatnonzero(similarity[i] >= SUPPORT_SIMILARITY):
            other = sentences[j]
            if other.article_id == sent.article_id:
                continue
            if other.article_id not in best_per_article or similarity[i, j] > similarity[i, best_per_article[other.article_id]]:
                best_per_article[other.article_id] = int(j)
        support[i] = list(best_per_article.values())

    # Sentences that other articles confirm rank higher: relevance scaled by the share of articles behind it.
    boost = np.array([1.0 + len(support[i]) / max(1, len(records)) for i in range(len(sentences))])
    score = relevance * boost
    candidates = [i for i, s in enumerate(sentences) if _candidate(s)]
    chosen: list[int] = []
    while candidates and len(chosen) < size:
        def mmr(i: int) -> float:
            redundancy = max((similarity[i, j] for j in chosen), default=0.0)
            return MMR_LAMBDA * score[i] - (1 - MMR_LAMBDA) * redundancy

        best = max(candidates, key=mmr)
        candidates.remove(best)
        if chosen and max(similarity[best, j] for j in chosen) > 0.6:
            continue
        chosen.append(best)

    position = {id(s): k for k, s in enumerate(sentences)}
    chosen.sort(key=lambda i: position[id(sentences[i])])
    return [
        SummarySentence(
            span=sentences[i],
            supporting=[sentences[j] for j in support[i]],
            independent_sources=1 + len({sentences[j].article_id for j in support[i]}),
        )
        for i in chosen
    ]
