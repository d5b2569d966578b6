"""Do two articles report the same event? A small learnt pairwise model over several similarities.

Two articles' `Weighed` evidence (`storyline.relate.evidence`) is compared block by block
(tf-idf cosine under the store's current document frequencies) plus a few agreement flags
(same years, same latest year, the people the ledes name, the same protagonist), the cosines
of their sentence vectors (lede, whole text and headline, with a flag saying both have a
headline, so that "no headline" does not read as "unlike headlines"; `storyline.relate.semantic`)
and the weeks between their published days; gradient-boosted trees (`TreePairModel`: 200 trees
of depth 3, monotone in each similarity, conflict flag and the day gap) turn those similarities
into the log-odds that both report one event. The trees are plain JSON node arrays
(``story_model.json``), learnt with scikit-learn on ECB+ train and AllSides dev by
``scripts/learn_story_model.py`` and walked here with numpy, all pairs of a regroup at once.
`PairModel`, the logistic regression the trees replaced, stays for models written before them
and for tests that need a model whose geometry they control.

Why trees: the day gap and the text cosine carry most of the weight (permutation importance,
kept in ``story_model.json``), and a tree can weigh one by the other (how much a gap of days
counts once the words agree), which a logistic regression, adding their evidence, cannot. NeuS
dev events split into several stories: 21.8 % logistic, 8.1 % trees, 4.9 % with same-event pairs
weighing 3 in the fit (``python -m bench clustering --quality``). Why that weight: 1-2 % of the
training pairs are one event, and at weight 1 short excerpts of one event in different words
(NeuS pairs left apart had word cosines under 0.2, nearly all undated) stayed under even odds in a
young store, where no neighbourhood raises the bar; the regroup's contrast keeps look-alike events
apart where they crowd. The learning script's cross-validation chose the weight.

Why more than words: the events of an ECB+ topic look alike ("Tara Reid enters rehab" vs
"Lindsay Lohan enters rehab"); their people, places, numbers ("81st Academy Awards") and
dates are what tell them apart. The people a lede names get flags of their own: two Chargers
players arrested for drunk driving a month apart share nearly every word but the name in the
lede, and the later reports recall the earlier arrest, so "both mention Jackson" proves little.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from storyline.relate.evidence import BLOCKS, Weighed
from storyline.text import cosine

__all__ = ["FEATURES", "MODEL_PATH", "PairModel", "SameEventModel", "TreePairModel", "default_model", "feature_matrix", "load_model", "pair_features", "sigmoid"]

MODEL_PATH = Path(__file__).with_name("story_model.json")

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
    "sem_lede",
    "sem_text",
    "weeks_apart",
    "sem_title",
    "both_titled",
)

MAX_WEEKS_APART = 4.0
"""Publication gaps count up to this many weeks (further apart, the story window already decides)."""


def _dot(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Cosine of two unit sentence vectors; 0 when either is missing (evidence stored before them)."""
    return float(np.dot(a, b)) if a is not None and b is not None else 0.0


def _weeks_apart(a: Weighed, b: Weighed) -> float:
    """Weeks between the two published days (0 when either is unknown), capped at `MAX_WEEKS_APART`."""
    if a.day is None or b.day is None:
        return 0.0
    return min(abs((a.day - b.day).days) / 7.0, MAX_WEEKS_APART)


def _mentions(name: str, people: frozenset[str]) -> bool:
    """Is ``name`` among ``people``, by full name or surname ("Lohan" for "Lindsay Lohan")?"""
    if name in people:
        return True
    last = name.split()[-1]
    return any(p.split()[-1] == last for p in people)


def pair_features(a: Weighed, b: Weighed) -> list[float]:
    """The similarities of two weighed articles, in the order of `FEATURES`."""
    f = [cosine(a.blocks[block], b.blocks[block]) for block in BLOCKS]
    ya, yb = a.years, b.years
    f.append(len(ya & yb) / len(ya | yb) if ya and yb else 0.0)
    f.append(1.0 if ya and yb and not ya & yb else 0.0)
    if ya and yb:
        latest = max(ya) == max(yb)
        f.extend((1.0, 0.0) if latest else (0.0, 1.0))
    else:
        f.extend((0.0, 0.0))
    f.append(1.0 if a.people and b.people and f[2] == 0.0 else 0.0)
    la, lb = a.lede_people, b.lede_people
    f.append(len(la & lb) / min(len(la), len(lb)) if la and lb else 0.0)
    f.append(1.0 if la and lb and not la & lb else 0.0)
    pa, pb = a.protagonist, b.protagonist
    if pa and pb:
        if _mentions(pa, frozenset({pb})):
            f.extend((1.0, 0.0, 0.0))
        elif _mentions(pa, b.people) or _mentions(pb, a.people):
            f.extend((0.0, 1.0, 0.0))
        else:
            f.extend((0.0, 0.0, 1.0))
    else:
        f.extend((0.0, 0.0, 0.0))
    f.extend((_dot(a.sem_lede, b.sem_lede), _dot(a.sem_text, b.sem_text), _weeks_apart(a, b)))
    f.extend((_dot(a.sem_title, b.sem_title), 1.0 if a.sem_title is not None and b.sem_title is not None else 0.0))
    return f


def feature_matrix(weighed: Sequence[Weighed]) -> np.ndarray:
    """`pair_features` of every pair of ``weighed`` at once: an (n, n, len(FEATURES)) array.

    The block cosines become one matrix product per block and the flags set algebra over
    indicator matrices, so a regroup of n articles costs a few array operations, not n²/2
    Python calls. The values are `pair_features`' (cosines to the last bits of a float sum;
    ``tests/relate`` holds the two to each other).
    """
    n = len(weighed)
    out = np.zeros((n, n, len(FEATURES)), dtype=np.float64)
    column = {name: i for i, name in enumerate(FEATURES)}
    for block in BLOCKS:
        vectors = _matrix([w.blocks[block] for w in weighed])
        out[:, :, column[block]] = vectors @ vectors.T
    years = _matrix([w.years for w in weighed])
    counts = years.sum(axis=1)
    shared = years @ years.T
    both = (counts[:, None] > 0) & (counts[None, :] > 0)
    union = counts[:, None] + counts[None, :] - shared
    out[:, :, column["years_jaccard"]] = np.where(both, shared / np.where(union > 0, union, 1), 0.0)
    out[:, :, column["years_conflict"]] = both & (shared == 0)
    latest = np.array([max(w.years) if w.years else "" for w in weighed], dtype=object)
    same_latest = latest[:, None] == latest[None, :]
    out[:, :, column["latest_year_agree"]] = both & same_latest
    out[:, :, column["latest_year_conflict"]] = both & ~same_latest
    has_people = np.array([bool(w.people) for w in weighed])
    out[:, :, column["people_conflict"]] = has_people[:, None] & has_people[None, :] & (out[:, :, column["per"]] == 0.0)
    lede = _matrix([w.lede_people for w in weighed])
    lede_counts = lede.sum(axis=1)
    lede_shared = lede @ lede.T
    lede_both = (lede_counts[:, None] > 0) & (lede_counts[None, :] > 0)
    smaller = np.minimum(lede_counts[:, None], lede_counts[None, :])
    out[:, :, column["lede_people_share"]] = np.where(lede_both, lede_shared / np.where(smaller > 0, smaller, 1), 0.0)
    out[:, :, column["lede_people_conflict"]] = lede_both & (lede_shared == 0)
    # `_mentions` is a surname test: a name is among people when one of them ends with its last word.
    surname = np.array([w.protagonist.split()[-1] if w.protagonist else None for w in weighed], dtype=object)
    both_protagonists = (surname[:, None] != None) & (surname[None, :] != None)  # noqa: E711 (elementwise)
    people = _matrix([{p.split()[-1] for p in w.people} for w in weighed] + [{s} if s else set() for s in surname])
    named_by = people[n:] @ people[:n].T > 0  # [i, j]: i's protagonist among j's people
    same = surname[:, None] == surname[None, :]
    cross = ~same & (named_by | named_by.T)
    out[:, :, column["protagonist_same"]] = both_protagonists & same
    out[:, :, column["protagonist_cross"]] = both_protagonists & cross
    out[:, :, column["protagonist_conflict"]] = both_protagonists & ~same & ~cross
    for name in ("sem_lede", "sem_text", "sem_title"):
        vectors = _vectors([getattr(w, name) for w in weighed])
        out[:, :, column[name]] = vectors @ vectors.T
    ordinal = np.array([w.day.toordinal() if w.day else 0 for w in weighed], dtype=np.float64)
    dated = ordinal > 0
    gap = np.minimum(np.abs(ordinal[:, None] - ordinal[None, :]) / 7.0, MAX_WEEKS_APART)
    out[:, :, column["weeks_apart"]] = np.where(dated[:, None] & dated[None, :], gap, 0.0)
    titled = np.array([w.sem_title is not None for w in weighed])
    out[:, :, column["both_titled"]] = titled[:, None] & titled[None, :]
    return out


def _vectors(rows: Sequence[np.ndarray | None]) -> np.ndarray:
    """Sentence vectors as a matrix; a missing one is a zero row (its cosines are 0, as `_dot`'s)."""
    width = max((len(r) for r in rows if r is not None), default=0)
    matrix = np.zeros((len(rows), width), dtype=np.float64)
    for i, row in enumerate(rows):
        if row is not None:
            matrix[i] = row
    return matrix


def _matrix(rows: Sequence[Mapping[str, float] | Iterable[str]]) -> np.ndarray:
    """Rows of weights (mappings) or of keys (weight 1) as a dense matrix over their keys."""
    weights = [row.items() if isinstance(row, Mapping) else [(key, 1.0) for key in row] for row in rows]
    vocab: dict[str, int] = {}
    for row in weights:
        for key, _ in row:
            vocab.setdefault(key, len(vocab))
    matrix = np.zeros((len(rows), len(vocab)), dtype=np.float64)
    for r, row in enumerate(weights):
        for key, value in row:
            matrix[r, vocab[key]] = value
    return matrix


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class PairModel:
    """Logistic regression over `FEATURES`: P(same event | two articles)."""

    coef: tuple[float, ...]
    intercept: float
    trained_on: str = ""

    def logit(self, features: Sequence[float]) -> float:
        """The log-odds that the pair reports one event."""
        return self.intercept + sum(c * x for c, x in zip(self.coef, features, strict=True))

    def logit_rows(self, rows: np.ndarray) -> np.ndarray:
        """`logit` of each row of an (m, len(FEATURES)) array."""
        return np.array([self.logit(row) for row in np.asarray(rows, dtype=np.float64).tolist()], dtype=np.float64)

    def logit_matrix(self, features: np.ndarray) -> np.ndarray:
        """`logit` of every pair in a `feature_matrix` (the same sum, feature by feature)."""
        total = np.zeros(features.shape[:2], dtype=np.float64)
        for f, c in enumerate(self.coef):
            total = total + c * features[:, :, f]
        return self.intercept + total

    def probability(self, features: Sequence[float]) -> float:
        return sigmoid(self.logit(features))

    def same_event(self, a: Weighed, b: Weighed) -> float:
        return self.probability(pair_features(a, b))

    def as_json(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "coef": list(self.coef), "intercept": self.intercept, "trained_on": self.trained_on}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PairModel:
        if list(data["features"]) != list(FEATURES):
            raise ValueError(f"story model features {data['features']} do not match {list(FEATURES)}; re-run scripts/learn_story_model.py")
        return cls(tuple(float(c) for c in data["coef"]), float(data["intercept"]), str(data.get("trained_on", "")))

    @classmethod
    def default(cls) -> PairModel:
        """The model shipped with the package when it is a logistic one (see `default_model`)."""
        model = default_model()
        if not isinstance(model, PairModel):
            raise TypeError("the shipped story model is not a logistic regression; use default_model()")
        return model


@dataclass(frozen=True, eq=False)
class TreePairModel:
    """Gradient-boosted trees over `FEATURES`: P(same event | two articles).

    The trees are scikit-learn's ``HistGradientBoostingClassifier``'s, exported as plain node
    arrays by ``scripts/learn_story_model.py`` and walked here with numpy, so the run time needs
    neither scikit-learn nor a pickle. All trees are packed into one set of node arrays (``roots``
    indexes each tree's first node); a leaf points to itself, so walking every tree ``depth``
    steps lands each row on its leaf whatever the leaf's depth. The log-odds are ``baseline``
    plus the leaves' values, scikit-learn's ``decision_function``.
    """

    feature: np.ndarray  # int, per node; a leaf's is 0 (never read: a leaf goes to itself)
    threshold: np.ndarray  # float, per node: x <= threshold goes left
    left: np.ndarray  # int, per node, absolute index; a leaf's is itself
    right: np.ndarray
    value: np.ndarray  # float, per node: a leaf's contribution to the log-odds
    missing_left: np.ndarray  # bool, per node: where NaN goes (no feature is NaN today)
    roots: np.ndarray  # int, per tree
    baseline: float
    depth: int
    trained_on: str = ""
    importance: Mapping[str, float] | None = None

    def logit_rows(self, rows: np.ndarray) -> np.ndarray:
        """The log-odds of each row of an (m, len(FEATURES)) array, all trees at once."""
        rows = np.asarray(rows, dtype=np.float64)
        node = np.broadcast_to(self.roots, (len(rows), len(self.roots))).copy()
        picked = np.arange(len(rows))[:, None]
        for _ in range(self.depth):
            x = rows[picked, self.feature[node]]
            go_left = np.where(np.isnan(x), self.missing_left[node], x <= self.threshold[node])
            node = np.where(go_left, self.left[node], self.right[node])
        # One sum over the trees (numpy's pairwise order, not scikit-learn's tree by tree: the two
        # differ in the last bits only, ``tests/relate`` holds them to 1e-9); a Python loop over
        # 200 trees made a 96-article regroup's matrix cost 67 ms.
        return self.baseline + self.value[node].sum(axis=1)

    def logit(self, features: Sequence[float]) -> float:
        """The log-odds that the pair reports one event."""
        return float(self.logit_rows(np.asarray([features], dtype=np.float64))[0])

    def logit_matrix(self, features: np.ndarray) -> np.ndarray:
        """`logit` of every pair in a `feature_matrix`, as one batch of rows."""
        n, m, f = features.shape
        return self.logit_rows(features.reshape(n * m, f)).reshape(n, m)

    def probability(self, features: Sequence[float]) -> float:
        return sigmoid(self.logit(features))

    def same_event(self, a: Weighed, b: Weighed) -> float:
        return self.probability(pair_features(a, b))

    def as_json(self) -> dict[str, Any]:
        """One entry per tree with its own node arrays (child indices local to the tree)."""
        trees = []
        ends = [*self.roots[1:].tolist(), len(self.value)]
        for start, end in zip(self.roots.tolist(), ends, strict=True):
            span = slice(start, end)
            trees.append(
                {
                    "feature": self.feature[span].tolist(),
                    "threshold": self.threshold[span].tolist(),
                    "left": (self.left[span] - start).tolist(),
                    "right": (self.right[span] - start).tolist(),
                    "value": self.value[span].tolist(),
                    "missing_go_left": self.missing_left[span].astype(int).tolist(),
                }
            )
        out: dict[str, Any] = {"kind": "gradient_boosted_trees", "features": list(FEATURES), "baseline": self.baseline, "trees": trees, "trained_on": self.trained_on}
        if self.importance is not None:
            out["permutation_importance"] = dict(self.importance)
        return out

    @classmethod
    def from_trees(cls, baseline: float, trees: Sequence[Mapping[str, Sequence[Any]]], trained_on: str = "", importance: Mapping[str, float] | None = None) -> TreePairModel:
        """Pack per-tree node arrays (child indices local to each tree, a leaf's children -1 or
        itself) into one set of arrays."""
        parts: dict[str, list[np.ndarray]] = {k: [] for k in ("feature", "threshold", "left", "right", "value", "missing_left")}
        roots, offset, depth = [], 0, 0
        for tree in trees:
            size = len(tree["value"])
            left, right = np.asarray(tree["left"], dtype=np.int64), np.asarray(tree["right"], dtype=np.int64)
            own = np.arange(size)
            leaf = (left < 0) | (left == own)
            parts["feature"].append(np.where(leaf, 0, np.asarray(tree["feature"], dtype=np.int64)))
            parts["threshold"].append(np.asarray(tree["threshold"], dtype=np.float64))
            parts["left"].append(np.where(leaf, own, left) + offset)
            parts["right"].append(np.where(leaf, own, right) + offset)
            parts["value"].append(np.asarray(tree["value"], dtype=np.float64))
            parts["missing_left"].append(np.asarray(tree["missing_go_left"], dtype=bool))
            depth = max(depth, _depth(left, right, leaf))
            roots.append(offset)
            offset += size
        if any(int(f) >= len(FEATURES) for p in parts["feature"] for f in p):
            raise ValueError("story model trees use a feature index beyond FEATURES; re-run scripts/learn_story_model.py")
        arrays = {k: np.concatenate(v) if v else np.zeros(0) for k, v in parts.items()}
        for a in arrays.values():
            a.setflags(write=False)
        return cls(**arrays, roots=np.asarray(roots, dtype=np.int64), baseline=float(baseline), depth=depth, trained_on=trained_on, importance=importance)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TreePairModel:
        if list(data["features"]) != list(FEATURES):
            raise ValueError(f"story model features {data['features']} do not match {list(FEATURES)}; re-run scripts/learn_story_model.py")
        importance = data.get("permutation_importance")
        return cls.from_trees(float(data["baseline"]), data["trees"], str(data.get("trained_on", "")), dict(importance) if importance else None)

    @classmethod
    def default(cls) -> TreePairModel:
        """The model shipped with the package (``storyline/relate/story_model.json``)."""
        model = default_model()
        if not isinstance(model, TreePairModel):
            raise TypeError("the shipped story model is not gradient-boosted trees")
        return model


def _depth(left: np.ndarray, right: np.ndarray, leaf: np.ndarray) -> int:
    """The number of splits on the longest root-to-leaf path of one tree."""
    best, stack = 0, [(0, 0)]
    while stack:
        node, d = stack.pop()
        if leaf[node]:
            best = max(best, d)
        else:
            stack.extend(((int(left[node]), d + 1), (int(right[node]), d + 1)))
    return best


SameEventModel = PairModel | TreePairModel
"""Either pair model: both give `logit`, `logit_matrix`, `probability` and `same_event`."""


def load_model(data: Mapping[str, Any]) -> SameEventModel:
    """A pair model from its JSON: trees when ``kind`` says so, else logistic coefficients."""
    if data.get("kind") == "gradient_boosted_trees":
        return TreePairModel.from_json(data)
    return PairModel.from_json(data)


@lru_cache(maxsize=1)
def default_model() -> SameEventModel:
    """The model shipped with the package (``storyline/relate/story_model.json``), whichever kind."""
    return load_model(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
