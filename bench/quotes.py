"""Direct quotes and their speakers on PolNeAR dev: Storyline vs textacy's ``direct_quotations``.

Gold (see ../shared/data/polnear/README.md): the first annotator's attributions whose content
starts with a quotation mark. One gold quote is the union of its content fragments; one
predicted quote is the union of the quotes sharing a cue (a quote split by its attribution is
one quote in the gold too). A prediction matches a gold quote when their overlap covers at
least half of the gold span. A matched quote's speaker is right when the predicted speaker
span overlaps the gold source, or the gold source names the predicted speaker ("Trump" /
"Donald Trump"). Attributions without a source are left out of speaker accuracy.

Also: articles/s of the whole enrich pipeline over the dev articles.

Run: ``.venv/bin/python -m bench quotes`` (``--limit N`` for a quick look, ``--errors`` to print misses).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from bench.common import DATA, write_results

POLNEAR_DEV = DATA / "polnear" / "polnear.dev.jsonl"
QUOTE_MARKS = ('"', "“", "''")
"""The README's marks, plus the ''…'' pairs the NYT texts in PolNeAR use for double quotes."""


def load_dev(path: Path = POLNEAR_DEV, limit: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def gold_quotes(row: dict, *, readme_marks_only: bool = False) -> list[dict]:
    """The first annotator's direct quotes: ``{"chars": set, "sources": [(s, e, text)]}``.

    ``readme_marks_only``: only contents starting with " or “ (the README's wording), leaving
    out the NYT texts' ''…'' quotes.
    """
    out = []
    for att in row["annotations"][0]["attributions"]:
        content = att["content"]
        if not content:
            continue
        first = content[0]
        # ''…'' pairs: some annotators started the content at the second apostrophe.
        paired = first["text"].startswith("'") and row["text"][first["start"] - 1 : first["start"]] == "'"
        if readme_marks_only:
            if not first["text"].startswith(('"', "“")):
                continue
        elif not (first["text"].startswith(QUOTE_MARKS) or paired):
            continue
        chars = {i for frag in content for i in range(frag["start"], frag["end"])}
        out.append({"chars": chars, "sources": [(f["start"], f["end"], f["text"]) for f in att["source"]], "text": content[0]["text"]})
    return out


def _published(row: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(str(row.get("publication_date") or "")[:10])
    except ValueError:
        return None


def storyline_predictions(rows: list[dict], processes: int = 1) -> tuple[list[list[dict]], float]:
    """Predicted quotes per article (merged by cue) and the enrichment time in seconds."""
    from storyline.enrich import Enricher
    from storyline.models import Article
    from storyline.settings import Settings

    enricher = Enricher(Settings(spacy_processes=processes))
    articles = [Article(id=row["filename"], text=row["text"], published=_published(row)) for row in rows]
    enricher.enrich(articles[:2])  # warm up (model load, first-call costs)
    start = time.perf_counter()
    results = enricher.enrich(articles)
    seconds = time.perf_counter() - start
    preds = []
    for result in results:
        units: dict[object, dict] = {}
        for i, q in enumerate(getattr(result, "quotes", [])):
            if q.partial:  # quoted words inside indirect speech: the gold's content starts before the mark
                continue
            key = (q.cue_span.start, q.cue_span.end) if q.cue_span else ("single", i)
            unit = units.setdefault(key, {"chars": set(), "speaker": q.speaker, "speaker_spans": [], "text": q.span.text})
            unit["chars"].update(range(q.span.start, q.span.end))
            if q.speaker_span:
                unit["speaker_spans"].append((q.speaker_span.start, q.speaker_span.end))
        preds.append(list(units.values()))
    return preds, seconds


def textacy_predictions(rows: list[dict]) -> list[list[dict]]:
    """textacy's direct quotations, paragraph by paragraph, triples sharing a cue merged."""
    import spacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(_model_name())
    preds = []
    for row in rows:
        text = row["text"]
        units: dict[tuple[int, int], dict] = {}
        offset = 0
        for para in text.split("\n"):
            if '"' in para or "“" in para:
                doc = nlp(para)
                try:
                    triples = list(direct_quotations(doc))
                except ValueError:  # unbalanced quote marks: textacy refuses the paragraph
                    triples = []
                for speaker, cue, content in triples:
                    key = (offset + cue[0].idx, offset + cue[-1].idx + len(cue[-1]))
                    unit = units.setdefault(key, {"chars": set(), "speaker": " ".join(t.text for t in speaker), "speaker_spans": [], "text": ""})
                    unit["chars"].update(range(offset + content.start_char, offset + content.end_char))
                    unit["text"] = unit["text"] or content.text
                    if speaker:
                        unit["speaker_spans"].append((offset + speaker[0].idx, offset + speaker[-1].idx + len(speaker[-1])))
            offset += len(para) + 1
        preds.append(list(units.values()))
    return preds


def _model_name() -> str:
    from storyline.settings import Settings

    import spacy.util

    return next(name for name in Settings().spacy_models if spacy.util.is_package(name))


def _speaker_right(pred: dict, gold: dict) -> bool:
    for s, e in pred["speaker_spans"]:
        if any(s < ge and gs < e for gs, ge, _ in gold["sources"]):
            return True
    name = (pred["speaker"] or "").lower()
    if not name:
        return False
    for _, _, text in gold["sources"]:
        words = [w for w in text.lower().replace("’s", "").split() if w[:1].isalpha()]
        if words and (words[-1] in name.split() or name in text.lower()):
            return True
    return False


def score(golds: list[list[dict]], preds: list[list[dict]], rows: list[dict] | None = None, show_errors: bool = False) -> dict:
    n_gold = n_pred = tp_pred = tp_gold = spk_total = spk_right = 0
    for index, (gold, pred) in enumerate(zip(golds, preds, strict=True)):
        n_gold += len(gold)
        n_pred += len(pred)
        matched_pred = set()
        for g in gold:
            best, best_overlap = None, 0
            for j, p in enumerate(pred):
                overlap = len(g["chars"] & p["chars"])
                if overlap > best_overlap:
                    best, best_overlap = j, overlap
            if best is not None and best_overlap >= 0.5 * len(g["chars"]):
                tp_gold += 1
                matched_pred.add(best)
                if g["sources"]:
                    spk_total += 1
                    right = _speaker_right(pred[best], g)
                    spk_right += right
                    if show_errors and not right:
                        print(f"SPEAKER {rows[index]['filename']}: gold {[s[2] for s in g['sources']]} pred {pred[best]['speaker']!r} :: {g['text'][:60]!r}")
            elif show_errors:
                print(f"MISSED  {rows[index]['filename']}: {g['text'][:80]!r}")
        for j, p in enumerate(pred):
            hit = j in matched_pred or any(len(g["chars"] & p["chars"]) >= 0.5 * len(g["chars"]) for g in gold)
            tp_pred += hit
            if show_errors and not hit:
                print(f"FALSE   {rows[index]['filename']}: [{p['speaker']}] {p['text'][:80]!r}")
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "speaker_accuracy": round(spk_right / spk_total, 3) if spk_total else None,
        "speaker_scored": spk_total,
    }


def _table(rows: Iterable[tuple[str, dict]]) -> str:
    lines = [f"{'system':<22}{'P':>7}{'R':>7}{'F1':>7}{'speakers':>10}{'gold':>7}{'pred':>7}"]
    for name, s in rows:
        lines.append(f"{name:<22}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['speaker_accuracy']:>10.3f}{s['gold']:>7}{s['predicted']:>7}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench quotes")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--errors", action="store_true", help="print every miss, false positive and wrong speaker")
    parser.add_argument("--no-textacy", action="store_true")
    args = parser.parse_args(argv)
    rows = load_dev(limit=args.limit)
    golds = [gold_quotes(row) for row in rows]
    preds, seconds = storyline_predictions(rows)
    ours = score(golds, preds, rows, args.errors)
    results = [("storyline", ours)]
    figures: dict = {"data": "polnear/polnear.dev.jsonl (first annotator; content starting with a quote mark)", "articles": len(rows), "storyline": ours}
    strict_golds = [gold_quotes(row, readme_marks_only=True) for row in rows]
    ours_strict = score(strict_golds, preds)
    figures["readme_marks_only"] = {"storyline": ours_strict}
    results.append(("storyline (\" “ only)", ours_strict))
    if not args.no_textacy:
        textacy_preds = textacy_predictions(rows)
        theirs = score(golds, textacy_preds)
        results.append(("textacy 0.13", theirs))
        figures["textacy"] = theirs
        figures["readme_marks_only"]["textacy"] = theirs_strict = score(strict_golds, textacy_preds)
        results.append(("textacy (\" “ only)", theirs_strict))
    print(_table(results))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    speed = {"articles": len(rows), "seconds": round(seconds, 2), "articles_per_s": round(len(rows) / seconds, 2), "processes": 1, "cpus": cpus}
    if len(rows) >= 20 and (cpus or 1) >= 2:
        _, seconds2 = storyline_predictions(rows, processes=2)
        speed["two_processes"] = {"seconds": round(seconds2, 2), "articles_per_s": round(len(rows) / seconds2, 2)}
    print(f"enrich: {speed['articles_per_s']} articles/s (1 process)" + (f", {speed['two_processes']['articles_per_s']} articles/s (2 processes)" if "two_processes" in speed else ""))
    figures["enrich_speed"] = speed
    if not args.limit and not args.errors:
        write_results("quotes", figures, command=".venv/bin/python -m bench quotes")
    return 0
