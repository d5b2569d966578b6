"""Learn the story-clustering model on ECB+ train (never dev, never the held-out test topics).

    .venv/bin/python scripts/learn_story_model.py

0. The idf prior: document frequencies of the train articles' evidence keys seen in two articles
   or more, written to ``storyline/relate/idf_prior.json`` (background counts for young stores).
1. The pairwise model: a logistic regression over `storyline.relate.pairs.FEATURES`, fitted on
   every pair of ECB+ train articles (label: same ``event_cluster``), written to
   ``storyline/relate/story_model.json`` (plain coefficients, loaded at run time).
2. The grouping rule: the join threshold (``story_similarity_threshold``), the regroup threshold
   (``story_regroup_threshold``), how much a dense neighbourhood raises the bar in a regroup
   (``story_contrast``) and which neighbour measures the neighbourhood
   (``story_contrast_neighbours``), by two-fold cross-validation over the train topics. The
   articles of one half are streamed through the real `StoryClusterer` (all together, in two
   seeded random orders, and each topic alone), with the idf prior counted on the other half, so
   the prior never includes the articles scored; the best mean of the all-articles and the
   within-topic B-cubed F1 wins (ties: the earlier, simpler rule). Settings run in parallel
   (one process per core).
3. The link threshold: with that rule, the one whose linked-story families best match the ECB+
   topics (related events).
Prints the settings to put in ``storyline/settings.py``. Deterministic: same data, same output.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.linear_model import LogisticRegression  # noqa: E402

from bench.clustering import bcubed, load_ecbplus, stream  # noqa: E402
from storyline.relate import Evidence, MemoryState, StoryClusterer  # noqa: E402
from storyline.relate.evidence import weigh  # noqa: E402
from storyline.relate.idf import PRIOR_PATH, DocFreq, idf_prior  # noqa: E402
from storyline.relate.pairs import FEATURES, MODEL_PATH, PairModel, pair_features  # noqa: E402
from storyline.relate.signature import Signature, tf_weights  # noqa: E402
from storyline.text import PLACE_LABELS  # noqa: E402
from storyline.settings import DEFAULT_SETTINGS, Settings  # noqa: E402

ORDERS = (0, 1)
JOIN_GRID = (0.45, 0.55)
REGROUP_GRID = (0.1, 0.15, 0.25, 0.35)
CONTRAST_GRID = (0.0, 0.5, 1.0)
NEIGHBOURS_GRID = (5, 8, 12)
LINK_GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25)


def fit_pair_model(records, gold) -> PairModel:
    evs = [Evidence.of(r) for r in records]
    df = DocFreq()
    for ev in evs:
        df.add(ev.keys())
    weighed = [weigh(ev, df) for ev in evs]
    x, y = [], []
    for i in range(len(records)):
        for j in range(i + 1, len(records)):
            x.append(pair_features(weighed[i], weighed[j]))
            y.append(gold[i] == gold[j])
    model = LogisticRegression(C=1.0, max_iter=5000).fit(np.array(x), np.array(y))
    return PairModel(
        tuple(round(float(c), 4) for c in model.coef_[0]),
        round(float(model.intercept_[0]), 4),
        f"ECB+ train, {len(records)} articles, {len(y)} pairs ({sum(y)} same-event)",
    )


def count_prior(records) -> DocFreq:
    """The keys the clusterer counts per article (see `StoryClusterer.add`), kept when in 2+ articles."""
    df = DocFreq()
    for r in records:
        places = {"P:" + m.name.lower() for m in r.entities if m.label in PLACE_LABELS}
        df.add(tf_weights(Signature.of(r)).keys() | Evidence.of(r).keys() | places)
    df.df = {k: v for k, v in sorted(df.df.items()) if v >= 2}
    return df


def write_idf_prior(records) -> None:
    df = count_prior(records)
    PRIOR_PATH.write_text(json.dumps({"n": df.n, "source": "ECB+ train", "df": df.df}, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    idf_prior.cache_clear()


def _stream_f1(records, gold, settings: Settings, prior: DocFreq, seed: int) -> float:
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    clusterer = StoryClusterer(MemoryState(), settings, prior=prior)
    for i in order:
        clusterer.add(records[i])
    return bcubed([clusterer.story_for(r.article.id) for r in records], gold)["f1"]


_DATA: dict[str, Any] = {}


def cross_validated(settings: Settings) -> tuple[float, float]:
    """(all-articles, within-topic) B-cubed F1, two folds over the topics, prior from the other fold."""
    records, gold, topics, priors = _DATA["records"], _DATA["gold"], _DATA["topics"], _DATA["priors"]
    names = sorted(set(topics))
    everything, within = [], []
    for half in (0, 1):
        held = set(names[half::2])
        idx = [i for i, t in enumerate(topics) if t in held]
        everything += [_stream_f1([records[i] for i in idx], [gold[i] for i in idx], settings, priors[half], s) for s in ORDERS]
        for topic in sorted(held):
            sub = [i for i in idx if topics[i] == topic]
            within.append(_stream_f1([records[i] for i in sub], [gold[i] for i in sub], settings, priors[half], 0))
    return float(np.mean(everything)), float(np.mean(within))


def grouping_rules() -> list[Settings]:
    """The grid: without contrast the neighbourhood size does not matter."""
    rules = [DEFAULT_SETTINGS.with_(story_similarity_threshold=t, story_regroup_threshold=r, story_contrast=0.0) for t, r in itertools.product(JOIN_GRID, REGROUP_GRID)]
    for contrast, k, t, r in itertools.product(CONTRAST_GRID[1:], NEIGHBOURS_GRID, JOIN_GRID, REGROUP_GRID):
        rules.append(DEFAULT_SETTINGS.with_(story_similarity_threshold=t, story_regroup_threshold=r, story_contrast=contrast, story_contrast_neighbours=k))
    return rules


def main() -> None:
    train, gold, topics = load_ecbplus("train")
    write_idf_prior(train)
    model = fit_pair_model(train, gold)
    MODEL_PATH.write_text(json.dumps(model.as_json(), indent=1) + "\n", encoding="utf-8")
    PairModel.default.cache_clear()
    print("pair model:", dict(zip(FEATURES, model.coef, strict=True)), "intercept", model.intercept, flush=True)
    names = sorted(set(topics))
    _DATA.update(records=train, gold=gold, topics=topics)
    _DATA["priors"] = [count_prior([r for r, t in zip(train, topics, strict=True) if t not in set(names[half::2])]) for half in (0, 1)]
    rules = grouping_rules()
    # Forked workers inherit _DATA: the enriched articles are not pickled per task.
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(cross_validated, rules))
    best: tuple[float, Settings] | None = None
    for rule, (everything, within) in zip(rules, results, strict=True):
        f1 = (everything + within) / 2
        print(
            f"join {rule.story_similarity_threshold} regroup {rule.story_regroup_threshold} contrast {rule.story_contrast} "
            f"k {rule.story_contrast_neighbours}: cross-validated B-cubed F1 all {everything:.4f}, within topic {within:.4f}",
            flush=True,
        )
        if best is None or f1 > best[0]:  # ties keep the earlier, simpler rule
            best = (f1, rule)
    assert best is not None
    f1, chosen = best
    topic_gold = [str(t) for t in topics]
    link_best = (-1.0, 0.0)
    for link in LINK_GRID:
        settings = chosen.with_(story_link_threshold=link)
        runs = [stream(train, settings, s) for s in ORDERS]
        lf1 = float(np.mean([bcubed([fam[r.article.id] for r in train], topic_gold)["f1"] for _, fam, _ in runs]))
        print(f"link threshold {link}: topic-level B-cubed F1 {lf1:.4f}", flush=True)
        link_best = max(link_best, (lf1, link))
    print(f"\nstory_similarity_threshold = {chosen.story_similarity_threshold}  (train cross-validated B-cubed F1, mean of all and within topic, {f1:.4f})")
    print(f"story_regroup_threshold = {chosen.story_regroup_threshold}")
    print(f"story_contrast = {chosen.story_contrast}")
    print(f"story_contrast_neighbours = {chosen.story_contrast_neighbours}")
    print(f"story_link_threshold = {link_best[1]}  (train topic-level B-cubed F1 {link_best[0]:.4f})")


if __name__ == "__main__":
    main()
