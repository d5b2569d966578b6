"""Do two articles report the same event? A small learnt pairwise model over several similarities.

Each article is reduced to its `evidence`: content-word counts (whole text and lede), people,
actors (people, organisations, groups), places, numbers, time expressions and years. Two
articles are compared block by block (tf-idf cosine under the store's current document
frequencies) plus a few agreement flags (same years, same latest year, the people the ledes
name, the same protagonist); a logistic regression turns those similarities into the
probability that both report one event. Its coefficients are plain JSON (``story_model.json``),
learnt on ECB+ train by ``scripts/learn_story_model.py``.

Why more than words: the events of an ECB+ topic look alike ("Tara Reid enters rehab" vs
"Lindsay Lohan enters rehab"); their people, places, numbers ("81st Academy Awards") and
dates are what tell them apart. The people a lede names get flags of their own: two Chargers
players arrested for drunk driving a month apart share nearly every word but the name in the
lede, and the later reports recall the earlier arrest, so "both mention Jackson" proves little.
A linear model still weighs the shared words higher; ECB+ dev topic 35 stays merged.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from storyline.models import EnrichedArticle
from storyline.relate.features import ACTORS, PLACES, DocFreq, terms_of

__all__ = ["BLOCKS", "FEATURES", "PairModel", "evidence", "evidence_keys", "idf_prior", "pair_features", "sigmoid", "weigh"]

MODEL_PATH = Path(__file__).with_name("story_model.json")
PRIOR_PATH = Path(__file__).with_name("idf_prior.json")

_NUMBER = re.compile(r"\b\d[\d.,:]*(?:st|nd|rd|th|s)?\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
MAX_TERMS = 120
"""Words kept per article (the most frequent): bounds the size of a story's member sample."""

BLOCKS = ("terms", "lede", "per", "act", "pla", "num", "tim")
_PREFIX = {"terms": "", "lede": "", "per": "A:", "act": "A:", "pla": "P:", "num": "N:", "tim": "T:"}
FEATURES = (
    *BLOCKS,
    "years_jaccard",
    "years_conflict",
    "latest_year_agree",
    "latest_year_conflict",
    "people_conflict",
    "lede_people_share",
    "lede_people_conflict",
    "protagonist_same",
    "protagonist_cross",
    "protagonist_conflict",
)


def evidence(record: EnrichedArticle, lede_sentences: int = 3) -> dict[str, Any]:
    """The article's evidence blocks (JSON-friendly counts), as stored in a story's member sample."""
    article = record.article
    title = article.title + "\n" if article.title else ""
    text = title + article.text
    end = record.sentences[min(lede_sentences, len(record.sentences)) - 1].end if record.sentences else 400
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
        if mention.label in ACTORS:
            act[name] += 1
        elif mention.label in PLACES:
            pla[name] += 1
    numbers = (n.rstrip(".,:") for n in _NUMBER.findall(text))
    return {
        "terms": dict(terms_of(text).most_common(MAX_TERMS)),
        "lede": dict(terms_of(title + article.text[:end])),
        "per": dict(per),
        "act": dict(act),
        "pla": dict(pla),
        "num": dict(Counter(n for n in numbers if not _YEAR.fullmatch(n))),
        "tim": dict(Counter(t.expression.lower() for t in record.times)),
        "years": sorted(set(_YEAR.findall(text))),
        "lede_people": sorted(lede_people),
    }


def evidence_keys(ev: Mapping[str, Any]) -> set[str]:
    """The document-frequency keys of an article's evidence (counted once per article)."""
    keys: set[str] = set()
    for block in ("terms", "lede", "act", "pla", "num", "tim"):
        keys.update(_PREFIX[block] + k for k in ev[block])
    return keys


def weigh(ev: Mapping[str, Any], df: DocFreq) -> dict[str, Any]:
    """Sublinear tf-idf, L2-normalised, per block, under the current document frequencies."""
    out: dict[str, Any] = {}
    for block in BLOCKS:
        prefix = _PREFIX[block]
        w = {k: (1.0 + math.log(c)) * df.idf(prefix + k) for k, c in ev[block].items()}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        out[block] = {k: v / norm for k, v in w.items()}
    out["years"] = set(ev["years"])
    per = ev["per"]
    out["protagonist"] = max(per, key=lambda k: (per[k], k)) if per else None
    out["people"] = set(per)
    out["lede_people"] = set(ev.get("lede_people", ()))
    return out


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[k] for k, v in a.items() if k in b)


def _mentions(name: str, people: set[str]) -> bool:
    """Is ``name`` among ``people``, by full name or surname ("Lohan" for "Lindsay Lohan")?"""
    if name in people:
        return True
    last = name.split()[-1]
    return any(p.split()[-1] == last for p in people)


def pair_features(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[float]:
    """The similarities of two weighed articles, in the order of `FEATURES`."""
    f = [_cos(a[block], b[block]) for block in BLOCKS]
    ya, yb = a["years"], b["years"]
    f.append(len(ya & yb) / len(ya | yb) if ya and yb else 0.0)
    f.append(1.0 if ya and yb and not ya & yb else 0.0)
    if ya and yb:
        latest = max(ya) == max(yb)
        f.extend((1.0, 0.0) if latest else (0.0, 1.0))
    else:
        f.extend((0.0, 0.0))
    f.append(1.0 if a["people"] and b["people"] and f[2] == 0.0 else 0.0)
    la, lb = a["lede_people"], b["lede_people"]
    f.append(len(la & lb) / min(len(la), len(lb)) if la and lb else 0.0)
    f.append(1.0 if la and lb and not la & lb else 0.0)
    pa, pb = a["protagonist"], b["protagonist"]
    if pa and pb:
        if _mentions(pa, {pb}):
            f.extend((1.0, 0.0, 0.0))
        elif _mentions(pa, b["people"]) or _mentions(pb, a["people"]):
            f.extend((0.0, 1.0, 0.0))
        else:
            f.extend((0.0, 0.0, 1.0))
    else:
        f.extend((0.0, 0.0, 0.0))
    return f


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@lru_cache(maxsize=1)
def idf_prior() -> DocFreq:
    """Background document frequencies (``idf_prior.json``: ECB+ train, keys in two articles or
    more), so a young store already knows "said" from "Lohan"; see `DocFreq`."""
    data = json.loads(PRIOR_PATH.read_text(encoding="utf-8"))
    return DocFreq(int(data["n"]), data["df"])


@dataclass(frozen=True)
class PairModel:
    """Logistic regression over `FEATURES`: P(same event | two articles)."""

    coef: tuple[float, ...]
    intercept: float
    trained_on: str = ""

    def logit(self, features: Sequence[float]) -> float:
        """The log-odds that the pair reports one event."""
        return self.intercept + sum(c * x for c, x in zip(self.coef, features, strict=True))

    def probability(self, features: Sequence[float]) -> float:
        return sigmoid(self.logit(features))

    def same_event(self, a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
        return self.probability(pair_features(a, b))

    def as_json(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "coef": list(self.coef), "intercept": self.intercept, "trained_on": self.trained_on}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PairModel:
        if list(data["features"]) != list(FEATURES):
            raise ValueError(f"story model features {data['features']} do not match {list(FEATURES)}; re-run scripts/learn_story_model.py")
        return cls(tuple(float(c) for c in data["coef"]), float(data["intercept"]), str(data.get("trained_on", "")))

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> PairModel:
        """The model shipped with the package (``storyline/relate/story_model.json``)."""
        return cls.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
