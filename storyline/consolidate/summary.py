"""The story's "what happened" summary: the headline the other outlets' articles state most (or,
when none is corroborated, the main event's best-corroborated claim) first, then the sentences the
other outlets' articles and titles say most, each sentence citing the sentences (or titles) of other
articles that state the same thing."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import Families, tfidf, words
from storyline.consolidate.events import ArticleEvent
from storyline.models import Claim, Span, SummarySentence
from storyline.text import ENGLISH_STOP_WORDS

MIN_SUMMARY_WORDS = 8
MAX_SUMMARY_WORDS = 60
DANGLING_OPENERS = {"he", "she", "they", "it", "this", "that", "these", "those", "his", "her", "their", "its"}
TITLE_WEIGHT = 1.0
"""Weight of another article's title against its best sentence in a sentence's cross-outlet match."""
OWN_TITLE_WEIGHT = 1.0
LEAD_WEIGHT = 0.3
"""Bonus of a sentence for coming early in its article, divided by one plus its position."""
LONG_SENTENCE_WORDS = 30
LENGTH_PENALTY = 0.2
"""Weight taken off per LONG_SENTENCE_WORDS words beyond LONG_SENTENCE_WORDS."""
SHARED_WEIGHT = 1.0
"""Weight of the share of a sentence's content words the other articles use."""
SAME_ARTICLE_PENALTY = 0.1
"""Weight taken off a sentence for each chosen sentence of its article: a summary across outlets."""
SAME_STATEMENT = 0.5
"""Share of the shorter sentence's content words the other must use to be cited as stating the same thing."""
MAX_SUMMARY_REDUNDANCY = 0.6
"""TF-IDF cosine to an already chosen sentence above which a candidate repeats it."""
MIN_TITLE_WORDS = 4
"""A shorter title ("Live updates", a section name) states no event."""

__all__ = ["extractive_summary", "main_event"]


def _positions(table: SentenceTable) -> list[int]:
    """Each row's sentence number within its article (0 for the first)."""
    seen: dict[str, int] = {}
    out = []
    for span in table.spans:
        out.append(seen.get(span.article_id, 0))
        seen[span.article_id] = out[-1] + 1
    return out


def _summary_candidate(text: str) -> bool:
    words = text.split()
    if not (MIN_SUMMARY_WORDS <= len(words) <= MAX_SUMMARY_WORDS and text.rstrip()[-1:] in ".!\"”’'"):
        return False
    # A sentence that opens with a pronoun or a quote leans on the sentence before it.
    return words[0].lower() not in DANGLING_OPENERS and words[0][:1] not in "“\"‘'"


def main_event(events: dict[str, ArticleEvent]) -> tuple[str | None, set[str]]:
    """The place of the event most articles report, and those articles."""
    by_place: dict[str, set[str]] = {}
    for ev in events.values():
        by_place.setdefault(ev.place, set()).add(ev.article_id)
    if not by_place:
        return None, set()
    place = max(by_place, key=lambda p: (len(by_place[p]), p))
    return place, by_place[place]


def extractive_summary(
    table: SentenceTable,
    claims: Sequence[Claim],
    families: Families,
    size: int,
    event: tuple[str | None, set[str]] = (None, set()),
    titles: dict[str, str] | None = None,
) -> list[SummarySentence]:
    """What happened: the main event's best-corroborated claim first, then the sentences most
    central across outlets.

    A sentence's weight is how closely the other articles (their sentences and titles,
    ``titles`` by article id) say the same, plus how closely its own title does and how early it
    comes in its article. The lead is the heaviest sentence of the claims of the main event
    (``event``: its place and articles) that the most independent sources carry, naming the
    event's place where one does: an article no other source corroborates never leads. The rest
    follow by weight, corroborated claims first, each not repeating one already chosen. Each summary
    sentence cites the sentences of its claim in other articles that state the same thing (its
    ``independent_sources`` stays the claim's).
    """
    if not claims or not len(table.spans):
        return []
    row = {(s.article_id, s.start, s.end): i for i, s in enumerate(table.spans)}
    weight = sentence_weights(table, titles or {})
    position = _positions(table)
    candidates: list[tuple[Claim, int, float]] = []
    spare: list[tuple[Claim, int, float]] = []
    for claim in claims:
        for span in claim.spans:
            i = row[(span.article_id, span.start, span.end)]
            (candidates if _summary_candidate(span.text) else spare).append((claim, i, float(weight[i])))
    if not candidates:
        return []

    chosen: list[tuple[Claim, int, float]] = []
    place, event_articles = event
    lead_pool = [c for c in candidates if set(c[0].article_ids) & event_articles] or candidates
    most = max(c[0].independent_sources for c in lead_pool)
    lead_pool = [c for c in lead_pool if c[0].independent_sources == most]
    if place is not None and any(place in table.spans[c[1]].text for c in lead_pool):
        # The lead says where it happened when a sentence of it does.
        lead_pool = [c for c in lead_pool if place in table.spans[c[1]].text]
    chosen.append(max(lead_pool, key=lambda c: (c[2], -position[c[1]])))
    headline = _lead_title(table, titles or {}, families)
    uncorroborated = _uncorroborated_articles(claims)
    rest = [c for c in candidates if c[0] is not chosen[0][0]]
    # Corroborated statements first, then the rest; the articles that share nothing with another
    # source after those (they may be off the story); last, rather than too short a summary, the
    # sentences that read less well alone (a quote first; never a pronoun first).
    for tier in (
        [c for c in rest if c[0].independent_sources > 1],
        [c for c in rest if table.spans[c[1]].article_id not in uncorroborated and c[0].independent_sources == 1],
        [c for c in rest if table.spans[c[1]].article_id in uncorroborated and c[0].independent_sources == 1],
        [c for c in spare if table.spans[c[1]].text.split()[0].lower() not in DANGLING_OPENERS],
    ):
        while tier and len(chosen) < size:
            pick = max(tier, key=lambda c: c[2] - SAME_ARTICLE_PENALTY * sum(table.spans[c[1]].article_id == table.spans[x[1]].article_id for x in chosen))
            tier.remove(pick)
            if any(c[0] is pick[0] for c in chosen):
                continue
            if max(float(table.similarity[pick[1], c[1]]) for c in chosen) > MAX_SUMMARY_REDUNDANCY:
                continue
            chosen.append(pick)

    out = []
    if headline is not None:
        # The lead is the headline that the other outlets state most; the sentences that follow
        # must not repeat it, and it replaces the last one so the summary keeps its length.
        title, supporting, similarity = headline
        chosen = [c for c in chosen if similarity[c[1]] <= MAX_SUMMARY_REDUNDANCY][: max(0, size - 1)]
        out.append(SummarySentence(span=title, supporting=supporting, independent_sources=families.count([title.article_id, *(s.article_id for s in supporting)])))
    for claim, best, _ in chosen:
        span = table.spans[best]
        out.append(
            SummarySentence(
                span=span,
                supporting=[s for s in claim.spans if s != span and _states_the_same(table, best, row[(s.article_id, s.start, s.end)])],
                independent_sources=claim.independent_sources,
            )
        )
    return out


def _lead_title(table: SentenceTable, titles: dict[str, str], families: Families) -> tuple[Span, list[Span], np.ndarray] | None:
    """The title that the other articles state most closely (its best TF-IDF match, a sentence or
    a title, in each other article, averaged over them), with what it cites (per other article, the
    best-matching sentence, and the title, that state the same thing) and its TF-IDF similarity to
    every sentence; None when no title is stated by another independent source."""
    spans = table.spans
    article_ids = list(dict.fromkeys(s.article_id for s in spans))
    heads = [a for a in article_ids if len(titles.get(a, "").split()) >= MIN_TITLE_WORDS]
    if len(article_ids) < 2 or not heads:
        return None
    vectors = tfidf([titles[a] for a in heads] + [s.text for s in spans])
    to_title = vectors[: len(heads)] @ vectors[: len(heads)].T
    to_sentence = vectors[: len(heads)] @ vectors[len(heads) :].T
    of = np.array([s.article_id for s in spans])
    people = {name for found in table.people for name in found}
    best: tuple[float, int, list[Span]] | None = None
    for t, aid in enumerate(heads):
        title_words = set(_content_words(titles[aid]))
        named = {p for p in people if words(p) and words(p)[-1] in set(words(titles[aid]))}
        matches, supporting = [], []
        for other in article_ids:
            if other == aid:
                continue
            rows = np.flatnonzero(of == other)
            found = [float(to_sentence[t, rows].max())] if len(rows) else [0.0]
            if other in heads:
                found.append(float(to_title[t, heads.index(other)]))
            matches.append(max(found))
            stating = [i for i in rows if _same_words(title_words, set(_content_words(spans[i].text))) and (not named or not table.people[i] or bool(named & table.people[i]))]
            if stating:
                i = max(stating, key=lambda i: to_sentence[t, i])
                supporting.append(spans[i])
            if other in heads and _same_words(title_words, set(_content_words(titles[other]))):
                supporting.append(_title_span(other, titles[other]))
        weight = sum(matches) / len(matches)
        if families.count([aid, *(s.article_id for s in supporting)]) > 1 and (best is None or weight > best[0]):
            best = (weight, t, supporting)
    if best is None:
        return None
    _, t, supporting = best
    return _title_span(heads[t], titles[heads[t]]), supporting, to_sentence[t]


def _title_span(article_id: str, title: str) -> Span:
    return Span(article_id, 0, len(title), title, field="title")


def _same_words(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= SAME_STATEMENT


def _states_the_same(table: SentenceTable, sentence: int, other: int) -> bool:
    """Does sentence ``other`` say what ``sentence`` says: most of the shorter one's content words
    in the other, and a shared actor where both name people or organisations? (A neighbouring
    sentence of the same claim, sharing a name but not what is said of it, does not.)"""
    a, b = set(_content_words(table.spans[sentence].text)), set(_content_words(table.spans[other].text))
    if not a or not b or len(a & b) / min(len(a), len(b)) < SAME_STATEMENT:
        return False
    actors, others = table.people[sentence], table.people[other]
    return not (actors and others) or bool(actors & others)


def _uncorroborated_articles(claims: Sequence[Claim]) -> set[str]:
    """Articles none of whose claims another independent source carries."""
    every = {a for c in claims for a in c.article_ids}
    corroborated = {a for c in claims if c.independent_sources > 1 for a in c.article_ids}
    return every - corroborated


def sentence_weights(table: SentenceTable, titles: dict[str, str]) -> np.ndarray:
    """How central each sentence is across outlets: its best match in each other article (a
    sentence or the title), averaged over the other articles, plus its own title's match and a
    bonus for coming early in its article."""
    spans = table.spans
    article_ids = list(dict.fromkeys(s.article_id for s in spans))
    title_ids = [a for a in article_ids if titles.get(a)]
    vectors = tfidf([s.text for s in spans] + [titles[a] for a in title_ids])
    sentences, heads = vectors[: len(spans)], vectors[len(spans) :]
    similarity = sentences @ sentences.T
    to_title = sentences @ heads.T if len(title_ids) else np.zeros((len(spans), 0), dtype=np.float32)
    column = {aid: k for k, aid in enumerate(article_ids)}
    of = np.array([column[s.article_id] for s in spans])
    best = np.zeros((len(spans), len(article_ids)), dtype=np.float32)
    for k in range(len(article_ids)):
        inside = of == k
        if inside.any():
            best[:, k] = similarity[:, inside].max(axis=1)
    for t, aid in enumerate(title_ids):
        k = column[aid]
        best[:, k] = np.maximum(best[:, k], TITLE_WEIGHT * to_title[:, t])
    others = len(article_ids) - 1
    best[np.arange(len(spans)), of] = 0.0
    cross = best.sum(axis=1) / others if others else np.zeros(len(spans), dtype=np.float32)
    own_title = np.zeros(len(spans), dtype=np.float32)
    for t, aid in enumerate(title_ids):
        k = column[aid]
        own_title[of == k] = to_title[of == k, t]
    position = np.array(_positions(table), dtype=np.float32)
    length = np.array([len(s.text.split()) for s in spans], dtype=np.float32)
    too_long = np.maximum(0.0, length - LONG_SENTENCE_WORDS) / LONG_SENTENCE_WORDS
    shared = _shared_words(table, titles, article_ids)
    return cross + OWN_TITLE_WEIGHT * own_title + LEAD_WEIGHT / (1.0 + position) - LENGTH_PENALTY * too_long + SHARED_WEIGHT * shared


def _content_words(text: str) -> list[str]:
    return [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words(text) if w not in ENGLISH_STOP_WORDS and len(w) > 1]


def _shared_words(table: SentenceTable, titles: dict[str, str], article_ids: list[str]) -> np.ndarray:
    """The share of each sentence's content words that the other articles (text or title) use too."""
    users: dict[str, set[str]] = {}
    for aid in article_ids:
        for w in _content_words(titles.get(aid, "")):
            users.setdefault(w, set()).add(aid)
    content = [_content_words(span.text) for span in table.spans]
    for span, found in zip(table.spans, content, strict=True):
        for w in found:
            users.setdefault(w, set()).add(span.article_id)
    others = max(1, len(article_ids) - 1)
    out = np.zeros(len(table.spans), dtype=np.float32)
    for i, (span, found) in enumerate(zip(table.spans, content, strict=True)):
        if found:
            out[i] = sum(len(users[w]) - (span.article_id in users[w]) for w in found) / (others * len(found))
    return out
