"""Story clustering on real cross-outlet coverage: AllSides dev and NeuS dev (see their READMEs).

Both hold one news event told by a left-, a centre- and a right-rated outlet in ~90-word opening
excerpts. Each excerpt becomes an `Article` exactly as a user's JSONL line
``{"title", "text", "outlet", "published"}`` would (``storyline.ingest.readers.jsonl``), is
enriched (cached, like ECB+), and is streamed through the real `StoryClusterer`:

- AllSides dev: every article into one state, in date order (ties: file order); gold = event id;
  B-cubed F1.
- NeuS dev: each event's three articles into a fresh state; the share of events split into
  several stories (an excerpt without text, refused by a JSONL ingest, is left out; an excerpt
  given twice is one article).

Only the dev files given are read; the held-out events are never fetched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bench.common import DATA
from storyline.models import EnrichedArticle
from storyline.settings import DEFAULT_SETTINGS, Settings

ALLSIDES = DATA / "allsides" / "allsides.dev.jsonl"
NEUS = DATA / "neus" / "neus.dev.jsonl"


def _jsonl_record(article: dict[str, Any]) -> dict[str, Any]:
    """The JSONL line a user would ingest for one excerpt."""
    return {"title": article.get("title"), "text": article["text"], "outlet": article.get("outlet"), "published": article.get("date")}


def _enrich(name: str, records: Sequence[dict[str, Any]], settings: Settings) -> list[EnrichedArticle]:
    """Enriched articles of ``records`` (JSONL-like dicts), in order, cached like ECB+'s."""
    from bench.clustering import CACHE, _enrichment_key
    from storyline.enrich import Enricher
    from storyline.ingest.readers.jsonl import article_from_record

    source = DATA / name
    cache = CACHE / f"{source.name}.{_enrichment_key(source, settings)}.jsonl"
    if cache.exists():
        return [EnrichedArticle.from_dict(json.loads(line)) for line in cache.open(encoding="utf-8")]
    articles = [article_from_record(dict(r), source=f"jsonl:{name}:{i + 1}") for i, r in enumerate(records)]
    enriched = [r for r in Enricher(settings).enrich(articles) if isinstance(r, EnrichedArticle)]
    if len(enriched) != len(articles):
        raise RuntimeError(f"{name}: {len(articles) - len(enriched)} articles failed enrichment")
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text("".join(json.dumps(r.as_dict(), ensure_ascii=False) + "\n" for r in enriched), encoding="utf-8")
    return enriched


def load_allsides(settings: Settings = DEFAULT_SETTINGS) -> tuple[list[EnrichedArticle], list[str]]:
    """AllSides dev articles in date order (ties: file order) and their gold event ids."""
    rows = [json.loads(line) for line in ALLSIDES.open(encoding="utf-8")]
    items = [(a.get("date") or "", n, event["id"], a) for n, event in enumerate(rows) for a in event["articles"]]
    items.sort(key=lambda x: (x[0], x[1]))
    records = _enrich("allsides/allsides.dev.jsonl", [_jsonl_record(a) for *_, a in items], settings)
    return records, [str(event_id) for _, _, event_id, _ in items]


def load_neus(settings: Settings = DEFAULT_SETTINGS) -> list[list[EnrichedArticle]]:
    """NeuS dev events, each its articles' enriched records."""
    rows = [json.loads(line) for line in NEUS.open(encoding="utf-8")]
    # An excerpt without text is a line a JSONL ingest refuses (two in NeuS dev): left out.
    kept = [[a for a in event["articles"] if (a.get("text") or "").strip()] for event in rows]
    records = _enrich("neus/neus.dev.jsonl", [_jsonl_record(a) for articles in kept for a in articles], settings)
    events, at = [], 0
    for articles in kept:
        events.append(records[at : at + len(articles)])
        at += len(articles)
    return events


def allsides_quality(records: Sequence[EnrichedArticle], gold: Sequence[str], settings: Settings) -> dict[str, float]:
    """B-cubed of AllSides dev streamed into one state in date order."""
    from bench.clustering import scores
    from storyline.relate.clusterer import group_stories

    stories = group_stories(records, settings)
    story_of = {a: s.id for s in stories for a in s.article_ids}
    return scores([story_of[r.article.id] for r in records], gold)


def neus_split(events: Sequence[Sequence[EnrichedArticle]], settings: Settings) -> dict[str, Any]:
    """How many NeuS events end up in more than one story, each event into a fresh state."""
    from storyline.relate.clusterer import group_stories

    # An excerpt given twice is one stored article (the store keeps the first; the ids are the text's).
    unique = [list({r.article.id: r for r in reversed(records)}.values())[::-1] for records in events]
    split = [i for i, records in enumerate(unique) if len(group_stories(records, settings)) > 1]
    return {"events": len(events), "split": len(split), "split_share": round(len(split) / len(events), 4)}


def cross_outlet(settings: Settings = DEFAULT_SETTINGS) -> dict[str, Any]:
    records, gold = load_allsides(settings)
    events = load_neus(settings)
    return {
        "allsides_dev": {
            "data": f"AllSides dev, {len(records)} articles, {len(set(gold))} events, one state, date order",
            **allsides_quality(records, gold, settings),
        },
        "neus_dev": {"data": "NeuS dev, each event's articles into a fresh state", **neus_split(events, settings)},
    }
