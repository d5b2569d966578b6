"""Derivation: which articles of a story rewrite or paraphrase another, with the evidence.

Sentences of two articles are aligned by similarity plus order: each sentence is a tf-idf vector
of its content words (idf from the store), and a monotone alignment (dynamic programming, as in
sequence alignment) keeps the best set of pairs that appear in the same order in both texts.
A pair of articles is a derivation when a large enough share of the shorter one's sentences is
aligned; the aligned sentence pairs are the evidence. The direction is given only when the
evidence supports one: an explicit credit ("reported by Al Jazeera", "according to Reuters")
naming the other's outlet, then an earlier publication date, then one text containing nearly all
of the other (the longer one is taken to build on the shorter). Otherwise it stays unknown.
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from storyline.models import EnrichedArticle, Relation, Span
from storyline.text import content_words

__all__ = ["align_sentences", "derivation", "derivations", "MIN_SENTENCE_SIMILARITY", "MIN_SHARE", "MIN_PAIRS"]

MIN_SENTENCE_SIMILARITY = 0.2
"""Cosine of two sentences' tf-idf vectors above which they may be aligned."""
MIN_SHARE = 0.2
"""Share of the shorter article's sentences that must be aligned for a derivation."""
MIN_PAIRS = 8
MIN_WORDS = 5
"""Shorter sentences (headings, datelines) are not aligned: they match by chance."""

_CREDIT = re.compile(
    r"\b(?:reported by|according to|first reported by|as reported by|told|via|cited by|citing)\s+(?:the\s+)?"
    r"([A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})"
)


_TERMS_CACHE: OrderedDict[tuple[str, int], tuple[list[Span], list[Counter[str]]]] = OrderedDict()
_TERMS_CACHE_SIZE = 512
"""A new article is aligned with up to a dozen members of its story, and each member with every
newcomer: their sentences' words are counted once, not once per pair (the idf still changes)."""


def _sentence_terms(record: EnrichedArticle) -> tuple[list[Span], list[Counter[str]]]:
    key = (record.article.id, len(record.sentences))
    found = _TERMS_CACHE.get(key)
    if found is None:
        spans = [s for s in record.sentences if len(s.text.split()) >= MIN_WORDS]
        found = _TERMS_CACHE[key] = (spans, [content_words(span.text) for span in spans])
        if len(_TERMS_CACHE) > _TERMS_CACHE_SIZE:
            _TERMS_CACHE.popitem(last=False)
    else:
        _TERMS_CACHE.move_to_end(key)
    return found


def _weights(record: EnrichedArticle, idf: Callable[[str], float]) -> tuple[list[Span], list[dict[str, float]]]:
    spans, counts = _sentence_terms(record)
    weight: dict[str, float] = {}
    rows = []
    for terms in counts:
        row = {}
        for k, c in terms.items():
            w = weight.get(k)
            if w is None:
                w = weight[k] = idf(k)
            row[k] = (1 + math.log(c)) * w
        rows.append(row)
    return spans, rows


def _matrix(rows: list[dict[str, float]], vocab: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(rows), len(vocab)), dtype=np.float32)
    for r, row in enumerate(rows):
        for k, v in row.items():
            matrix[r, vocab[k]] = v
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


Weights = tuple[list[Span], list[dict[str, float]]]
"""An article's alignable sentences and their tf-idf weights."""


def align_sentences(
    a: EnrichedArticle, b: EnrichedArticle, idf: Callable[[str], float] = lambda _: 1.0
) -> tuple[list[tuple[Span, Span, float]], int, int]:
    """The monotone alignment of ``a``'s and ``b``'s sentences: (pairs with similarity, sentences of a, of b)."""
    return _align(_weights(a, idf), _weights(b, idf))


def _similarities(weights_a: Weights, weights_b: Weights) -> np.ndarray:
    """The cosine of every sentence of ``a`` with every sentence of ``b``."""
    rows_a, rows_b = weights_a[1], weights_b[1]
    vocab = {k: i for i, k in enumerate(sorted({k for row in rows_a + rows_b for k in row}))}
    return _matrix(rows_a, vocab) @ _matrix(rows_b, vocab).T


def _align(weights_a: Weights, weights_b: Weights, sim: np.ndarray | None = None) -> tuple[list[tuple[Span, Span, float]], int, int]:
    spans_a, spans_b = weights_a[0], weights_b[0]
    if not spans_a or not spans_b:
        return [], len(spans_a), len(spans_b)
    sim = _similarities(weights_a, weights_b) if sim is None else sim
    gain = np.where(sim >= MIN_SENTENCE_SIMILARITY, sim, 0.0)
    n, m = gain.shape
    # best[i][j]: best total gain aligning a[:i] with b[:j], pairs in order (Needleman-Wunsch, no gap cost).
    # Row by row: with gains >= 0, best[i][j] = max over k <= j of max(best[i-1][k], best[i-1][k-1] + gain),
    # a running maximum, so each row is two vector operations instead of m Python steps.
    best = np.zeros((n + 1, m + 1), dtype=np.float32)
    for i in range(1, n + 1):
        step = np.empty(m + 1, dtype=np.float32)
        step[0] = 0.0
        np.maximum(best[i - 1, 1:], best[i - 1, :-1] + gain[i - 1], out=step[1:])
        np.maximum.accumulate(step, out=best[i])
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        if gain[i - 1, j - 1] > 0 and best[i, j] == best[i - 1, j - 1] + gain[i - 1, j - 1]:
            pairs.append((spans_a[i - 1], spans_b[j - 1], float(sim[i - 1, j - 1])))
            i, j = i - 1, j - 1
        elif best[i, j] == best[i - 1, j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1], n, m


def _credits(record: EnrichedArticle) -> list[str]:
    return [m.group(1).lower() for m in _CREDIT.finditer(record.article.text)]


def _credited(record: EnrichedArticle, other: EnrichedArticle) -> bool:
    """Does ``record`` credit ``other``'s outlet ("reported by Al Jazeera")?"""
    outlet = (other.article.outlet or "").lower().strip()
    if not outlet:
        return False
    names = {outlet, outlet.removeprefix("www.").split(".")[0]}
    return any(any(n and (n in credit or credit in n) for n in names) for credit in _credits(record))


def direction(a: EnrichedArticle, b: EnrichedArticle, n_a: int, n_b: int, aligned: int) -> tuple[str | None, str]:
    """``("article->other", why)`` when b derives from a, ``("other->article", why)``, or ``(None, why)``."""
    if _credited(b, a) and not _credited(a, b):
        return "article->other", f"{b.article.id} credits {a.article.outlet}"
    if _credited(a, b) and not _credited(b, a):
        return "other->article", f"{a.article.id} credits {b.article.outlet}"
    pa, pb = a.article.published, b.article.published
    if pa and pb and (pa.tzinfo is None) == (pb.tzinfo is None) and pa != pb:
        return ("article->other", "published earlier") if pa < pb else ("other->article", "published later")
    shorter, longer = (n_a, n_b) if n_a <= n_b else (n_b, n_a)
    if shorter and aligned / shorter >= 0.8 and longer >= 1.25 * shorter:
        # The longer text contains nearly all of the shorter one: it builds on it.
        return ("article->other", "the other text contains nearly all of this one") if n_a < n_b else (
            "other->article",
            "this text contains nearly all of the other",
        )
    return None, "unknown: no credit, no publication dates to compare, neither text contains the other"


def derivation(a: EnrichedArticle, b: EnrichedArticle, idf: Callable[[str], float] = lambda _: 1.0) -> Relation | None:
    """The derivation relation between ``a`` and ``b``, or None when too little of them aligns."""
    return derivations([a], b, idf)[0]


def derivations(others: Sequence[EnrichedArticle], b: EnrichedArticle, idf: Callable[[str], float] = lambda _: 1.0) -> list[Relation | None]:
    """`derivation` of each of ``others`` with ``b`` (``b``'s sentences weighed once)."""
    found: list[Relation | None] = []
    weights_b: Weights | None = None
    for a in others:
        if min(len(_sentence_terms(a)[0]), len(_sentence_terms(b)[0])) < MIN_PAIRS:
            found.append(None)  # too few sentences to align `MIN_PAIRS` of them (an excerpt, a brief)
            continue
        weights_b = weights_b or _weights(b, idf)
        weights_a = _weights(a, idf)
        sim = _similarities(weights_a, weights_b)
        if _too_few_alignable(sim):
            found.append(None)
            continue
        found.append(_relation(a, b, *_align(weights_a, weights_b, sim)))
    return found


def _too_few_alignable(sim: np.ndarray) -> bool:
    """Can no alignment reach a derivation? Each aligned pair takes a sentence of each text that
    has a partner above `MIN_SENTENCE_SIMILARITY`: most pairs of one story's articles fail this
    bound, and the alignment itself is not run for them."""
    if sim.size == 0:
        return True
    alignable = sim >= MIN_SENTENCE_SIMILARITY
    most = min(int(alignable.any(axis=1).sum()), int(alignable.any(axis=0).sum()))
    return most < MIN_PAIRS or most / min(sim.shape) < MIN_SHARE


def _relation(a: EnrichedArticle, b: EnrichedArticle, pairs: list[tuple[Span, Span, float]], n_a: int, n_b: int) -> Relation | None:
    shorter = min(n_a, n_b)
    if not shorter or len(pairs) < MIN_PAIRS or len(pairs) / shorter < MIN_SHARE:
        return None
    way, why = direction(a, b, n_a, n_b, len(pairs))
    return Relation(
        article_id=a.article.id,
        other_id=b.article.id,
        kind="derivation",
        score=round(len(pairs) / shorter, 3),
        direction=way,
        direction_reason=why,
        evidence=[(sa, sb) for sa, sb, _ in pairs],
    )
