"""Extraction benchmark: Storyline's HTML ingest vs plain trafilatura, side by side.

* Body: ``article_extraction_zyte`` (dev half, 88 pages) with the benchmark's own metric, as its
  README describes it: ``\\w+`` tokens, multisets of word 4-gram shingles, per-page TP/FP/FN
  normalised by their sum, precision and recall averaged over pages, F1 of those averages;
  accuracy is exact token-sequence equality.
* Metadata: ``fundus_news_pages`` (dev, 202 pages) and ``readability_news_pages`` (38 pages):
  exact title match (whitespace-normalised), author-set F1 (case-folded names), same-day date.

Storyline's figures are what ``storyline ingest`` stores: trafilatura (precision mode) plus the
page's structured metadata, then furniture removal. Run: ``python -m bench extraction``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.common import DATA, Timer, write_results

ZYTE = DATA / "article_extraction_zyte"
FUNDUS = DATA / "fundus_news_pages"
READABILITY = DATA / "readability_news_pages"
SYSTEMS = ("storyline", "trafilatura")

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


# --- the Zyte metric ---------------------------------------------------------------------------


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def page_scores(predicted: str, truth: str) -> tuple[float, float]:
    """Per-page (precision, recall) from normalised shingle TP/FP/FN."""
    pred, gold = _shingles(predicted), _shingles(truth)
    tp, fp, fn = sum((pred & gold).values()), sum((pred - gold).values()), sum((gold - pred).values())
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp, fp, fn = tp / total, fp / total, fn / total
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def body_metric(predictions: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    precisions, recalls, exact = [], [], 0
    for key, gold in truth.items():
        p, r = page_scores(predictions.get(key, ""), gold)
        precisions.append(p)
        recalls.append(r)
        exact += _TOKEN.findall(predictions.get(key, "")) == _TOKEN.findall(gold)
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return {"f1": round(2 * p * r / (p + r) if p + r else 0.0, 4), "precision": round(p, 4), "recall": round(r, 4), "accuracy": round(exact / len(truth), 4), "pages": len(truth)}


# --- the two systems ----------------------------------------------------------------------------


def _storyline(html: bytes, url: str | None) -> dict[str, Any]:
    from storyline.ingest.furniture import clean_article
    from storyline.ingest.html import extract_page
    from storyline.models import Article

    page = extract_page(html, url=url)
    if page is None:
        return {"text": "", "title": None, "authors": [], "date": None}
    article = clean_article(Article(id="", text=page.text, title=page.title, outlet=page.outlet, published=page.published, authors=page.authors))
    return {"text": article.text, "title": article.title, "authors": article.authors, "date": article.published.isoformat() if article.published else None}


def _trafilatura(html: bytes, url: str | None) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return {"text": "", "title": None, "authors": [], "date": None}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"text": doc.text or "", "title": doc.title, "authors": authors, "date": doc.date}


def _run_page(job: tuple[str, str, str | None]) -> tuple[str, dict[str, dict[str, Any]]]:
    key, path, url = job
    html = gzip.open(path).read() if path.endswith(".gz") else Path(path).read_bytes()
    out = {}
    for name, func in (("storyline", _storyline), ("trafilatura", _trafilatura)):
        try:
            out[name] = func(html, url)
        except Exception as exc:  # a benchmark records a crash as an empty answer
            out[name] = {"text": "", "title": None, "authors": [], "date": None, "error": repr(exc)}
    return key, out


def _run_all(jobs: list[tuple[str, str, str | None]], workers: int) -> dict[str, dict[str, dict[str, Any]]]:
    if workers <= 1:
        return dict(map(_run_page, jobs))
    with ProcessPoolExecutor(workers) as pool:
        return dict(pool.map(_run_page, jobs, chunksize=4))


# --- metadata scoring -----------------------------------------------------------------------------


def _norm_title(title: str | None) -> str:
    return _SPACE.sub(" ", title or "").strip()


def _author_f1(predicted: list[str], gold: list[str]) -> float:
    pred = {_SPACE.sub(" ", a).strip().casefold() for a in predicted if a.strip()}
    true = {_SPACE.sub(" ", a).strip().casefold() for a in gold if a.strip()}
    if not pred and not true:
        return 1.0
    if not pred or not true:
        return 0.0
    tp = len(pred & true)
    return 2 * tp / (len(pred) + len(true))


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None


def metadata_metric(outputs: dict[str, dict[str, dict[str, Any]]], gold: dict[str, dict[str, Any]], system: str) -> dict[str, float]:
    titles = authors = dates = 0.0
    n_authors = n_dates = 0
    for key, expected in gold.items():
        got = outputs[key][system]
        titles += _norm_title(got["title"]) == _norm_title(expected["title"])
        if expected.get("authors") is not None:
            authors += _author_f1(got["authors"], expected["authors"])
            n_authors += 1
        if expected.get("date"):
            dates += _day(got["date"]) == _day(expected["date"])
            n_dates += 1
    return {
        "title_exact": round(titles / len(gold), 4),
        "author_f1": round(authors / n_authors, 4) if n_authors else None,
        "date_same_day": round(dates / n_dates, 4) if n_dates else None,
        "pages": len(gold),
    }


def _byline_authors(byline: str | None) -> list[str] | None:
    if not byline:
        return None
    byline = re.sub(r"^\s*by\s+", "", byline.strip(), flags=re.IGNORECASE)
    return [a for a in re.split(r"\s*(?:,|\band\b|&)\s*", byline) if a]


# --- main ------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench extraction", description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dump", type=Path, help="also write every page's outputs here (for error analysis)")
    args = parser.parse_args(argv)

    zyte_truth = json.loads((ZYTE / "ground-truth.dev.json").read_text(encoding="utf-8"))
    zyte_jobs = [(key, str(ZYTE / "html" / f"{key}.html.gz"), rec.get("url")) for key, rec in zyte_truth.items()]
    fundus_rows = [json.loads(line) for line in (FUNDUS / "expected.dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    fundus_gold = {row["file"]: {"title": row["title"], "authors": row["authors"], "date": row["publishing_date"]} for row in fundus_rows}
    fundus_jobs = [(row["file"], str(FUNDUS / row["file"]), row.get("url")) for row in fundus_rows]
    readability_gold: dict[str, dict[str, Any]] = {}
    readability_jobs = []
    for page in sorted(p for p in (READABILITY / "pages").iterdir() if p.is_dir()):
        meta = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8"))
        readability_gold[page.name] = {"title": meta.get("title"), "authors": _byline_authors(meta.get("byline")), "date": meta.get("publishedTime")}
        readability_jobs.append((page.name, str(page / "source.html.gz"), None))

    with Timer() as timer:
        zyte_out = _run_all(zyte_jobs, args.workers)
        fundus_out = _run_all(fundus_jobs, args.workers)
        readability_out = _run_all(readability_jobs, args.workers)

    truth = {key: rec["articleBody"] for key, rec in zyte_truth.items()}
    figures: dict[str, Any] = {"zyte_dev_body": {}, "fundus_dev_metadata": {}, "readability_metadata": {}}
    for system in SYSTEMS:
        figures["zyte_dev_body"][system] = body_metric({k: v[system]["text"] for k, v in zyte_out.items()}, truth)
        figures["fundus_dev_metadata"][system] = metadata_metric(fundus_out, fundus_gold, system)
        figures["readability_metadata"][system] = metadata_metric(readability_out, readability_gold, system)
    figures["seconds"] = round(timer.seconds, 1)
    figures["notes"] = (
        "Zyte: dev half only (ids 0-7), metric as in the set's README. fundus: dev publishers only. "
        "readability: Readability.js snapshots (authors from its byline, split on commas/and). "
        "Storyline = trafilatura favor_precision + JSON-LD/OpenGraph metadata + site-name stripping + furniture removal."
    )

    print(f"{'set':<24}{'field':<16}{'storyline':>10}{'trafilatura':>13}")
    for field_set, fields in (("zyte_dev_body", ("f1", "precision", "recall", "accuracy")), ("fundus_dev_metadata", ("title_exact", "author_f1", "date_same_day")), ("readability_metadata", ("title_exact", "author_f1", "date_same_day"))):
        for name in fields:
            row = [figures[field_set][s][name] for s in SYSTEMS]
            print(f"{field_set:<24}{name:<16}" + "".join(f"{(v if v is not None else float('nan')):>11.3f}  " for v in row))
    path = write_results("extraction", figures)
    print(f"written to {path}")
    if args.dump:
        args.dump.write_text(json.dumps({"zyte": zyte_out, "fundus": fundus_out, "readability": readability_out}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
