"""Brief benchmark: span verification on ECB+ dev stories, the time to brief a 50-article story,
and the seeds brief written out for a person to check.

    .venv/bin/python -m bench brief

ECB+ dev (`../shared/data/ecbplus/ecbplus.dev.jsonl`, topics 2 5 12 18 21 23 34 35; the held-out
test topics 36-45 are never read): each gold ``event_cluster`` is taken as one story, its
articles enriched by the normal pipeline and briefed without relate's relations.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.common import DATA, RESULTS, Timer, write_results
from storyline import Storyline
from storyline.consolidate import build_brief, verify_brief
from storyline.consolidate.verify import iter_spans
from storyline.enrich import Enricher
from storyline.errors import InputError
from storyline.models import Article, EnrichedArticle, Story
from storyline.serve.render import brief_to_json, brief_to_markdown
from storyline.settings import DEFAULT_SETTINGS

ECB_DEV = DATA / "ecbplus" / "ecbplus.dev.jsonl"
SEEDS = DATA / "seeds"
BIG_STORY = 50


def _enrich(docs: list[dict]) -> dict[str, EnrichedArticle]:
    articles = [Article(id=f"ecb-{d['doc_id']}", text=d["text"], outlet=d["doc_id"].split("_")[1], url=d["url"], source=d["doc_id"]) for d in docs]
    out = {}
    for result in Enricher(DEFAULT_SETTINGS).enrich(articles):
        if not isinstance(result, InputError):
            out[result.article.id] = result
    return out


def _spans_verified(brief, articles) -> tuple[int, int]:
    total = sum(1 for _ in iter_spans(brief))
    return total - len(verify_brief(brief, articles)), total


def ecbplus() -> dict:
    docs = [json.loads(line) for line in ECB_DEV.read_text(encoding="utf-8").splitlines()]
    assert all(d["topic"] < 36 for d in docs)
    with Timer() as t_enrich:
        records = _enrich(docs)
    clusters: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        clusters[d["event_cluster"]].append(f"ecb-{d['doc_id']}")
    articles = {aid: r.article for aid, r in records.items()}
    verified = total = 0
    per_story = []
    counts = defaultdict(int)
    for cluster, ids in sorted(clusters.items()):
        story = Story(id=cluster, article_ids=[i for i in ids if i in records])
        with Timer() as t:
            brief = build_brief(story, [records[i] for i in story.article_ids], DEFAULT_SETTINGS)
        ok, n = _spans_verified(brief, articles)
        # The JSON export must verify too: read it back and check again.
        again = type(brief).from_dict(json.loads(brief_to_json(brief)))
        ok2, n2 = _spans_verified(again, articles)
        verified += ok + ok2
        total += n + n2
        for kind in ("quote_groups", "claims", "discrepancies", "timeline"):
            counts[kind] += len(getattr(brief, kind))
        per_story.append({"story": cluster, "articles": len(story.article_ids), "spans": n, "verified": ok, "seconds": round(t.seconds, 3)})

    # A 50-article story: the largest cluster, then its topic's other cluster, then other real texts.
    largest = max(clusters, key=lambda c: len(clusters[c]))
    topic = largest.split("_")[0]
    pool = clusters[largest] + [i for c, ids in sorted(clusters.items()) if c != largest and c.split("_")[0] == topic for i in ids]
    pool += [i for c, ids in sorted(clusters.items()) if c.split("_")[0] != topic for i in ids]
    big = Story(id="big", article_ids=[i for i in pool if i in records][:BIG_STORY])
    times = []
    for _ in range(3):
        with Timer() as t:
            brief = build_brief(big, [records[i] for i in big.article_ids], DEFAULT_SETTINGS)
        times.append(t.seconds)
    ok, n = _spans_verified(brief, articles)
    return {
        "data": "ecbplus/ecbplus.dev.jsonl (dev topics only; see ../shared/data/ecbplus/README.md)",
        "stories": len(per_story),
        "articles": len(records),
        "enrich_seconds": round(t_enrich.seconds, 1),
        "spans_checked": total,
        "spans_verified": verified,
        "span_verify_share": round(verified / total, 4) if total else None,
        "totals": dict(counts),
        "story_of_50": {
            "articles": len(big.article_ids),
            "composition": f"{len(clusters[largest])} articles of event {largest}, then other real ECB+ dev texts",
            "brief_seconds_median": round(statistics.median(times), 3),
            "brief_seconds_all": [round(x, 3) for x in times],
            "spans": n,
            "spans_verified": ok,
            "claims": len(brief.claims),
            "discrepancies": len(brief.discrepancies),
        },
        "per_story": per_story,
    }


def seeds() -> dict:
    with tempfile.TemporaryDirectory() as tmp, Storyline(Path(tmp) / "seeds.db") as sl:
        sl.ingest([str(SEEDS)])
        articles = {a.id: a for a in sl.articles()}
        out = []
        markdown = []
        for story in sl.stories():
            brief = sl.brief(story.id)
            ok, n = _spans_verified(brief, articles)
            markdown.append(brief_to_markdown(brief))
            out.append(
                {
                    "story": story.id,
                    "articles": len(brief.articles),
                    "spans": n,
                    "spans_verified": ok,
                    "discrepancies": [d.description for d in brief.discrepancies],
                    "quote_groups_multi_outlet": sum(1 for g in brief.quote_groups if len(g.article_ids) > 1),
                    "claims_multi_article": sum(1 for c in brief.claims if len(c.article_ids) > 1),
                    "families": brief.families,
                    "events": [{"place": e.place, "articles": e.article_ids} for e in brief.events],
                }
            )
        (RESULTS / "brief_seeds.md").write_text("\n\n".join(markdown), encoding="utf-8")
        return {"stories": out, "markdown": "bench/results/brief_seeds.md"}


def main(argv: list[str]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    figures = {"seeds": seeds(), "ecbplus_dev": ecbplus()}
    path = write_results("brief", figures, command=".venv/bin/python -m bench brief")
    e = figures["ecbplus_dev"]
    print(f"ECB+ dev: {e['stories']} stories, {e['spans_verified']}/{e['spans_checked']} spans verify ({e['span_verify_share']:.2%})")
    print(f"50-article story: {e['story_of_50']['brief_seconds_median']} s per brief (median of 3)")
    print(f"written {path}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
