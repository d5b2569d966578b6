"""Check the ECB+ train discrepancy gold: the clusters follow the stated rule, every side's text is
an exact substring of its article, every item has sides in two articles, kinds and natures are known.

    .venv/bin/python -m bench.gold.validate
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict

from bench.common import DATA, ROOT

GOLD = ROOT / "bench" / "gold" / "ecbplus_train_discrepancies.jsonl"
TRAIN = DATA / "ecbplus" / "ecbplus.train.jsonl"
KINDS = {"role", "title_holder", "number", "place", "date", "characterisation", "attribution", "claim"}
NATURES = {"contradiction", "precision", "framing"}
CLUSTERS = 15


def chosen_clusters(docs: list[dict]) -> list[str]:
    """The rule: clusters with >= 3 articles in (topic, subtopic) order, every third from the first, the first 15."""
    sizes = Counter(d["event_cluster"] for d in docs)
    order = sorted((c for c, n in sizes.items() if n >= 3), key=lambda c: (int(c.split("_")[0]), c.split("_")[1]))
    return order[0::3][:CLUSTERS]


def problems() -> list[str]:
    docs = [json.loads(line) for line in TRAIN.open(encoding="utf-8")]
    text = {d["doc_id"]: d["text"] for d in docs}
    members: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        members[d["event_cluster"]].add(d["doc_id"])
    rows = [json.loads(line) for line in GOLD.open(encoding="utf-8") if line.strip()]
    out = []
    if [r["cluster"] for r in rows] != chosen_clusters(docs):
        out.append("clusters do not follow the rule")
    for r in rows:
        c = r["cluster"]
        if set(r["doc_ids"]) != members[c]:
            out.append(f"{c}: doc_ids are not the cluster's articles")
        for field in ("discrepancies", "not_discrepancies"):
            for i, item in enumerate(r[field]):
                where = f"{c} {field}[{i}]"
                if item["kind"] not in KINDS:
                    out.append(f"{where}: unknown kind {item['kind']!r}")
                if item["nature"] not in NATURES:
                    out.append(f"{where}: unknown nature {item['nature']!r}")
                if len({s["doc_id"] for s in item["sides"]}) < 2:
                    out.append(f"{where}: sides in fewer than two articles")
                if field == "discrepancies" and len({s.get("value") for s in item["sides"]}) < 2:
                    out.append(f"{where}: fewer than two distinct values")
                for s in item["sides"]:
                    if s["doc_id"] not in members[c]:
                        out.append(f"{where}: {s['doc_id']} is not in the cluster")
                    elif not s["text"] or s["text"] not in text[s["doc_id"]]:
                        out.append(f"{where}: {s['text']!r} is not in {s['doc_id']}")
    return out


def main() -> int:
    found = problems()
    for line in found:
        print(line)
    rows = [json.loads(line) for line in GOLD.open(encoding="utf-8") if line.strip()]
    gold = [g for r in rows for g in r["discrepancies"]]
    print(
        f"{len(rows)} clusters, {sum(len(r['doc_ids']) for r in rows)} articles, {len(gold)} discrepancies, "
        f"{sum(len(r['not_discrepancies']) for r in rows)} traps; by kind {dict(Counter(g['kind'] for g in gold).most_common())}; "
        f"by nature {dict(Counter(g['nature'] for g in gold).most_common())}; {'OK' if not found else f'{len(found)} problems'}"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
