"""Peak RSS of enriching one long text (PolNeAR dev articles joined), to see where memory grows.

    PYTHONPATH=. python -m bench.reliability.enrich_memory CHARS [--paragraphs] [--chunk N]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from bench.common import DATA


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("chars", type=int)
    parser.add_argument("--paragraphs", action="store_true", help="keep paragraph breaks (default: one line)")
    parser.add_argument("--chunk", type=int, default=None, help="enrich_chunk_chars (default: the setting's)")
    args = parser.parse_args()
    rows = (DATA / "polnear" / "polnear.dev.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(row)["text"] for row in rows[:400]]
    text = ("\n\n".join(texts) if args.paragraphs else " ".join(t.replace("\n", " ") for t in texts))[: args.chars]

    from storyline.enrich import Enricher
    from storyline.models import Article
    from storyline.settings import Settings

    settings = Settings() if args.chunk is None else Settings(enrich_chunk_chars=args.chunk)
    enricher = Enricher(settings)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    result = enricher.enrich([Article(id="x", text=text)])[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"chars": len(text), "one_line": not args.paragraphs, "chunk": settings.enrich_chunk_chars,
                      "base_mb": round(base), "peak_mb": round(peak), "seconds": round(time.perf_counter() - start, 1),
                      "enriched": not isinstance(result, Exception)}))


if __name__ == "__main__":
    main()
