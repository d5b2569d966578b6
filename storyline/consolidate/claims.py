"""Claims: the story's factual statements, grouped across articles, with independent support counted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.consolidate.common import Families, SentenceIndex, UnionFind, tfidf
from storyline.consolidate.entities import Canonical
from storyline.models import Claim, EnrichedArticle, Relation, Span
from storyline.text import content_words

SAME_CLAIM = 0.5
"""TF-IDF cosine at which two sentences of different articles make the same claim outright."""
SAME_CLAIM_WITH_ENTITY = 0.3
"""Lower cosine that suffices when the two sentences also name a common (non-place) entity."""
ACTOR_LABELS = ("PERSON", "ORG")
SAME_ACTORS = 0.5
"""Jaccard overlap of two sentences' actors (people, organisations) for them to state one fact."""
SHARED_CONTENT = 3
"""Content words (stemmed) two sentences share, at least, to state one fact when one names no actor."""
STEM = 5
MIN_CLAIM_WORDS = 6
REWRITE_ALIGNED_SHARE = 0.2
"""Fallback only (no relations stored): share of both articles' sentences aligned above
``REWRITE_SENTENCE_SIMILARITY`` for two articles to be taken as one rewrite family."""
REWRITE_SENTENCE_SIMILARITY = 0.3


@dataclass
class SentenceTable:
    """Every sentence of the story with its TF-IDF vector, similarity matrix and annotations."""

    spans: list[Span]
    vectors: np.ndarray
    similarity: np.ndarray
    entities: list[set[str]]
    people: list[set[str]]
    numbers: list[list[Span]]
    times: list[list[Span]]


def sentence_table(records: Sequence[EnrichedArticle], canonical: Canonical) -> SentenceTable:
    spans = [s for r in records for s in r.sentences]
    vectors = tfidf([s.text for s in spans])
    similarity = vectors @ vectors.T if len(spans) else np.zeros((0, 0), dtype=np.float32)
    index = SentenceIndex(records)
    position = {(s.article_id, s.start): i for i, s in enumerate(spans)}
    entities: list[set[str]] = [set() for _ in spans]
    people: list[set[str]] = [set() for _ in spans]
    numbers: list[list[Span]] = [[] for _ in spans]
    times: list[list[Span]] = [[] for _ in spans]

    def slot(span: Span) -> int | None:
        sent = index.sentence_of(span)
        return position.get((sent.article_id, sent.start)) if sent else None

    # An actor the tagger missed in a sentence ("Rustem Umerov, head of ...") is still named there:
    # any written form of a person or organisation of the story, or a person's surname.
    by_form: dict[str, set[str]] = {}
    for e in canonical.entities:
        if e.label not in ACTOR_LABELS:
            continue
        forms = {e.name, *e.variants}
        parts = e.name.split()
        if e.label == "PERSON" and len(parts) > 1 and len(parts[-1]) >= 4:
            forms.add(parts[-1])
        for form in forms:
            if len(form) >= 2:
                by_form.setdefault(form, set()).add(e.name)
    if by_form:
        pattern = re.compile(r"\b(" + "|".join(re.escape(f) for f in sorted(by_form, key=len, reverse=True)) + r")\b")
        for row, span in enumerate(spans):
            for found in pattern.findall(span.text):
                people[row].update(by_form[found])
    for record in records:
        aid = record.article.id
        for m in record.entities:
            i = slot(m.span)
            if i is not None:
                name = canonical.name(aid, m.name) or m.name
                entities[i].add(name)
                if canonical.label_of.get(name) in ACTOR_LABELS:
                    people[i].add(name)
        for n in record.numbers:
            i = slot(n.span)
            if i is not None:
                numbers[i].append(n.span)
        for t in record.times:
            i = slot(t.span)
            if i is not None:
                times[i].append(t.span)
    return SentenceTable(spans, vectors, similarity, entities, people, numbers, times)


def estimated_rewrite_pairs(table: SentenceTable, article_ids: Sequence[str]) -> list[tuple[str, str]]:
    """Article pairs whose sentences align so much that one is a rewrite of the other.

    Used only when the store holds no relations for the story (relate did not run), so that
    corroboration is not overcounted; the relate stage's derivation relations are the real answer.
    """
    rows = {aid: np.flatnonzero([s.article_id == aid for s in table.spans]) for aid in article_ids}
    pairs = []
    for i, a in enumerate(article_ids):
        for b in article_ids[i + 1 :]:
            ra, rb = rows[a], rows[b]
            if len(ra) < 3 or len(rb) < 3:
                continue
            sub = table.similarity[np.ix_(ra, rb)]
            share_a = float((sub.max(axis=1) >= REWRITE_SENTENCE_SIMILARITY).mean())
            share_b = float((sub.max(axis=0) >= REWRITE_SENTENCE_SIMILARITY).mean())
            if min(share_a, share_b) >= REWRITE_ALIGNED_SHARE:
                pairs.append((a, b))
    return pairs


def _stems(text: str) -> set[str]:
    return {w[:STEM] for w in content_words(text) if len(w) >= STEM - 1}


def says_same(table: SentenceTable, i: int, j: int) -> bool:
    """Whether sentences ``i`` and ``j`` can state one fact, not two neighbouring ones: mostly the
    same actors (people and organisations, Jaccard at least ``SAME_ACTORS``), or, when one names
    none (a pronoun, a strike), close wording or ``SHARED_CONTENT`` content words in common."""
    a, b = table.people[i], table.people[j]
    if a and b:
        return len(a & b) >= SAME_ACTORS * len(a | b)
    shared = len(_stems(table.spans[i].text) & _stems(table.spans[j].text))
    similarity = float(table.similarity[i, j])
    return shared >= SHARED_CONTENT or similarity >= (SAME_CLAIM if a or b else SAME_CLAIM_WITH_ENTITY)


def is_claim(span: Span) -> bool:
    """A sentence that states something: long enough, ending like a statement, not a question."""
    text = span.text.strip()
    return len(text.split()) >= MIN_CLAIM_WORDS and text[-1:] in ".!\"”’'" and not text.endswith("?")


def build_claims(
    table: SentenceTable,
    families: Families,
    relations: Sequence[Relation] = (),
    place_names: frozenset[str] = frozenset(),
    event_of: dict[str, str] | None = None,
) -> list[Claim]:
    """Group the sentences that say the same thing; best-supported claims first.

    ``event_of`` maps an article to the place of the event it mainly reports: sentences of
    articles about different events need a closer wording to be one claim, and sentences that
    name two different event places are never one claim (Geneva's talks are not Florida's).
    """
    event_of = event_of or {}
    event_places = set(event_of.values())
    candidates = [i for i, s in enumerate(table.spans) if is_claim(s)]
    key = {(s.article_id, s.start, s.end): i for i, s in enumerate(table.spans)}
    uf = UnionFind(str(i) for i in candidates)
    members_of: dict[str, set[str]] = {str(i): {table.spans[i].article_id} for i in candidates}
    rows_of: dict[str, list[int]] = {str(i): [i] for i in candidates}

    def join(i: int, j: int) -> None:
        ri, rj = uf.find(str(i)), uf.find(str(j))
        if ri == rj or members_of[ri] & members_of[rj]:
            return  # a claim takes at most one sentence per article
        if not all(says_same(table, a, b) for a in rows_of[ri] for b in rows_of[rj]):
            return  # every sentence of a claim states what every other one does, not a neighbour fact
        uf.union(ri, rj)
        root = uf.find(ri)
        members_of[root] = members_of[ri] | members_of[rj]
        rows_of[root] = rows_of[ri] + rows_of[rj]

    # The relate stage's aligned sentence pairs are the same claim by construction.
    for rel in relations:
        for a, b in rel.evidence:
            i, j = key.get((a.article_id, a.start, a.end)), key.get((b.article_id, b.start, b.end))
            if i is not None and j is not None and str(i) in members_of and str(j) in members_of:
                join(i, j)
    pairs = []
    cand = np.array(candidates, dtype=int)
    for i in candidates:
        sims = table.similarity[i, cand]
        for j in cand[(sims >= SAME_CLAIM_WITH_ENTITY) & (cand > i)]:
            if table.spans[j].article_id == table.spans[i].article_id:
                continue
            sim = float(table.similarity[i, j])
            ea, eb = event_of.get(table.spans[i].article_id), event_of.get(table.spans[int(j)].article_id)
            if ea and eb and ea != eb and sim < SAME_CLAIM:
                continue
            pi, pj = table.entities[i] & event_places, table.entities[j] & event_places
            if pi and pj and not pi & pj:
                continue
            shared = (table.entities[i] & table.entities[j]) - place_names
            if sim >= SAME_CLAIM or shared:
                pairs.append((sim, i, int(j)))
    for _, i, j in sorted(pairs, reverse=True):
        join(i, j)

    claims = []
    for group in uf.groups():
        idx = sorted((int(g) for g in group), key=lambda k: k)
        article_ids = [table.spans[k].article_id for k in idx]
        claims.append(
            Claim(
                id="",
                text=table.spans[idx[0]].text,
                spans=[table.spans[k] for k in idx],
                article_ids=article_ids,
                independent_sources=families.count(article_ids),
                families=families.split(article_ids),
                entities=sorted(set().union(*(table.entities[k] for k in idx))),
                numbers=[n for k in idx for n in table.numbers[k]],
                times=[t for k in idx for t in table.times[k]],
            )
        )
    first = {id(c): min(key[(s.article_id, s.start, s.end)] for s in c.spans) for c in claims}
    claims.sort(key=lambda c: (-c.independent_sources, -len(c.article_ids), first[id(c)]))
    for i, claim in enumerate(claims, start=1):
        claim.id = f"c{i}"
    return claims
