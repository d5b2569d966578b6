"""Learn the story-clustering model on ECB+ train (never dev, never the held-out test topics).

    .venv/bin/python scripts/learn_story_model.py

1. The pairwise model: a logistic regression over `storyline.relate.pairs.FEATURES`, fitted on
   every pair of ECB+ train articles (label: same ``event_cluster``), written to
   ``storyline/relate/story_model.json`` (plain coefficients, loaded at run time).
2. The join threshold: the train articles are streamed through the real `StoryClusterer` in two
   seeded random orders for each candidate threshold; the best mean B-cubed F1 wins.
3. The link threshold: with that join threshold, the one whose linked-story families best match
   the ECB+ topics (related events).
Prints the two thresholds to put in ``storyline/settings.py``. Deterministic: same data, same output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.linear_model import LogisticRegression  # noqa: E402

from bench.clustering import bcubed, load_ecbplus, stream  # noqa: E402
from storyline.relate.features import DocFreq  # noqa: E402
from storyline.relate.pairs import FEATURES, MODEL_PATH, PairModel, evidence, evidence_keys, pair_features, weigh  # noqa: E402
from storyline.settings import DEFAULT_SETTINGS  # noqa: E402

ORDERS = (0, 1)
JOIN_GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55)
LINK_GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25)


def fit_pair_model(records, gold) -> PairModel:
    evs = [evidence(r) for r in records]
    df = DocFreq()
    for ev in evs:
        df.add(evidence_keys(ev))
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


def main() -> None:
    train, gold, topics = load_ecbplus("train")
    model = fit_pair_model(train, gold)
    MODEL_PATH.write_text(json.dumps(model.as_json(), indent=1) + "\n", encoding="utf-8")
    PairModel.default.cache_clear()
    print("pair model:", dict(zip(FEATURES, model.coef, strict=True)), "intercept", model.intercept, flush=True)
    best = (-1.0, 0.0)
    for threshold in JOIN_GRID:
        settings = DEFAULT_SETTINGS.with_(story_similarity_threshold=threshold, story_link_threshold=1.0)
        f1 = float(np.mean([bcubed(stream(train, settings, s)[0], gold)["f1"] for s in ORDERS]))
        print(f"join threshold {threshold}: B-cubed F1 {f1:.4f}", flush=True)
        best = max(best, (f1, threshold))
    f1, threshold = best
    topic_gold = [str(t) for t in topics]
    link_best = (-1.0, threshold)
    for link in (x for x in LINK_GRID if x < threshold):
        settings = DEFAULT_SETTINGS.with_(story_similarity_threshold=threshold, story_link_threshold=link)
        runs = [stream(train, settings, s) for s in ORDERS]
        lf1 = float(np.mean([bcubed([fam[r.article.id] for r in train], topic_gold)["f1"] for _, fam, _ in runs]))
        print(f"link threshold {link}: topic-level B-cubed F1 {lf1:.4f}", flush=True)
        link_best = max(link_best, (lf1, link))
    print(f"\nstory_similarity_threshold = {threshold}  (train B-cubed F1 {f1:.4f})")
    print(f"story_link_threshold = {link_best[1]}  (train topic-level B-cubed F1 {link_best[0]:.4f})")


if __name__ == "__main__":
    main()
