"""Cost growth of streaming story clustering: per-article time and peak RSS at 1k, 10k, 100k stored.

Stored articles are synthesised from the real ECB+ texts (distinct ids; each stored vector is a
real article's vector plus a little noise; five articles per story, the story's member sample
the five real articles' evidence), then 200 real ECB+ dev articles are assigned one by one.
Each size runs in its own process so the peak RSS is that size's. Called by
``python -m bench clustering``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

SIZES = (1_000, 10_000, 100_000)
QUERIES = 200


def _run(size: int) -> dict[str, Any]:
    from bench.clustering import load_ecbplus
    from storyline.relate import Evidence, MemoryState, StoryClusterer, StoryProfile
    from storyline.relate.idf import DocFreq
    from storyline.relate.signature import Signature, tf_weights, tfidf_weights
    from storyline.settings import DEFAULT_SETTINGS as settings
    from storyline.text import sketch

    train, _, _ = load_ecbplus("train")
    dev, _, _ = load_ecbplus("dev")
    sigs = [Signature.of(r) for r in train]
    evs = [Evidence.of(r) for r in train]
    df = DocFreq()
    for s, ev in zip(sigs, evs):
        df.add(tf_weights(s).keys() | ev.keys())
    base_vectors = np.stack([sketch(tfidf_weights(tf_weights(s), df, settings.story_actor_weight)) for s in sigs])
    rng = np.random.default_rng(0)
    state = MemoryState()
    picks = np.arange(size) % len(sigs)
    vectors = base_vectors[picks] + rng.normal(0, 0.02, (size, base_vectors.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    state.ids = [f"syn{i:07d}" for i in range(size)]
    state.stories = [f"ssyn{i // 5:07d}" for i in range(size)]
    state.vectors = list(vectors.astype(np.float32))
    raw = {}
    for j in range((size + 4) // 5):
        members = [j * 5 + k for k in range(5) if j * 5 + k < size]
        data = dict(StoryProfile(id=f"ssyn{j:07d}").as_json(), article_ids=[state.ids[m] for m in members])
        data["members"] = {state.ids[m]: evs[picks[m]].as_json() for m in members}
        raw[data["id"]] = json.dumps(data)
    state.profiles = _JsonProfiles(raw)
    state.docfreq = {"n": size, "df": {k: int(v * size / max(1, df.n)) + 1 for k, v in df.df.items()}}
    t0 = time.perf_counter()
    clusterer = StoryClusterer(state, settings)
    load_seconds = time.perf_counter() - t0
    times = []
    for record in dev[:QUERIES]:
        t = time.perf_counter()
        clusterer.add(record)
        times.append(time.perf_counter() - t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "stored": size,
        "ms_per_article_median": round(1000 * float(np.median(times)), 3),
        "ms_per_article_mean": round(1000 * float(np.mean(times)), 3),
        "index_load_seconds": round(load_seconds, 2),
        "peak_rss_mib": round(rss / 2**20, 1),
    }


class _JsonProfiles(dict):
    """Story profiles kept as JSON text, as the SQLite store keeps them (parsed on demand)."""

    def get(self, key, default=None):  # type: ignore[override]
        raw = dict.get(self, key)
        return json.loads(raw) if raw is not None else default

    def __setitem__(self, key, value):  # type: ignore[override]
        dict.__setitem__(self, key, json.dumps(value) if not isinstance(value, str) else value)


def cost_growth() -> dict[str, Any]:
    rows = []
    for size in SIZES:
        out = subprocess.run(
            [sys.executable, "-m", "bench.clustering_cost", str(size)], capture_output=True, text=True, check=True
        ).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    first, last = rows[0], rows[-1]
    return {
        "method": __doc__.split("\n\n")[1].replace("\n", " "),
        "sizes": rows,
        "time_ratio_100k_over_1k_median": round(last["ms_per_article_median"] / first["ms_per_article_median"], 3),
        "time_ratio_100k_over_1k_mean": round(last["ms_per_article_mean"] / first["ms_per_article_mean"], 3),
        "peak_rss_mib_at_100k": last["peak_rss_mib"],
    }


if __name__ == "__main__":
    print(json.dumps(_run(int(sys.argv[1]))))
