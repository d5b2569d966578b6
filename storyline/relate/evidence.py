"""An article's `Evidence`: the blocks the pair model compares, kept in a story's member sample.

Each article is reduced to content-word counts (whole text and lede), people, actors (people,
organisations, groups), places, numbers, time expressions and years, two sentence vectors (the
lede's and the whole text's: `storyline.relate.semantic`) and its published day; the *lede* is
the title and the first three sentences, where a report says what happened, to whom and where. `weigh` turns
the counts into tf-idf blocks under the store's current document frequencies (`Weighed`), which
`storyline.relate.pairs` compares.

`Evidence.near` is the one part that changes after the article is stored: the log-odds of the
k nearest articles it has been compared with (its *neighbourhood*), which sets the bar a pair
must clear in a regroup (`neighbourhood_bar`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from storyline.models import EnrichedArticle
from storyline.relate.idf import DocFreq
from storyline.relate.semantic import text_vectors, unpack, unpack_uncentred
from storyline.text import ACTOR_LABELS, PLACE_LABELS, YEAR, content_words

__all__ = ["BLOCKS", "LEDE_SENTENCES", "Evidence", "Weighed", "weigh"]

_NUMBER = re.compile(r"\b\d[\d.,:]*(?:st|nd|rd|th|s)?\b")
MAX_TERMS = 120
"""Words kept per article (the most frequent): bounds the size of a story's member sample."""
LEDE_SENTENCES = 3
"""The lede: the title and this many first sentences."""

BLOCKS = ("terms", "lede", "per", "act", "pla", "num", "tim")
"""The count blocks, by their names in the pair model's features and in the stored JSON."""
_FIELD = {"terms": "terms", "lede": "lede", "per": "people", "act": "actors", "pla": "places", "num": "numbers", "tim": "times"}
_PREFIX = {"terms": "", "lede": "", "per": "A:", "act": "A:", "pla": "P:", "num": "N:", "tim": "T:"}
"""Document-frequency key prefix per block (people share the actors' counts)."""


def lede_end(record: EnrichedArticle, sentences: int = LEDE_SENTENCES) -> int:
    """Where the article's lede ends (the first 400 characters when it has no sentences)."""
    return record.sentences[min(sentences, len(record.sentences)) - 1].end if record.sentences else 400


@dataclass
class Evidence:
    """What the pair model knows of one article (counts, JSON-friendly)."""

    terms: dict[str, int]
    lede: dict[str, int]
    people: dict[str, int]
    actors: dict[str, int]
    places: dict[str, int]
    numbers: dict[str, int]
    times: dict[str, int]
    years: list[str]
    lede_people: list[str] = field(default_factory=list)
    """Surnames of the people the lede names."""
    sem_lede: str = ""
    """Sentence vector of the lede, packed (`storyline.relate.semantic`); "" in evidence stored before it."""
    sem_text: str = ""
    """Sentence vector of the title and text."""
    sem_title: str = ""
    """Sentence vector of the headline alone ("" without one): outlets that word one event apart in
    their excerpts often still headline it alike."""
    day: str | None = None
    """The published day (ISO), when known."""
    sem_centred: bool = True
    """The sentence vectors were centred before packing (False in evidence stored before the
    centring: `weigh` centres them then)."""
    near: dict[str, float] = field(default_factory=dict)
    """Log-odds of the k nearest articles compared so far, by article id (written by scoring)."""
    _prepared: _Prepared | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, record: EnrichedArticle, lede_sentences: int = LEDE_SENTENCES, words: Counter[str] | None = None) -> Evidence:
        """``words``: the content words of the title and text, when the caller has counted them."""
        article = record.article
        title = article.title + "\n" if article.title else ""
        text = title + article.text
        end = lede_end(record, lede_sentences)
        per: Counter[str] = Counter()
        lede_people: set[str] = set()
        act: Counter[str] = Counter()
        pla: Counter[str] = Counter()
        for mention in record.entities:
            name = mention.name.lower()
            if mention.label == "PERSON":
                per[name] += 1
                if mention.span.start < end and name.split():
                    lede_people.add(name.split()[-1])
            if mention.label in ACTOR_LABELS:
                act[name] += 1
            elif mention.label in PLACE_LABELS:
                pla[name] += 1
        numbers = (n.rstrip(".,:") for n in _NUMBER.findall(text))
        sem_lede, sem_text, sem_title = text_vectors([title + article.text[:end], text, article.title or ""])
        return cls(
            terms=dict((words if words is not None else content_words(text)).most_common(MAX_TERMS)),
            lede=dict(content_words(title + article.text[:end])),
            people=dict(per),
            actors=dict(act),
            places=dict(pla),
            numbers=dict(Counter(n for n in numbers if not YEAR.fullmatch(n))),
            times=dict(Counter(t.expression.lower() for t in record.times)),
            years=sorted(set(YEAR.findall(text))),
            lede_people=sorted(lede_people),
            sem_lede=sem_lede,
            sem_text=sem_text,
            sem_title=sem_title,
            day=article.published.date().isoformat() if article.published else None,
        )

    def block(self, name: str) -> dict[str, int]:
        """The counts of block ``name`` (one of `BLOCKS`)."""
        return getattr(self, _FIELD[name])

    def keys(self) -> set[str]:
        """The document-frequency keys of this evidence (counted once per article)."""
        keys: set[str] = set()
        for name in ("terms", "lede", "act", "pla", "num", "tim"):
            keys.update(_PREFIX[name] + k for k in self.block(name))
        return keys

    def note_neighbour(self, article_id: str, logit: float, k: int) -> None:
        """Keep ``logit`` (rounded) in the neighbourhood, which holds the ``k`` highest."""
        self.near[article_id] = round(logit, 3)
        if len(self.near) > k:
            del self.near[min(self.near, key=self.near.__getitem__)]

    def neighbourhood_bar(self, k: int) -> float:
        """The log-odds of the k-th nearest article seen so far, floored at even odds (0 until k are seen)."""
        near = sorted(self.near.values(), reverse=True)
        return max(0.0, near[k - 1]) if len(near) >= k else 0.0

    def as_json(self) -> dict[str, Any]:
        """The stored form. Shares its dicts with this object (no copy): the in-memory state then
        sees the neighbourhood grow, as the member samples holding this object do."""
        data: dict[str, Any] = {name: self.block(name) for name in BLOCKS}
        data.update(years=self.years, lede_people=self.lede_people, sem_lede=self.sem_lede, sem_text=self.sem_text, sem_title=self.sem_title, sem_centred=self.sem_centred, day=self.day, near=self.near)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Evidence:
        """Read the stored form (older stores lack ``lede_people``, the sentence vectors, ``day`` and
        ``near``); adopts its dicts."""
        blocks = {_FIELD[name]: data[name] for name in BLOCKS}
        near = data.get("near")
        return cls(
            **blocks,
            years=list(data["years"]),
            lede_people=list(data.get("lede_people", ())),
            sem_lede=str(data.get("sem_lede") or ""),
            sem_text=str(data.get("sem_text") or ""),
            sem_title=str(data.get("sem_title") or ""),
            sem_centred=bool(data.get("sem_centred", False)),
            day=data.get("day"),
            near=near if near is not None else {},
        )


@dataclass(frozen=True)
class Weighed:
    """`Evidence` under the current idf: sublinear tf-idf per block, L2-normalised, and the sets compared."""

    blocks: dict[str, dict[str, float]]
    years: frozenset[str]
    protagonist: str | None
    """The person the article names most (ties: alphabetical last)."""
    people: frozenset[str]
    lede_people: frozenset[str]
    sem_lede: np.ndarray | None = field(default=None, compare=False)
    sem_text: np.ndarray | None = field(default=None, compare=False)
    day: date | None = None
    sem_title: np.ndarray | None = field(default=None, compare=False)


_Prepared = tuple[tuple[tuple[list[str], list[str], list[float]], ...], Weighed]
"""What `weigh` needs of an `Evidence` that the idf does not change, computed once per object (a
story's member sample is weighed again at every article): per block of `BLOCKS` its keys, their
document-frequency keys and their sublinear tf; and the `Weighed` parts besides the blocks."""


def _prepare(ev: Evidence) -> _Prepared:
    blocks = []
    for name in BLOCKS:
        counts = ev.block(name)
        keys = list(counts)
        prefix = _PREFIX[name]
        # 1 + log(count), the sublinear term frequency.
        tf = [1.0 + math.log(c) for c in counts.values()]
        blocks.append((keys, [prefix + k for k in keys] if prefix else keys, tf))
    per = ev.people
    vector = unpack if ev.sem_centred else unpack_uncentred
    rest = Weighed(
        blocks={},
        years=frozenset(ev.years),
        protagonist=max(per, key=lambda k: (per[k], k)) if per else None,
        people=frozenset(per),
        lede_people=frozenset(ev.lede_people),
        sem_lede=vector(ev.sem_lede),
        sem_text=vector(ev.sem_text),
        day=date.fromisoformat(ev.day) if ev.day else None,
        sem_title=vector(ev.sem_title),
    )
    return tuple(blocks), rest


def weigh(ev: Evidence, df: DocFreq) -> Weighed:
    """Sublinear tf-idf, L2-normalised, per block, under the current document frequencies."""
    if ev._prepared is None:
        ev._prepared = _prepare(ev)
    prepared_blocks, rest = ev._prepared
    top, log_counts = df.idf_terms()
    idf_of = log_counts.__getitem__
    blocks: dict[str, dict[str, float]] = {}
    for name, (keys, df_keys, tf) in zip(BLOCKS, prepared_blocks, strict=True):
        w = [t * (top - log_count) for t, log_count in zip(tf, map(idf_of, df_keys), strict=True)]
        norm = math.sqrt(sum(v * v for v in w)) or 1.0
        blocks[name] = dict(zip(keys, [v / norm for v in w], strict=True))
    # Built field by field: `dataclasses.replace` cost as much as the weighing saved.
    r = rest
    return Weighed(blocks, r.years, r.protagonist, r.people, r.lede_people, r.sem_lede, r.sem_text, r.day, r.sem_title)
