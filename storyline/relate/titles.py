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
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from storyline.models import EnrichedArticle, Span
from storyline.text import ENGLISH_STOP_WORDS, STOP_WORDS

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


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def _analyze(sentence: str) -> list[str]:
    """The words a statement is compared on: what ``TfidfVectorizer(stop_words="english")``'s
    analyzer gives (its token pattern, lowercased, English stop words out; a test holds the two
    alike), without importing scikit-learn into every ingest."""
    return [w for w in _TOKEN.findall(sentence.lower()) if w not in ENGLISH_STOP_WORDS]

_STATEMENTS_CACHE: OrderedDict[tuple[str, int], _Statements] = OrderedDict()
_STATEMENTS_CACHE_SIZE = 4096
"""Articles whose statements are kept: a story's first members are compared again each time it grows."""


@dataclass(frozen=True)
class _Statements:
    """One article's sentences that can make a claim: the words of each and the actors each names."""

    words: list[list[str]]
    actors: list[frozenset[str]]


def _statements(record: EnrichedArticle) -> _Statements:
    key = (record.article.id, hash(record.article.text))
    found = _STATEMENTS_CACHE.get(key)
    if found is not None:
        _STATEMENTS_CACHE.move_to_end(key)
        return found
    words: list[list[str]] = []
    actors: list[frozenset[str]] = []
    names = [(m.span.start, m.name) for m in record.entities if m.label in _ACTORS]
    for sentence in record.sentences:
        if len(sentence.text.split()) >= MIN_CLAIM_WORDS:
            words.append(_analyze(sentence.text))
            actors.append(frozenset(name for start, name in names if sentence.start <= start < sentence.end))
    found = _STATEMENTS_CACHE[key] = _Statements(words, actors)
    if len(_STATEMENTS_CACHE) > _STATEMENTS_CACHE_SIZE:
        _STATEMENTS_CACHE.popitem(last=False)
    return found


def _tfidf(words: Sequence[list[str]]) -> csr_matrix:
    """Sublinear tf-idf rows (smoothed idf), L2-normalised, over the vocabulary of ``words``: what
    ``TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform`` gives on the
    sentences, without analysing each sentence again at every call nor validating its input."""
    vocab = {w: i for i, w in enumerate(sorted({w for row in words for w in row}))}
    if not vocab:
        raise ValueError("empty vocabulary")
    rows, cols = [], []
    for r, row in enumerate(words):
        for w in row:
            rows.append(r)
            cols.append(vocab[w])
    matrix = csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(words), len(vocab)))
    matrix.sum_duplicates()
    document_freq = np.bincount(matrix.indices, minlength=len(vocab))
    idf = np.log((1 + len(words)) / (1 + document_freq)) + 1.0
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = csr_matrix(matrix.multiply(1.0 / np.where(norms > 0, norms, 1.0)[:, None]))
    return matrix.astype(np.float32)


def _indicator(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """Rows of names as a 0/1 matrix over their union."""
    vocab: dict[str, int] = {}
    for names in sets:
        for name in names:
            vocab.setdefault(name, len(vocab))
    matrix = np.zeros((len(sets), max(1, len(vocab))), dtype=np.float32)
    for r, names in enumerate(sets):
        for name in names:
            matrix[r, vocab[name]] = 1.0
    return matrix


def corroboration(records: Sequence[EnrichedArticle], related: Collection[tuple[str, str]] = ()) -> dict[str, int]:
    """Per article, how many of its sentences another family's article states too (module docstring);
    ``related`` are pairs known to be one family (near-duplicates, derivations)."""
    counts = {r.article.id: 0 for r in records}
    if len(counts) < 2:
        return counts
    statements = [(r.article.id, _statements(r)) for r in records]
    words = [w for _, s in statements for w in s.words]
    if not words:
        return counts
    try:
        vectors = _tfidf(words)
    except ValueError:  # no vocabulary
        return counts
    similarity = (vectors @ vectors.T).toarray()
    ids = list(counts)
    position = {a: i for i, a in enumerate(ids)}
    # owner[s, a]: sentence s is article a's.
    owner = np.zeros((len(words), len(ids)), dtype=np.float32)
    owner[np.arange(len(words)), [position[a] for a, s in statements for _ in s.words]] = 1.0
    sentences_of = owner.sum(axis=0)
    actors = _indicator([names for _, s in statements for names in s.actors])
    common = (actors @ actors.T) > 0
    same = (similarity >= SAME_STATEMENT) | ((similarity >= SAME_STATEMENT_WITH_ACTOR) & common)
    # share[a, b]: the share of a's sentences close to one of b's; both ways past REWRITE_SHARE: one family.
    close_to = ((similarity >= REWRITE_SIMILARITY).astype(np.float32) @ owner) > 0
    share = (owner.T @ close_to) / np.where(sentences_of > 0, sentences_of, 1)[:, None]
    family = np.minimum(share, share.T) >= REWRITE_SHARE
    for a, b in related:
        if a in position and b in position:
            family[position[a], position[b]] = family[position[b], position[a]] = True
    outlet = np.array([(r.article.outlet or "").strip().casefold() for r in {r.article.id: r for r in records}.values()], dtype=object)
    same_outlet = (outlet[:, None] == outlet[None, :]) & (outlet != "")[:, None]
    others = ~family & ~same_outlet & ~np.eye(len(ids), dtype=bool)
    # A sentence is corroborated when it states what a sentence of an article in `others` states.
    corroborated = (((same.astype(np.float32) @ owner) > 0) & others[owner.argmax(axis=1)]).any(axis=1)
    for a, n in zip(ids, corroborated.astype(np.float32) @ owner, strict=True):
        counts[a] = int(n)
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
