"""The figures behind `storyline.ingest.identity.SAME_ARTICLE_OVERLAP`: the word-trigram overlap of
same-event article pairs (ECB+ dev, the seeds: distinct articles) against edited versions of one text.

    PYTHONPATH=. python -m bench.reliability.identity_overlap
"""

from __future__ import annotations

import itertools
import json
import random
import statistics

from bench.common import DATA
from storyline.ingest.identity import SAME_ARTICLE_OVERLAP, text_overlap


def quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "min": round(ordered[0], 3),
        "median": round(statistics.median(ordered), 3),
        "p99": round(ordered[int(0.99 * (len(ordered) - 1))], 3),
        "max": round(ordered[-1], 3),
    }


def main() -> None:
    rows = [json.loads(line) for line in (DATA / "ecbplus" / "ecbplus.dev.jsonl").read_text(encoding="utf-8").splitlines()]
    by_event: dict[str, list[str]] = {}
    for row in rows:
        by_event.setdefault(row["event_cluster"], []).append(row["text"])
    same_event = [text_overlap(a, b) for texts in by_event.values() for a, b in itertools.combinations(texts, 2)]
    seeds = [p.read_text(encoding="utf-8").partition("\n")[2] for p in sorted((DATA / "seeds").glob("*.txt"))]
    seed_pairs = [text_overlap(a, b) for a, b in itertools.combinations(seeds, 2)]
    rng = random.Random(0)
    texts = [row["text"] for row in rows]
    edited, grown, trimmed = [], [], []
    for text in texts:
        words = text.split()
        if len(words) < 60:
            continue
        corrected = list(words)
        corrected[rng.randrange(len(words))] = "CORRECTED"
        edited.append(text_overlap(text, " ".join(corrected)))
        grown.append(text_overlap(text, text + "\n\n" + rng.choice(texts)[: len(text) // 2]))  # a live blog's new entries
        trimmed.append(text_overlap(text, " ".join(words[: len(words) // 2])))
    figures = {
        "seed_pairs_same_event": quantiles(seed_pairs),
        "ecbplus_dev_same_event_pairs": quantiles(same_event),
        "one_word_corrected": quantiles(edited),
        "live_blog_grown_by_half": quantiles(grown),
        "trimmed_to_first_half": quantiles(trimmed),
        "same_event_pairs_at_or_over_threshold": sum(x >= SAME_ARTICLE_OVERLAP for x in same_event),
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
