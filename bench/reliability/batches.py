"""Good files in the same ingest as hostile ones: every good article stored, the store intact."""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import DATA
from bench.reliability.inputs import make_input


def good_articles(count: int) -> list[tuple[str, str]]:
    """(file name, text file content) of ``count`` PolNeAR dev articles: a headline line, then the text."""
    out = []
    with open(DATA / "polnear" / "polnear.dev.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out.append((f"good-{r['filename']}.txt", f"{r['title']}\n\n{r['text']}"))
            if len(out) == count:
                break
    return out


def mixed_batches(workdir: Path, passed: list[tuple[int, float]], *, seed: int, batches: int = 10, hostile: int = 40, good: int = 5, log: Any = print) -> dict[str, Any]:
    """``batches`` ingests, each of ``good`` real articles among ``hostile`` fuzz inputs, into one store."""
    from storyline import Storyline
    from storyline.ingest import read_inputs
    from storyline.settings import Settings

    rng = random.Random(seed)
    quick = [index for index, seconds in passed if seconds < 5]  # the batch measures storing, not slow pages
    goods = good_articles(batches * good)
    db = workdir / "batches.db"
    stored_good = missing_good = failed_inputs = tracebacks = 0
    samples: list[str] = []
    start = time.monotonic()
    with Storyline(db) as sl:
        for n in range(batches):
            with tempfile.TemporaryDirectory(dir=workdir) as folder:
                expected = []
                for name, text in goods[n * good : (n + 1) * good]:
                    path = Path(folder) / name
                    path.write_text(text, encoding="utf-8")
                    expected += [a.id for a in read_inputs([str(path)], Settings()) if not isinstance(a, Exception)]
                for index in rng.sample(quick, min(hostile, len(quick))):
                    item = make_input(index, seed)
                    (Path(folder) / f"hostile-{index}{item.suffix}").write_bytes(item.data)
                try:
                    report = sl.ingest([folder])
                    failed_inputs += report.failed
                except Exception as exc:  # noqa: BLE001 - what would be a traceback for the user
                    tracebacks += 1
                    samples.append(f"batch {n}: {type(exc).__name__}: {exc}"[:300])
                have = {a.id for a in sl.store.iter_articles(expected)}
                stored_good += len(have)
                missing_good += len(set(expected) - have)
            log(f"  batch {n + 1}/{batches}: {stored_good} good articles stored, {missing_good} missing, {failed_inputs} inputs refused so far")
    con = sqlite3.connect(db)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        articles = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        con.close()
    return {
        "batches": batches,
        "good_files_per_batch": good,
        "hostile_inputs_per_batch": hostile,
        "good_articles_stored": stored_good,
        "good_articles_missing": missing_good,
        "hostile_inputs_refused_with_one_line": failed_inputs,
        "articles_in_store": articles,
        "tracebacks": tracebacks,
        "traceback_samples": samples,
        "integrity_check": integrity,
        "seconds": round(time.monotonic() - start, 1),
    }
