"""Throughput benchmark: end-to-end ingest -> stories -> briefs on real articles, local and Dask.

The articles are the PolNeAR (train + dev) and ECB+ (train + dev) texts under
``/work/shared/data``, 1,696 in all, taken in a fixed order and reused for larger runs: the
k-th reuse of a text gets a one-line suffix (``Copy k.``) so its content, and so its id, is
new, its outlet is renamed (so ingest does not learn the shared lines as page furniture)
and its date moves k x 60 days so copies fall in other story windows. Each run builds a
fresh store: ``Storyline.ingest`` (read, enrich on the engine, store, relate), then the brief
of every story with two or more articles. Figures: articles/s end to end and per stage,
peak RSS of the whole process tree (the ingest process and its workers), and the machine's
load average, since the figures are only as quiet as the machine.

Run: ``python -m bench throughput [--sizes 1000,10000] [--engine local,dask] [--workers 2]``
(``--profile`` writes a pyinstrument profile of the in-process pipeline instead; ``--pipes N``
prints each spaCy pipe's CPU cost per 700 words on N texts). The results file also carries the
quality figures the speed work must keep (quotes, clustering, extraction), with when and at
which commit each ran: rerun those benchmarks, then ``--refresh-quality`` copies them in.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psutil

from bench.common import DATA, RESULTS, code_version, write_results

SOURCES = [
    DATA / "polnear" / "polnear.train.jsonl",
    DATA / "polnear" / "polnear.dev.jsonl",
    DATA / "ecbplus" / "ecbplus.train.jsonl",
    DATA / "ecbplus" / "ecbplus.dev.jsonl",
]


def base_articles() -> list[dict[str, Any]]:
    rows = []
    for path in SOURCES:
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                rows.append(
                    {
                        "id": r.get("filename") or r.get("doc_id"),
                        "text": r["text"],
                        "title": r.get("title"),
                        "outlet": r.get("publisher"),
                        "url": r.get("url"),
                        "published": r.get("publication_date"),
                    }
                )
    return rows


def write_corpus(path: Path, size: int) -> dict[str, Any]:
    """``size`` articles as JSONL, every text distinct; returns the corpus' shape."""
    base = base_articles()
    words = []
    with open(path, "w", encoding="utf-8") as out:
        for i in range(size):
            k, r = divmod(i, len(base))
            row = dict(base[r])
            if k:
                row["id"] = f"{row['id']}#copy{k}"
                row["text"] = row["text"] + f"\n\nCopy {k}."
                row["url"] = f"{row['url']}#copy{k}" if row["url"] else None
                # Each reuse is its own outlet: otherwise ingest learns the copies' shared lines as
                # the outlet's page furniture, strips them and the copies collapse into one article.
                row["outlet"] = f"{row['outlet'] or 'ecbplus'} (copy {k})"
                if row["published"]:
                    row["published"] = (datetime.fromisoformat(row["published"]) + timedelta(days=60 * k)).date().isoformat()
            words.append(len(row["text"].split()))
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {"articles": size, "distinct_texts": min(size, len(base)), "mean_words": round(statistics.mean(words), 1)}


class PeakRSS:
    """Samples the RSS and CPU time of this process and all its descendants (pool or Dask workers).

    CPU seconds are what the run cost, whatever else the machine was doing: on a shared
    machine they, not the wall clock, say how fast the pipeline is.
    """

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.peak_total = 0
        self.peak_self = 0
        self.loads: list[float] = []
        self._cpu: dict[int, float] = {}
        # This process ran earlier runs (and imports) before this one: count only what it spends from here.
        me = psutil.Process()
        self._cpu_before = {me.pid: sum(me.cpu_times()[:2])}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                own = me.memory_info().rss
                total = own
                self._cpu[me.pid] = sum(me.cpu_times()[:2])
                for child in me.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                        self._cpu[child.pid] = sum(child.cpu_times()[:2])
                    except psutil.Error:
                        pass
                self.peak_self = max(self.peak_self, own)
                self.loads.append(os.getloadavg()[0])
                self.peak_total = max(self.peak_total, total)
            except psutil.Error:
                pass
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        """User + system CPU of the process tree during the run (a worker's last < 0.25 s may be missed)."""
        return sum(cpu - self._cpu_before.get(pid, 0.0) for pid, cpu in self._cpu.items())


class Ticker:
    """Prints a line every 10% of the articles: a long run that is stopped still says how fast it went."""

    def __init__(self, total: int, start: float) -> None:
        self.total, self.start, self.done, self.next = total, start, 0, total // 10

    def __call__(self, n: int) -> None:
        self.done += n
        if self.done >= self.next:
            elapsed = time.perf_counter() - self.start
            print(f"  {self.done}/{self.total} articles in {elapsed:.0f} s ({self.done / elapsed:.2f}/s), load {os.getloadavg()[0]:.1f}", flush=True)
            self.next += self.total // 10


def run_once(size: int, engine: str, workers: int, workdir: Path, max_briefs: int) -> dict[str, Any]:
    from storyline import Storyline
    from storyline.settings import Settings

    corpus = workdir / f"corpus-{size}.jsonl"
    shape = write_corpus(corpus, size)
    db = workdir / f"{engine}-{size}.db"
    settings = Settings(workers=workers)
    load_before = os.getloadavg()
    cpu_before = psutil.cpu_times()
    start = time.perf_counter()
    with PeakRSS() as rss, Storyline(db, settings) as sl:
        report = sl.ingest([str(corpus)], engine=engine, progress=Ticker(size, start))
        ingest_s = time.perf_counter() - start
        brief_start = time.perf_counter()
        stories = sl.stories()
        # Largest first (the store's order); the cap keeps a 10k run's brief stage in minutes.
        multi = [s for s in stories if len(s.article_ids) > 1][:max_briefs]
        for story in multi:
            sl.brief(story.id)
        brief_s = time.perf_counter() - brief_start
    total_s = time.perf_counter() - start
    cpu_after = psutil.cpu_times()
    busy = sum(getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("user", "system", "nice"))
    stages = {k: round(v, 2) for k, v in report.timings.items()}
    stages["brief"] = round(brief_s, 2)
    return {
        "engine": engine,
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": code_version(),
        "workers": report.engine.get("workers"),
        "size": size,
        "corpus": shape,
        "ingested": len(report.ingested),
        "failed": report.failed,
        "stories": len(stories),
        "briefs_built": len(multi),
        "stories_with_2_or_more_articles": sum(1 for s in stories if len(s.article_ids) > 1),
        "seconds_per_brief": round(brief_s / len(multi), 3) if multi else None,
        "seconds": {"total": round(total_s, 1), "ingest": round(ingest_s, 1), **stages},
        "articles_per_s": round(size / total_s, 2),
        "ingest_articles_per_s": round(size / ingest_s, 2),
        "articles_per_s_700_word_equivalent": round(size / total_s * shape["mean_words"] / 700, 2),
        "cpu_seconds": round(rss.cpu_seconds, 1),
        "articles_per_cpu_second": round(size / rss.cpu_seconds, 2) if rss.cpu_seconds else None,
        # The process tree's CPU per article: comparable between runs on a busy machine, where
        # the wall-clock figures are not (it is a cost, not a speed).
        "cpu_ms_per_article": round(rss.cpu_seconds / size * 1000, 1),
        "cpu_ms_per_700_words": round(rss.cpu_seconds / size * 1000 * 700 / shape["mean_words"], 1),
        "peak_rss_mb": {"all_processes": round(rss.peak_total / 2**20), "ingest_process": round(rss.peak_self / 2**20)},
        "machine_load": {
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            # 1-minute load sampled through the run: above ~3 (2 workers + this process on 2
            # cores) other work was competing, and wall-clock figures understate the pipeline.
            "loadavg_1min_during": {"mean": round(statistics.mean(rss.loads), 2), "max": round(max(rss.loads), 2)} if rss.loads else None,
            "cpu_busy_share": round(busy / (total_s * psutil.cpu_count()), 2),
        },
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
        for story in sl.stories():
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

    texts = [r["text"] for r in base_articles()[:n]]
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
    return {"texts": n, "mean_words": round(words / n, 1), "cpu_ms_per_700_words": costs, "total": round(sum(costs.values()), 1), "loadavg": [round(x, 2) for x in os.getloadavg()]}


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
    parser.add_argument("--sizes", default="1000,10000", help="Articles per run, comma-separated (default 1000,10000).")
    parser.add_argument("--engine", default="local,dask", help="local, dask or both, comma-separated (default both).")
    parser.add_argument("--workers", type=int, default=2, help="Worker processes per engine (default 2).")
    parser.add_argument("--max-briefs", type=int, default=500, help="Briefs built per run, largest stories first (default 500).")
    parser.add_argument("--profile", action="store_true", help="Profile the first size in one process instead.")
    parser.add_argument("--pipes", type=int, default=0, metavar="N", help="Only measure each spaCy pipe's CPU cost on N texts.")
    parser.add_argument(
        "--refresh-quality", action="store_true", help="Only copy the quality benchmarks' latest figures into the results file (after rerunning them)."
    )
    args = parser.parse_args(argv)
    path = RESULTS / "throughput.json"
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
    engines = [e for e in args.engine.split(",") if e]
    with tempfile.TemporaryDirectory(prefix="storyline-throughput-") as tmp:
        if args.profile:
            print(f"profile: {profile(sizes[0], Path(tmp))}")
            return
        previous = json.loads(path.read_text(encoding="utf-8")).get("runs", []) if path.exists() else []
        runs = {(r["engine"], r["size"]): r for r in previous}
        for size in sizes:
            for engine in engines:
                result = run_once(size, engine, args.workers, Path(tmp), args.max_briefs)
                runs[(engine, size)] = result
                print(json.dumps(result), flush=True)
                # Written after every run, so a long series keeps what it finished.
                write_results(
                    "throughput",
                    {"runs": sorted(runs.values(), key=lambda r: (r["size"], r["engine"])), "quality": quality_figures()},
                    command="python -m bench throughput " + " ".join(argv),
                )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
