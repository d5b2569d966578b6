"""Brief benchmark: discrepancy precision/recall on hand-annotated ECB+ train stories, BASIL's bias
spans the brief surfaces, span verification on ECB+ dev stories, the time to brief a 50-article
story, the seeds brief written out for a person to check, and the summary's ROUGE on NeuS dev
against LexRank and Lead (``bench/neus.py``).

    .venv/bin/python -m bench brief

ECB+ train gold (``bench/gold/ecbplus_train_discrepancies.jsonl``, built as ``bench/gold/README.md``
says): each annotated ``event_cluster`` is one story; precision, recall, per kind, the traps hit, and
every false positive and miss (in the results, for a person to read).

BASIL (``../shared/data/basil/basil.dev.jsonl``, the dev half only): each triplet is one story; the
share of its informational-bias spans that overlap a discrepancy side (any nature), against the
share of all text the brief flags and the share of lexical-bias spans (a control).

ECB+ dev (`../shared/data/ecbplus/ecbplus.dev.jsonl`, topics 2 5 12 18 21 23 34 35; the held-out
test topics 36-45 are never read): each gold ``event_cluster`` is taken as one story, its
articles enriched by the normal pipeline and briefed without relate's relations.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from bench import brief_gold as gold, neus
from bench.clustering import CACHE, _enrichment_key
from bench.common import DATA, RESULTS, ROOT, Timer, write_results
from storyline import Storyline
from storyline.consolidate import build_brief, verify_brief
from storyline.consolidate.verify import iter_spans
from storyline.enrich import Enricher
from storyline.errors import InputError
from storyline.models import Article, EnrichedArticle, Story
from storyline.serve.render import brief_to_json, brief_to_markdown
from storyline.settings import DEFAULT_SETTINGS

ECB_DEV = DATA / "ecbplus" / "ecbplus.dev.jsonl"
ECB_TRAIN = DATA / "ecbplus" / "ecbplus.train.jsonl"
BASIL_DEV = DATA / "basil" / "basil.dev.jsonl"
GOLD = ROOT / "bench" / "gold" / "ecbplus_train_discrepancies.jsonl"
SEEDS = DATA / "seeds"
BIG_STORY = 50


def _ecb_article(d: dict) -> Article:
    return Article(id=f"ecb-{d['doc_id']}", text=d["text"], outlet=d["doc_id"].split("_")[1], url=d["url"], source=d["doc_id"])


def _basil_id(d: dict) -> str:
    # Not BASIL's ``id``: two dev articles share the id "empty"; the source file is unique.
    return "basil-" + Path(d["source_path"]).stem


def _basil_article(d: dict) -> Article:
    return Article(id=_basil_id(d), text=d["text"], title=d["title"], outlet=d["outlet"].lower(), url=d["url"], source=d["source_path"])


def _enrich(articles: list[Article], source: Path, name: str) -> dict[str, EnrichedArticle]:
    """Enriched ``articles`` by id, cached like bench.clustering's (keyed on the data, code and models)."""
    cache = CACHE / f"brief.{name}.{_enrichment_key(source, DEFAULT_SETTINGS)}.jsonl"
    if cache.exists():
        records = [EnrichedArticle.from_dict(json.loads(line)) for line in cache.open(encoding="utf-8")]
        if {r.article.id for r in records} >= {a.id for a in articles}:
            return {r.article.id: r for r in records}
    records = [r for r in Enricher(DEFAULT_SETTINGS).enrich(articles) if not isinstance(r, InputError)]
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text("".join(json.dumps(r.as_dict(), ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return {r.article.id: r for r in records}


def _spans_verified(brief, articles) -> tuple[int, int]:
    total = sum(1 for _ in iter_spans(brief))
    return total - len(verify_brief(brief, articles)), total


def ecbplus() -> dict:
    docs = [json.loads(line) for line in ECB_DEV.read_text(encoding="utf-8").splitlines()]
    assert all(d["topic"] < 36 for d in docs)
    with Timer() as t_enrich:
        records = _enrich([_ecb_article(d) for d in docs], ECB_DEV, "ecbplus-dev")
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


def _brief(story_id: str, ids: list[str], records: dict[str, EnrichedArticle]):
    story = Story(id=story_id, article_ids=[i for i in ids if i in records])
    return build_brief(story, [records[i] for i in story.article_ids], DEFAULT_SETTINGS)


def ecbplus_gold() -> dict:
    """Discrepancy precision and recall on the hand-annotated ECB+ train clusters."""
    clusters = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {doc_id for c in clusters for doc_id in c["doc_ids"]}
    docs = [d for d in map(json.loads, ECB_TRAIN.read_text(encoding="utf-8").splitlines()) if d["doc_id"] in wanted]
    assert all(d["topic"] < 36 for d in docs)
    with Timer() as t_enrich:
        records = _enrich([_ecb_article(d) for d in docs], ECB_TRAIN, "ecbplus-train-gold")
    texts = {aid: r.article.text for aid, r in records.items()}
    totals = gold.ClusterScore()
    predicted_kinds: list[tuple[str, bool]] = []
    gold_kinds: list[tuple[str, bool]] = []
    gold_natures: list[tuple[str, bool]] = []
    per_cluster = []
    for c in clusters:
        ids = [f"ecb-{doc_id}" for doc_id in c["doc_ids"]]
        items = [gold.gold_item(g, texts, lambda d: f"ecb-{d}", c["cluster"]) for g in c["discrepancies"]]
        traps = [gold.gold_item(g, texts, lambda d: f"ecb-{d}", c["cluster"]) for g in c["not_discrepancies"]]
        brief = _brief(c["cluster"], ids, records)
        predicted = [d for d in brief.discrepancies if gold.nature_of(d) != "uncorroborated"]
        score = gold.score_cluster(predicted, items, traps)
        predicted_kinds += [(d.kind, any(gold.matches(d, g) for g in items)) for d in predicted]
        hit = [any(gold.matches(d, g) for d in predicted) for g in items]
        gold_kinds += [(g.kind, ok) for g, ok in zip(items, hit)]
        gold_natures += [(g.nature, ok) for g, ok in zip(items, hit)]
        for name in ("predicted", "matched_predicted", "gold", "matched_gold", "trap_hits"):
            setattr(totals, name, getattr(totals, name) + getattr(score, name))
        per_cluster.append(
            {
                "cluster": c["cluster"],
                "articles": len(ids),
                "gold": score.gold,
                "traps": len(traps),
                "predicted": score.predicted,
                "uncorroborated_predicted": len(brief.discrepancies) - len(predicted),
                "matched_predicted": score.matched_predicted,
                "matched_gold": score.matched_gold,
                "trap_hits": score.trap_hits,
                "matched": score.matched,
                "false_positives": score.false_positives,
                "misses": score.misses,
            }
        )
    return {
        "data": "ecbplus/ecbplus.train.jsonl, clusters and gold in bench/gold/ (see bench/gold/README.md)",
        "clusters": len(clusters),
        "articles": len(records),
        "enrich_seconds": round(t_enrich.seconds, 1),
        "gold_items": totals.gold,
        "traps": sum(c["traps"] for c in per_cluster),
        "predicted": totals.predicted,
        "matched_predicted": totals.matched_predicted,
        "matched_gold": totals.matched_gold,
        "precision": gold.ratio(totals.matched_predicted, totals.predicted),
        "recall": gold.ratio(totals.matched_gold, totals.gold),
        "trap_hits": totals.trap_hits,
        "precision_by_predicted_kind": gold.per_kind(predicted_kinds),
        "recall_by_gold_kind": gold.per_kind(gold_kinds),
        "recall_by_gold_nature": gold.per_kind(gold_natures),
        "per_cluster": per_cluster,
    }


def basil() -> dict:
    """How many of BASIL's bias spans the brief surfaces, against how much of the text it flags."""
    rows = [json.loads(line) for line in BASIL_DEV.read_text(encoding="utf-8").splitlines()]
    with Timer() as t_enrich:
        records = _enrich([_basil_article(r) for r in rows], BASIL_DEV, "basil-dev")
    triplets: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        triplets[r["triplet"]].append(r)
    surfaced: Counter[tuple[str, str]] = Counter()  # (bias, outlet) -> spans a discrepancy side overlaps
    surfaced_any: Counter[tuple[str, str]] = Counter()  # ... or an item only one outlet carries
    spans: Counter[tuple[str, str]] = Counter()
    unlocated = not_enriched = 0
    sentences = sentences_flagged = chars = chars_flagged = sentences_exclusive = 0
    exclusive_items: list[int] = []
    kinds: Counter[str] = Counter()
    natures: Counter[str] = Counter()
    per_brief = []
    for triplet, members in sorted(triplets.items()):
        ids = [_basil_id(r) for r in members]
        brief = _brief(triplet, ids, records)
        flagged = gold.flagged_spans(brief.discrepancies)
        exclusive = gold.exclusive_spans(brief)
        exclusive_items.append(sum(len(ex.items) for ex in brief.exclusives))
        kinds.update(d.kind for d in brief.discrepancies)
        natures.update(gold.nature_of(d) for d in brief.discrepancies)
        per_brief.append(len(brief.discrepancies))
        for r in members:
            aid = _basil_id(r)
            if aid not in records:
                not_enriched += 1
                continue
            text = records[aid].article.text
            chars += len(text)
            chars_flagged += gold.covered_chars(flagged[aid])
            for sentence in records[aid].sentences:
                sentences += 1
                sentences_flagged += gold.overlaps_any(sentence.start, sentence.end, flagged[aid])
                sentences_exclusive += gold.overlaps_any(sentence.start, sentence.end, exclusive[aid])
            for phrase in r["annotations"]["phrase-level-annotations"]:
                where = gold.locate_phrase(text, phrase["txt"], phrase["start"])
                if where is None:
                    unlocated += 1
                    continue
                key = (phrase["bias"], r["outlet"].lower())
                spans[key] += 1
                surfaced[key] += gold.overlaps_any(*where, flagged[aid])
                surfaced_any[key] += gold.overlaps_any(*where, flagged[aid] + exclusive[aid])

    def share(bias: str) -> dict:
        outlets = sorted({o for b, o in spans if b == bias})
        n = sum(spans[(bias, o)] for o in outlets)
        ok = sum(surfaced[(bias, o)] for o in outlets)
        ok_any = sum(surfaced_any[(bias, o)] for o in outlets)
        return {
            "spans": n,
            "surfaced": ok,
            "share": gold.ratio(ok, n),
            "surfaced_with_exclusives": ok_any,
            "share_with_exclusives": gold.ratio(ok_any, n),
            "per_outlet": {o: {"spans": spans[(bias, o)], "surfaced": surfaced[(bias, o)], "share": gold.ratio(surfaced[(bias, o)], spans[(bias, o)])} for o in outlets},
        }

    return {
        "data": "basil/basil.dev.jsonl (dev half only; see ../shared/data/basil/README.md)",
        "triplets": len(triplets),
        "articles": len(records),
        "articles_not_enriched": not_enriched,
        "enrich_seconds": round(t_enrich.seconds, 1),
        "informational_bias": share("inf"),
        "lexical_bias_control": share("lex"),
        "spans_not_located": unlocated,
        "flagged_sentence_share": gold.ratio(sentences_flagged, sentences),
        "flagged_char_share": gold.ratio(chars_flagged, chars),
        "exclusive_sentence_share": gold.ratio(sentences_exclusive, sentences),
        "exclusive_items_per_brief": {"mean": round(statistics.mean(exclusive_items), 2), "max": max(exclusive_items)},
        "discrepancies_per_brief": {"mean": round(statistics.mean(per_brief), 2), "median": statistics.median(per_brief), "max": max(per_brief)},
        "discrepancies_by_kind": dict(kinds.most_common()),
        "discrepancies_per_brief_by_kind": {k: round(n / len(triplets), 2) for k, n in kinds.most_common()},
        "discrepancies_by_nature": dict(natures.most_common()),
    }


def seeds() -> dict:
    with tempfile.TemporaryDirectory() as tmp, Storyline(Path(tmp) / "seeds.db") as sl:
        sl.ingest([str(SEEDS)])
        articles = {a.id: a for a in sl.reader.iter_articles()}
        out = []
        markdown = []
        for story in sl.reader.list_stories():
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
    figures = {"seeds": seeds(), "ecbplus_train_gold": ecbplus_gold(), "basil_dev": basil(), "ecbplus_dev": ecbplus(), "neus_dev": neus.score()}
    path = write_results("brief", figures, command=".venv/bin/python -m bench brief")
    g = figures["ecbplus_train_gold"]
    print(
        f"ECB+ train gold: {g['clusters']} stories, {g['gold_items']} gold discrepancies; predicted {g['predicted']}, "
        f"precision {g['precision']}, recall {g['recall']}, traps hit {g['trap_hits']}/{g['traps']}"
    )
    b = figures["basil_dev"]
    print(
        f"BASIL dev: {b['informational_bias']['share']} of {b['informational_bias']['spans']} informational-bias spans surfaced by a discrepancy, "
        f"{b['informational_bias']['share_with_exclusives']} with the items one outlet alone carries "
        f"(lexical control {b['lexical_bias_control']['share']} / {b['lexical_bias_control']['share_with_exclusives']}); "
        f"discrepancies flag {b['flagged_sentence_share']} of sentences ({b['flagged_char_share']} of characters), "
        f"exclusives {b['exclusive_sentence_share']}"
    )
    e = figures["ecbplus_dev"]
    print(f"ECB+ dev: {e['stories']} stories, {e['spans_verified']}/{e['spans_checked']} spans verify ({e['span_verify_share']:.2%})")
    print(f"50-article story: {e['story_of_50']['brief_seconds_median']} s per brief (median of 3)")
    neus.report(figures["neus_dev"])
    print(f"written {path}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
