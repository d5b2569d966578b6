"""Throughput benchmark: what a whole ``storyline ingest`` costs per article, as a ratio to spaCy alone.

The corpus is twin-free: every real, distinct article under ``/work/shared/data`` that is not
held out — PolNeAR train + dev, ECB+ train + dev, BASIL dev (full articles) and the AllSides dev
excerpts (~90 words) — each text once (NeuS is left out: its texts are shorter cuts of the
AllSides ones), in one fixed shuffled order, so a run of N articles takes the first N and every
size is a sample of the same mix. There are 2,920 such texts, so "3,000" runs on 2,920.

For each size, in one invocation and on the same texts:

* **spaCy alone**: a program that imports spaCy, starts the same number of worker processes as
  the ingest (forked, as the local engine does), loads in each the spaCy pipes Storyline loads
  (`storyline.enrich.nlp.load_nlp`, the pipes the enrich components need) and runs ``nlp.pipe``
  over its share of the texts, in batches of ``settings.batch_size``.
* **Storyline**: ``storyline ingest CORPUS --workers N -q`` into a fresh store, end to end.
* **relate**: the relate stage alone, re-run over that store (`Storyline.regroup`), for its cost
  per article at each size (flat when 3k/1k is near 1).

CPU is user + system time of the whole process tree (the command and every worker it waited
for, from ``getrusage(RUSAGE_CHILDREN)``), so imports, model loads and process starts count on
both sides. The headline is ``ratio`` = Storyline CPU per article / spaCy-alone CPU per article.

Each side runs ``--repeat`` times (default 3) in turn and counts its fastest run: the shared
machine's speed drifts by tens of percent between minutes, and drift only adds time.

Run: ``python -m bench throughput [--sizes 300,1000,3000] [--workers 2] [--engine local] [--repeat 3]``
(``--profile`` writes a pyinstrument profile of the in-process pipeline instead; ``--pipes N``
prints each spaCy pipe's CPU cost per 700 words on N texts). The results file also carries the
quality figures the speed work must keep (quotes, clustering, extraction), with when and at
which commit each ran: rerun those benchmarks, then ``--refresh-quality`` copies them in.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from bench.common import DATA, RESULTS, ROOT, code_version, write_results

FULL_ARTICLES = [
    DATA / "polnear" / "polnear.train.jsonl",
    DATA / "polnear" / "polnear.dev.jsonl",
    DATA / "ecbplus" / "ecbplus.train.jsonl",
    DATA / "ecbplus" / "ecbplus.dev.jsonl",
    DATA / "basil" / "basil.dev.jsonl",
]
EXCERPTS = DATA / "allsides" / "allsides.dev.jsonl"


def _record(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r.get("filename") or r.get("doc_id") or r.get("id"),
        "text": r["text"],
        "title": r.get("title"),
        "outlet": r.get("publisher") or r.get("outlet"),
        "url": r.get("url"),
        "published": r.get("publication_date") or r.get("published"),
    }


def distinct_articles() -> list[dict[str, Any]]:
    """Every distinct real article of the sets above, each text once, in a fixed shuffled order."""
    rows = []
    for path in FULL_ARTICLES:
        with open(path, encoding="utf-8") as f:
            rows += [_record(json.loads(line)) for line in f]
    with open(EXCERPTS, encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            for i, a in enumerate(event["articles"]):
                rows.append(_record({**a, "id": f"allsides-{event['id']}-{i}", "published": a.get("date")}))
    seen: set[str] = set()
    distinct = []
    for row in rows:
        key = " ".join(row["text"].lower().split())
        if key not in seen:
            seen.add(key)
            distinct.append(row)
    random.Random(20261205).shuffle(distinct)
    return distinct


def write_corpus(path: Path, size: int) -> dict[str, Any]:
    """The first ``size`` distinct articles as JSONL (fewer when fewer exist); returns the corpus' shape."""
    rows = distinct_articles()[:size]
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    words = [len(r["text"].split()) for r in rows]
    return {"asked": size, "articles": len(rows), "mean_words": round(statistics.mean(words), 1), "total_words": sum(words)}


def _run_tree(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; its CPU seconds (it and every descendant it waited for), wall seconds, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("STORYLINE_DB", None)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stdout


def storyline_pipes() -> tuple[tuple[str, ...], frozenset[str], int]:
    """The spaCy models tried, the pipes the enrich components need and the batch size, as Storyline runs."""
    from storyline.enrich import build_pipeline
    from storyline.enrich.nlp import needed_pipes
    from storyline.settings import Settings

    settings = Settings()
    components = build_pipeline(settings.enrich_components)
    return settings.spacy_models, needed_pipes(c.spacy_pipes for c in components), settings.batch_size


def measure(size: int, workers: int, engine: str, workdir: Path, repeat: int = 1) -> dict[str, Any]:
    """One size: spaCy alone, the ingest and the relate stage, each run ``repeat`` times in turn.

    The machine's speed drifts between and within runs (spaCy alone cost 57 to 98 ms an article
    on one corpus in one day), and drift only ever adds time: each side's figure is its fastest
    run, every run is kept."""
    corpus = workdir / f"corpus-{size}.jsonl"
    shape = write_corpus(corpus, size)
    n = shape["articles"]
    load = os.getloadavg()[0]
    models, pipes, batch_size = storyline_pipes()
    floor = [sys.executable, "-m", "bench.spacy_alone", str(corpus), "--workers", str(workers), "--models", ",".join(models)]
    floor += ["--pipes", ",".join(sorted(pipes)), "--batch-size", str(batch_size)]
    floors, ingests, relates = [], [], []
    for attempt in range(repeat):
        db = workdir / f"store-{size}-{attempt}.db"
        floors.append(_run_tree(floor))
        cli = [sys.executable, "-m", "storyline", "--db", str(db), "ingest", "-q", "--engine", engine, "--workers", str(workers), str(corpus)]
        ingests.append(_run_tree(cli))
        relates.append(json.loads(_run_tree([sys.executable, "-m", "bench.spacy_alone", "--relate", str(db)])[2]))
    floor_cpu, floor_wall, floor_out = min(floors)
    ingest_cpu, ingest_wall, summary = min(ingests)
    relate = min(relates, key=lambda r: r["cpu_s"])
    per = lambda cpu: round(cpu / n * 1000, 1)  # noqa: E731
    return {
        "size": size,
        "engine": engine,
        "workers": workers,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": code_version(),
        "corpus": shape,
        "ingest_summary": summary.strip(),
        "repeat": repeat,
        "spacy_alone": {"cpu_s": round(floor_cpu, 1), "wall_s": round(floor_wall, 1), "cpu_ms_per_article": per(floor_cpu), **json.loads(floor_out)},
        "storyline_ingest": {"cpu_s": round(ingest_cpu, 1), "wall_s": round(ingest_wall, 1), "cpu_ms_per_article": per(ingest_cpu)},
        "ratio": round(ingest_cpu / floor_cpu, 3),
        "relate": {
            "articles": relate["articles"],
            "cpu_ms_per_article": round(relate["cpu_s"] / max(1, relate["articles"]) * 1000, 2),
            "stories": relate["stories"],
        },
        "every_run_cpu_s": {
            "spacy_alone": [round(r[0], 1) for r in floors],
            "storyline_ingest": [round(r[0], 1) for r in ingests],
            "relate": [r["cpu_s"] for r in relates],
        },
        "loadavg_1min": {"before": round(load, 2), "after": round(os.getloadavg()[0], 2)},
    }


def profile(size: int, workdir: Path) -> Path:
    """A pyinstrument profile of the whole pipeline in one process (workers=1)."""
    from pyinstrument import Profiler

    from storyline import Storyline
    from storyline.settings import Settings

    corpus = workdir / f"corpus-{size}.jsonl"
    write_corpus(corpus, size)
    profiler = Profiler(interval=0.005)
    with Storyline(workdir / "profile.db", Settings(workers=1)) as sl:
        profiler.start()
        sl.ingest([str(corpus)])
        for story in sl.reader.list_stories():
            if len(story.article_ids) > 1:
                sl.brief(story.id)
        profiler.stop()
    out = RESULTS / "throughput_profile.txt"
    RESULTS.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
    return out


def pipe_costs(n: int) -> dict[str, Any]:
    """CPU milliseconds per 700 words of each spaCy pipe, as Storyline loads the pipeline, over the
    first ``n`` corpus texts (one process; each pipe run over all texts before the next)."""
    from storyline.enrich import Enricher
    from storyline.settings import Settings

    texts = [r["text"] for r in distinct_articles()[:n]]
    words = sum(len(t.split()) for t in texts)
    nlp = Enricher(Settings()).nlp
    list(nlp.pipe(texts[:4]))  # first-call costs
    per_700 = 1000 * 700 / words
    start = time.process_time()
    docs = [nlp.make_doc(t) for t in texts]
    costs = {"tokenizer": round((time.process_time() - start) * per_700, 1)}
    for name, proc in nlp.pipeline:
        start = time.process_time()
        docs = list(proc.pipe(docs, batch_size=16))
        costs[name] = round((time.process_time() - start) * per_700, 1)
    return {
        "texts": n,
        "mean_words": round(words / n, 1),
        "cpu_ms_per_700_words": costs,
        "total": round(sum(costs.values()), 1),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def quality_figures() -> dict[str, Any]:
    """The quality figures the speed work must keep, as the quality benchmarks last wrote them
    (each with when and at which commit it ran: rerun them on the code measured here)."""
    wanted = {
        "quotes": ("python -m bench quotes", lambda d: {k: d["storyline"][k] for k in ("precision", "recall", "f1", "speaker_accuracy")}),
        "clustering": ("python -m bench clustering", lambda d: d["quality"]["storyline"]["all_dev_mean_of_orders"]),
        "extraction": (
            "python -m bench extraction",
            lambda d: {"zyte_body_f1": d["zyte_dev_body"]["storyline"]["f1"], "fundus": d["fundus_dev_metadata"]["storyline"]},
        ),
    }
    found: dict[str, Any] = {}
    for name, (command, pick) in wanted.items():
        path = RESULTS / f"{name}.json"
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            found[name] = {"command": command, "when": data.get("when"), "commit": data.get("commit"), **pick(data)}
    return found


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench throughput", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,1000,3000", help="Articles per run, comma-separated (default 300,1000,3000).")
    parser.add_argument("--engine", default="local", help="The ingest's engine: local or dask (default local).")
    parser.add_argument("--workers", type=int, default=2, help="Worker processes, for the ingest and for spaCy alone (default 2).")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each side per size, the fastest counted (default 3).")
    parser.add_argument("--profile", action="store_true", help="Profile the first size in one process instead.")
    parser.add_argument("--pipes", type=int, default=0, metavar="N", help="Only measure each spaCy pipe's CPU cost on N texts.")
    parser.add_argument(
        "--refresh-quality", action="store_true", help="Only copy the quality benchmarks' latest figures into the results file (after rerunning them)."
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "throughput.json", help="The results file (default bench/results/throughput.json).")
    args = parser.parse_args(argv)
    path = args.output
    if args.refresh_quality:
        payload = json.loads(path.read_text(encoding="utf-8"))
        payload["quality"] = quality_figures()
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(json.dumps(payload["quality"]))
        return
    if args.pipes:
        print(json.dumps(pipe_costs(args.pipes)))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="storyline-throughput-") as tmp:
        if args.profile:
            print(f"profile: {profile(sizes[0], Path(tmp))}")
            return
        runs: list[dict[str, Any]] = []
        for size in sizes:
            runs.append(measure(size, args.workers, args.engine, Path(tmp), args.repeat))
            print(json.dumps(runs[-1]), flush=True)
            # Written after every size, so a long series keeps what it finished.
            _write(path, runs, "python -m bench throughput " + " ".join(argv))


def _write(path: Path, runs: list[dict[str, Any]], command: str) -> None:
    by_size = {r["corpus"]["articles"]: r for r in runs}
    relate = sorted((n, r["relate"]["cpu_ms_per_article"]) for n, r in by_size.items())
    summary: dict[str, Any] = {"ratio_by_size": {str(n): r["ratio"] for n, r in sorted(by_size.items())}}
    if len(relate) > 1 and relate[0][1]:
        summary["relate_cost_largest_over_smallest"] = {"sizes": [relate[0][0], relate[-1][0]], "ratio": round(relate[-1][1] / relate[0][1], 2)}
    figures = {"summary": summary, "runs": runs, "quality": quality_figures()}
    if path == RESULTS / "throughput.json":
        write_results("throughput", figures, command=command)
    else:
        path.write_text(json.dumps({"command": command, "commit": code_version(), **figures}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
