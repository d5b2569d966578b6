"""A story's title: the headline of its best-corroborated article, or a headline made from a lead.

*Corroboration* is counted as the consolidate stage counts a claim's support: an article's
sentence (of at least `MIN_CLAIM_WORDS` words) is corroborated when an article of another
outlet and another rewrite family states it too: TF-IDF cosine (over the candidates' sentences)
of at least `SAME_STATEMENT`, or `SAME_STATEMENT_WITH_ACTOR` when both sentences name a common
person or organisation. Articles of one outlet, near-copies and rewrites (both articles with at
least `REWRITE_SHARE` of their sentences matched at `REWRITE_SIMILARITY`, or a pair the caller
knows as a near-duplicate or a derivation) are one *family* and never corroborate each other.

The title comes from the article of the main event (the place most members' leads report,
`storyline.lead_event`) with the most corroborated sentences (then one with a headline, then
the earliest): an article no other source corroborates never names a story that
has a corroborated one. The candidates are the story's first `MAX_TITLE_CANDIDATES` members, the
event its id was given for. An article without a headline (JSONL without ``title``, ECB+) gets one
made from its lead: the first sentence, or its first clause when the sentence runs long, with the
span it was taken from (`Story.title_span`), so the title is cited like every other statement.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.models import EnrichedArticle, Span
from storyline.text import STOP_WORDS

__all__ = ["MAX_TITLE_CANDIDATES", "corroboration", "lead_title", "main_event", "story_title"]

MAX_TITLE_CANDIDATES = 16
"""Members whose sentences are compared to choose a title (the first ones: the story's own event)."""
MIN_CLAIM_WORDS = 6
SAME_STATEMENT = 0.5
SAME_STATEMENT_WITH_ACTOR = 0.3
"""The consolidate stage's bars for one claim (``consolidate.claims.SAME_CLAIM*``)."""
REWRITE_SIMILARITY = 0.3
REWRITE_SHARE = 0.2
"""Two articles sharing this share of their sentences at this cosine are one rewrite family (as
``consolidate.claims.estimated_rewrite_pairs``)."""
MAX_TITLE_WORDS = 16
"""A lead sentence longer than this is cut at a clause boundary, or after this many words."""

_ACTORS = ("PERSON", "ORG")
_CLAUSE_END = re.compile(r"[,;:]\s|\s[-–—]\s")
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,40}(?:\([^)]{1,40}\))?\s*[-–—]+\s*")


def _statements(records: Sequence[EnrichedArticle]) -> tuple[list[str], list[str], list[set[str]]]:
    """The sentences that can make a claim: (their texts, their articles, the actors each names)."""
    texts: list[str] = []
    owners: list[str] = []
    actors: list[set[str]] = []
    for record in records:
        for sentence in record.sentences:
            if len(sentence.text.split()) >= MIN_CLAIM_WORDS:
                owners.append(record.article.id)
                texts.append(sentence.text)
                actors.append({m.name for m in record.entities if m.label in _ACTORS and sentence.start <= m.span.start < sentence.end})
    return texts, owners, actors


def corroboration(records: Sequence[EnrichedArticle], related: Collection[tuple[str, str]] = ()) -> dict[str, int]:
    """Per article, how many of its sentences another family's article states too (module docstring);
    ``related`` are pairs known to be one family (near-duplicates, derivations)."""
    counts = {r.article.id: 0 for r in records}
    texts, owners_list, actors = _statements(records)
    if len(counts) < 2 or not texts:
        return counts
    try:
        vectors = np.asarray(TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).todense(), dtype=np.float32)
    except ValueError:  # no vocabulary
        return counts
    similarity = vectors @ vectors.T
    owners = np.array(owners_list)
    common = np.array([[bool(a & b) for b in actors] for a in actors])
    same = (similarity >= SAME_STATEMENT) | ((similarity >= SAME_STATEMENT_WITH_ACTOR) & common)
    outlet = {r.article.id: (r.article.outlet or "").strip().casefold() for r in records}
    family = {frozenset(pair) for pair in related}
    rows = {a: np.flatnonzero(owners == a) for a in counts}
    for i, a in enumerate(counts):
        for b in list(counts)[i + 1 :]:
            if len(rows[a]) and len(rows[b]) and frozenset((a, b)) not in family:
                close = similarity[np.ix_(rows[a], rows[b])] >= REWRITE_SIMILARITY
                if min(close.any(axis=1).mean(), close.any(axis=0).mean()) >= REWRITE_SHARE:
                    family.add(frozenset((a, b)))
    for a in counts:
        others = np.array([b != a and frozenset((a, b)) not in family and not (outlet[a] and outlet[a] == outlet[b]) for b in owners])
        if len(rows[a]) and others.any():
            counts[a] = int(same[np.ix_(rows[a], np.flatnonzero(others))].any(axis=1).sum())
    return counts


def lead_title(record: EnrichedArticle) -> Span | None:
    """A headline made from the lead: the first sentence of at least three words (a dateline
    left off), cut at its first clause boundary or after `MAX_TITLE_WORDS` words when longer
    (then without the function words it would end on)."""
    text = record.article.text
    sentences = record.sentences or ([Span(record.article.id, 0, len(text), text)] if text.strip() else [])
    sentence = next((s for s in sentences if len(s.text.split()) >= 3), None)
    if sentence is None:
        return None
    start, end = sentence.start, sentence.end
    dateline = _DATELINE.match(text, start, end)
    if dateline and len(text[dateline.end() : end].split()) >= 3:
        start = dateline.end()
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) > MAX_TITLE_WORDS:
        cut = next((m.start() for m in _CLAUSE_END.finditer(text, start + words[3].start(), end) if m.start() < start + words[MAX_TITLE_WORDS].start()), None)
        end = cut if cut is not None else start + words[MAX_TITLE_WORDS - 1].end()
        # A cut title ends on a word that carries meaning ("waters of" -> "waters").
        while (last := re.search(r"(\S+)\s*$", text[start:end])) and last.group(1).casefold() in STOP_WORDS and last.start() > 0:
            end = start + last.start()
    while end > start and text[end - 1] in " \t\n.,;:-–—":
        end -= 1
    return Span(record.article.id, start, end, text[start:end])


def main_event(places: Sequence[str | None]) -> set[int]:
    """Positions of the main event's articles, given each article's event place (its lead's):
    the place most articles report, ties to the earliest; every position when none has one."""
    counts: dict[str, int] = {}
    for place in places:
        if place:
            counts[place] = counts.get(place, 0) + 1
    if not counts:
        return set(range(len(places)))
    main = max(counts, key=lambda p: (counts[p], -places.index(p)))
    return {i for i, place in enumerate(places) if place == main}


def story_title(
    records: Sequence[EnrichedArticle], related: Collection[tuple[str, str]] = (), places: Sequence[str | None] | None = None
) -> tuple[str | None, Span | None]:
    """The title of a story whose first members are ``records`` (in arrival order): the headline
    of the best-corroborated article of the main event (``places``: each record's event place,
    `main_event`), or one made from its lead (with its span). Every member corroborates."""
    if not records:
        return None, None
    support = corroboration(records, related)
    order = {r.article.id: i for i, r in enumerate(records)}
    main = main_event(places) if places is not None else set(order.values())
    best = max((r for r in records if order[r.article.id] in main), key=lambda r: (support[r.article.id], bool(r.article.title), -order[r.article.id]))
    if best.article.title:
        return best.article.title, None
    span = lead_title(best)
    return (span.text, span) if span is not None else (None, None)
