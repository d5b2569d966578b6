"""Story clustering on ECB+ dev (against a TF-IDF + average-linkage baseline), on real
cross-outlet coverage (AllSides dev B-cubed, NeuS dev events split; `bench.cross_outlet`), and
cost growth.

    .venv/bin/python -m bench clustering            # quality (ECB+, AllSides, NeuS) + cost growth
    .venv/bin/python -m bench.clustering --quality  # quality only

Data: ``../shared/data/ecbplus`` (see its README): dev topics 2 5 12 18 21 23 34 35; the gold
story of an article is its ``event_cluster``. Train is used only to learn thresholds; the held-out
test topics 36-45 are not in the folder and are never fetched. ECB+ articles have no dates, so the
time window plays no part here; each run streams the articles in a random order (seeded).
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import DATA, Timer, write_results
from storyline.models import Article, EnrichedArticle
from storyline.settings import DEFAULT_SETTINGS, Settings

ECBPLUS = DATA / "ecbplus"
CACHE = Path.home() / ".cache" / "storyline-bench"
"""Enriched ECB+ articles, one file per `_enrichment_key`: safe to delete."""
ORDERS = 3


def load_ecbplus(split: str, settings: Settings = DEFAULT_SETTINGS) -> tuple[list[EnrichedArticle], list[str], list[int]]:
    """Enriched ECB+ articles of ``split`` with gold event clusters and topics (enrichment cached)."""
    from storyline.enrich import Enricher

    source = ECBPLUS / f"ecbplus.{split}.jsonl"
    rows = [json.loads(line) for line in source.open(encoding="utf-8")]
    cache = CACHE / f"ecbplus.{split}.{_enrichment_key(source, settings)}.jsonl"
    if cache.exists():
        records = [EnrichedArticle.from_dict(json.loads(line)) for line in cache.open(encoding="utf-8")]
    else:
        enricher = Enricher(settings)
        articles = [Article(id=r["doc_id"], text=r["text"], source=f"ecbplus:{r['doc_id']}") for r in rows]
        records = [r for r in enricher.enrich(articles) if isinstance(r, EnrichedArticle)]
        CACHE.mkdir(parents=True, exist_ok=True)
        cache.write_text("".join(json.dumps(r.as_dict(), ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    by_id = {r["doc_id"]: r for r in rows}
    return records, [by_id[r.article.id]["event_cluster"] for r in records], [by_id[r.article.id]["topic"] for r in records]


def _enrichment_key(source: Path, settings: Settings) -> str:
    """Changes whenever the cached enrichment could: the data, the components and their code, spaCy's model."""
    from importlib import metadata

    import storyline

    versions = []
    for name in ("spacy", *settings.spacy_models):
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    package = Path(storyline.__file__).parent
    digest = hashlib.sha256(source.read_bytes())
    digest.update(repr((settings.enrich_components, versions)).encode())
    # Everything enrichment's output depends on: the records, the components, the date resolver.
    for path in sorted([package / "dates.py", *(package / "models").rglob("*.py"), *(package / "enrich").rglob("*.py")]):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:12]


# --- metrics ------------------------------------------------------------------------------


def bcubed(pred: Sequence[Any], gold: Sequence[Any]) -> dict[str, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998)."""
    pc: dict[Any, set[int]] = defaultdict(set)
    gc: dict[Any, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        pc[p].add(i)
        gc[g].add(i)
    n = len(pred)
    precision = sum(len(pc[pred[i]] & gc[gold[i]]) / len(pc[pred[i]]) for i in range(n)) / n
    recall = sum(len(pc[pred[i]] & gc[gold[i]]) / len(gc[gold[i]]) for i in range(n)) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def pairwise_f1(pred: Sequence[Any], gold: Sequence[Any]) -> float:
    same_pred = same_gold = both = 0
    n = len(pred)
    for i in range(n):
        for j in range(i + 1, n):
            p, g = pred[i] == pred[j], gold[i] == gold[j]
            same_pred += p
            same_gold += g
            both += p and g
    precision = both / same_pred if same_pred else 0.0
    recall = both / same_gold if same_gold else 0.0
    return round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0


def scores(pred: Sequence[Any], gold: Sequence[Any]) -> dict[str, float]:
    return {**{f"bcubed_{k}": v for k, v in bcubed(pred, gold).items()}, "pairwise_f1": pairwise_f1(pred, gold)}


# --- Storyline's streaming clustering -----------------------------------------------------


def stream(records: Sequence[EnrichedArticle], settings: Settings, seed: int) -> tuple[list[str], dict[str, str], float]:
    """Cluster ``records`` streamed in a seeded random order; (story per record, topic-level label, seconds)."""
    from storyline.relate.clusterer import group_stories

    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    with Timer() as timer:
        stories = group_stories([records[i] for i in order], settings)
    story_of = {aid: s.id for s in stories for aid in s.article_ids}
    # Linked stories: their connected components are the "related events" level (the ECB+ topic).
    parent = {s.id: s.id for s in stories}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s in stories:
        for other in s.linked_story_ids:
            if other in parent:
                parent[find(s.id)] = find(other)
    family = {aid: find(sid) for aid, sid in story_of.items()}
    return [story_of[r.article.id] for r in records], family, timer.seconds


# --- baseline -----------------------------------------------------------------------------


def tfidf_average_linkage(texts: Sequence[str], threshold: float) -> list[int]:
    """The baseline: TF-IDF fit on the clustered articles, average-linkage agglomerative clustering."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    distance = np.clip(1.0 - (vectors @ vectors.T).toarray(), 0.0, None)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold)
    return model.fit_predict(distance).tolist()


def tune_baseline(texts: Sequence[str], gold: Sequence[str]) -> float:
    grid = np.round(np.arange(0.50, 1.0, 0.01), 2)
    return float(max(grid, key=lambda t: (bcubed(tfidf_average_linkage(texts, t), gold)["f1"], -t)))


# --- quality ------------------------------------------------------------------------------


def quality(settings: Settings = DEFAULT_SETTINGS) -> dict[str, Any]:
    train, train_gold, _ = load_ecbplus("train", settings)
    dev, dev_gold, dev_topics = load_ecbplus("dev", settings)
    dev_texts = [r.article.text for r in dev]

    threshold = tune_baseline([r.article.text for r in train], train_gold)
    baseline_pred = tfidf_average_linkage(dev_texts, threshold)
    baseline: dict[str, Any] = {"distance_threshold_learnt_on_train": threshold, "all_dev": scores(baseline_pred, dev_gold)}

    runs = [stream(dev, settings, seed) for seed in range(ORDERS)]
    per_order = [scores(pred, dev_gold) for pred, _, _ in runs]
    mean = {k: round(float(np.mean([s[k] for s in per_order])), 4) for k in per_order[0]}
    topic_gold = [str(t) for t in dev_topics]
    linked = [bcubed([fam[r.article.id] for r in dev], topic_gold)["f1"] for _, fam, _ in runs]
    agreement = [
        bcubed(runs[i][0], runs[j][0])["f1"] for i in range(len(runs)) for j in range(i + 1, len(runs))
    ]

    within: dict[str, Any] = {}
    for topic in sorted(set(dev_topics)):
        idx = [i for i, t in enumerate(dev_topics) if t == topic]
        sub = [dev[i] for i in idx]
        gold = [dev_gold[i] for i in idx]
        pred, _, _ = stream(sub, settings, 0)
        base = tfidf_average_linkage([dev_texts[i] for i in idx], threshold)
        within[str(topic)] = {"articles": len(idx), "storyline": scores(pred, gold), "baseline": scores(base, gold)}
    macro = {
        name: round(float(np.mean([w[name]["bcubed_f1"] for w in within.values()])), 4) for name in ("storyline", "baseline")
    }
    seconds = float(np.mean([s for _, _, s in runs]))
    return {
        "data": "ECB+ dev (topics 2 5 12 18 21 23 34 35), 197 articles, 16 gold events; thresholds learnt on ECB+ train",
        "settings": {
            "story_similarity_threshold": settings.story_similarity_threshold,
            "story_link_threshold": settings.story_link_threshold,
            "story_actor_weight": settings.story_actor_weight,
            "pair_model": _pair_model(),
            "enrich_components": list(settings.enrich_components),
        },
        "storyline": {
            "all_dev_mean_of_orders": mean,
            "all_dev_per_order": per_order,
            "linked_families_vs_topics_bcubed_f1": [round(x, 4) for x in linked],
            "order_sensitivity_bcubed_f1_between_orders": [round(x, 4) for x in agreement],
            "articles_per_second": round(len(dev) / seconds, 1),
        },
        "baseline_tfidf_average_linkage": baseline,
        "within_topic": within,
        "within_topic_macro_bcubed_f1": macro,
    }


def _pair_model() -> dict[str, Any]:
    """The learnt same-event model the clusterer uses (``storyline/relate/story_model.json``)."""
    from storyline.relate.pairs import TreePairModel, default_model

    model = default_model()
    if isinstance(model, TreePairModel):
        # The trees themselves are in story_model.json; the results name the model and what carries it.
        data = model.as_json()
        return {"kind": data["kind"], "trees": len(data["trees"]), "depth": model.depth, "trained_on": model.trained_on, "permutation_importance": data.get("permutation_importance")}
    return model.as_json()


def main(argv: list[str]) -> None:
    from bench.cross_outlet import cross_outlet

    figures: dict[str, Any] = {"quality": quality()}
    print("ECB+ dev", json.dumps(figures["quality"]["storyline"]["all_dev_mean_of_orders"]), "baseline", figures["quality"]["baseline_tfidf_average_linkage"]["all_dev"], flush=True)
    figures["cross_outlet"] = cross_outlet()
    print("AllSides dev", json.dumps(figures["cross_outlet"]["allsides_dev"]), flush=True)
    print("NeuS dev", json.dumps(figures["cross_outlet"]["neus_dev"]), flush=True)
    if "--quality" not in argv:
        from bench.clustering_cost import cost_growth

        figures["cost_growth"] = cost_growth()
        print(json.dumps(figures["cost_growth"]), flush=True)
    write_results("clustering", figures, command="python -m bench clustering")


if __name__ == "__main__":
    main(sys.argv[1:])
