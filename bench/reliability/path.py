"""The whole path on fuzz inputs, and the store's failure cases, as a user meets them.

``path``: the fuzz inputs (`bench.reliability.inputs`) written to folders and ingested folder by
folder with the real CLI (``storyline ingest``, in-process through click so its exit code, its
stderr and the ingest report can all be checked): read -> enrich -> store -> relate -> exit code.
An input fails the run when an exception escapes the CLI (a traceback), the exit code is not 0 or
1, a line on stderr is not one ``error:`` line, an article reported stored is not in the store
(lost), or an article is stored twice (one batch in five is ingested again: nothing may be added).
The first ``--path-full-inputs`` inputs (1,000 by default) are enriched by every registered
component, as a user's ingest is; the rest by the spaCy pipeline with the ``sentences`` component
only, so that 10,000 inputs fit a run on two cores (every component costs about 0.6 CPU-s per
fuzz input, sentences alone under 0.1).

``failures``: a write lock held past ``store_lock_timeout``, a full store, a read-only store, and a
4.5 MB one-line file (peak RSS of the CLI process).
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import DATA, ROOT
from bench.reliability.inputs import make_input
from storyline.settings import Settings

FOLDER_INPUTS = 100
"""Fuzz inputs per ``storyline ingest`` call."""
RECHECK_EVERY = 5
"""Every fifth folder is ingested twice: the second run must add nothing."""


FULL_ENRICHMENT = Settings().enrich_components
LIGHT_ENRICHMENT = ("sentences",)


def _path_worker(worker: int, folders: list[list[int]], seed: int, workdir: str, full_inputs: int, out: Any) -> None:
    import storyline.api
    from click.testing import CliRunner

    from storyline.api import Storyline

    from storyline.cli import cli

    reports: list[Any] = []
    ingest = Storyline.ingest

    def keep_report(self: Storyline, *args: Any, **kwargs: Any) -> Any:
        report = ingest(self, *args, **kwargs)
        reports.append(report)
        return report

    Storyline.ingest = keep_report  # type: ignore[method-assign]
    runner = CliRunner()
    db = Path(workdir) / f"path-{worker}.db"
    figures: dict[str, Any] = {"inputs": 0, "fully_enriched_inputs": 0, "cli_runs": 0, "tracebacks": 0, "bad_exit_codes": 0, "stderr_not_one_line": 0,
                               "ingested": 0, "updated": 0, "input_errors": 0, "lost": 0, "duplicated": 0, "failures": []}

    def fail(kind: str, detail: str) -> None:
        figures["failures"].append({"kind": kind, "detail": detail[:400]})

    for number, indices in enumerate(folders):
        folder = Path(workdir) / f"w{worker}-f{number}"
        folder.mkdir()
        for index in indices:
            item = make_input(index, seed)
            (folder / f"input-{index}{item.suffix}").write_bytes(item.data)
        figures["inputs"] += len(indices)
        full = indices[0] < full_inputs
        figures["fully_enriched_inputs"] += len(indices) if full else 0
        # `Storyline` reads the module's settings when the CLI opens the store, so each folder can differ.
        storyline.api.DEFAULT_SETTINGS = Settings(enrich_components=FULL_ENRICHMENT if full else LIGHT_ENRICHMENT, parallel_min_articles=10**9)
        for attempt in range(2 if number % RECHECK_EVERY == 0 else 1):
            before = _ids(db)
            reports.clear()
            result = runner.invoke(cli, ["--db", str(db), "ingest", "-q", str(folder)])
            figures["cli_runs"] += 1
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                figures["tracebacks"] += 1
                fail("traceback", f"{folder.name}: {type(result.exception).__name__}: {result.exception}")
                continue
            if result.exit_code not in (0, 1):
                figures["bad_exit_codes"] += 1
                fail("exit code", f"{folder.name}: {result.exit_code}: {result.stderr[-300:]}")
            bad = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("error: ")]
            if bad or "Traceback" in result.stderr:
                figures["stderr_not_one_line"] += 1
                fail("stderr", f"{folder.name}: {bad[:2]}")
            if not reports:
                continue
            report = reports[-1]
            after = _ids(db)
            new = set(after) - set(before)
            lost = {i for i in [*report.ingested, *report.updated] if i not in after}
            figures["lost"] += len(lost)
            if lost:
                fail("lost", f"{folder.name}: {sorted(lost)[:3]}")
            doubled = len(report.ingested) - len(set(report.ingested)) + len(new ^ set(report.ingested))
            if attempt == 1:
                doubled += len(report.ingested) + len(report.updated)
            figures["duplicated"] += doubled
            if doubled:
                fail("duplicated", f"{folder.name} run {attempt + 1}: {len(report.ingested)} ingested, {len(new)} new rows")
            if attempt == 0:
                figures["ingested"] += len(report.ingested)
                figures["updated"] += len(report.updated)
                figures["input_errors"] += len(report.errors)
        shutil.rmtree(folder)
    figures.update(integrity_check="ok", unenriched=0, articles_in_store=0)
    if db.exists():
        con = sqlite3.connect(db)
        figures["integrity_check"] = con.execute("PRAGMA integrity_check").fetchone()[0]
        figures["unenriched"] = con.execute("SELECT COUNT(*) FROM articles a LEFT JOIN enrichments e ON e.article_id = a.id WHERE e.article_id IS NULL").fetchone()[0]
        figures["articles_in_store"] = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        con.close()
    out.put(figures)


def _ids(db: Path) -> list[str]:
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT id FROM articles")]
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


def whole_path(
    workdir: Path, inputs: int, *, seed: int, workers: int, log: Callable[[str], None], full_inputs: int
) -> dict[str, Any]:
    """``inputs`` fuzz inputs through ``storyline ingest`` on ``workers`` processes (one store each);
    the first ``full_inputs`` are enriched by every component, the rest by sentences only."""
    start = time.monotonic()
    folders = [list(range(i, min(i + FOLDER_INPUTS, inputs))) for i in range(0, inputs, FOLDER_INPUTS)]
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_path_worker, args=(w, folders[w::workers], seed, str(workdir), full_inputs, out)) for w in range(workers)]
    for proc in procs:
        proc.start()
    parts = []
    for _ in procs:
        try:
            parts.append(out.get(timeout=3600))
        except Exception:  # a worker died without its figures: that is a failure of the run
            parts.append({"inputs": 0, "tracebacks": 1, "failures": [{"kind": "worker died", "detail": ""}], "integrity_check": "unknown"})
    for proc in procs:
        proc.join()
    total: dict[str, Any] = {"inputs": 0, "failures": []}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, int):
                total[key] = total.get(key, 0) + value
        total["failures"] += part["failures"]
    total["failures"] = total["failures"][:20]
    total["integrity_check"] = "ok" if all(p["integrity_check"] == "ok" for p in parts) else [p["integrity_check"] for p in parts]
    total["full_enrichment"] = list(FULL_ENRICHMENT)
    total["light_enrichment"] = list(LIGHT_ENRICHMENT)
    total["seconds"] = round(time.monotonic() - start, 1)
    log(f"  path: {total['inputs']} inputs in {total['cli_runs']} CLI runs: {total['tracebacks']} tracebacks, "
        f"{total['lost']} lost, {total['duplicated']} duplicated, {total['ingested']} stored ({total['fully_enriched_inputs']} inputs fully enriched), {total['updated']} new versions")
    return total


# --- the store's failure cases, through the CLI in its own process ---------------------------

CLI = """
import sys
import storyline.api
from storyline.settings import Settings
storyline.api.DEFAULT_SETTINGS = Settings(enrich_components=("sentences",), store_lock_timeout=float(sys.argv.pop(1)))
from storyline.cli import main
sys.argv[0] = "storyline"
main()
"""

MEASURED = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
print(done.returncode)
sys.stdout.write(done.stderr)
"""


def _cli(args: list[str], lock_timeout: float = 30.0) -> tuple[int, str, int]:
    """(exit code, stderr, peak RSS in MB) of ``storyline ARGS`` in a process of its own."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-c", CLI, str(lock_timeout), *args]
    done = subprocess.run([sys.executable, "-c", MEASURED, *command], capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)
    peak, code, *stderr = done.stdout.split("\n")
    return int(code), "\n".join(stderr), int(peak)


def _one_line_text(chars: int) -> str:
    rows = (DATA / "polnear" / "polnear.dev.jsonl").read_text(encoding="utf-8").splitlines()
    text = " ".join(json.loads(r)["text"].replace("\n", " ") for r in rows[:300])
    while len(text) < chars:
        text += " " + text
    return text[:chars]


def _one_line_verdict(code: int, stderr: str) -> bool:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return "Traceback" not in stderr and len(lines) == 1


def failure_cases(workdir: Path, *, quick: bool, log: Callable[[str], None]) -> dict[str, Any]:
    seeds = DATA / "seeds"
    polnear = workdir / "polnear.jsonl"
    rows = (DATA / "polnear" / "polnear.dev.jsonl").read_text(encoding="utf-8").splitlines()[:20]
    polnear.write_text("".join(json.dumps({"text": json.loads(r)["text"], "title": json.loads(r)["title"]}) + "\n" for r in rows), encoding="utf-8")
    found: dict[str, Any] = {}

    db = workdir / "locked.db"
    _cli(["--db", str(db), "ingest", "-q", str(seeds)])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a long ingest
    code, stderr, _ = _cli(["--db", str(db), "ingest", "-q", str(polnear)], lock_timeout=3)
    holder.execute("ROLLBACK")
    holder.close()
    again, _, _ = _cli(["--db", str(db), "ingest", "-q", str(polnear)])
    waited = "waiting for another process" in stderr
    last = [line for line in stderr.splitlines() if line.strip()][-1:]
    found["lock_held_past_timeout"] = {
        "exit_code": code, "waited_with_a_line": waited, "message": last[0] if last else "", "traceback": "Traceback" in stderr,
        "rerun_exit_code": again, "articles_after_rerun": len(_ids(db)), "expected_articles": 5 + len(rows),
    }

    db = workdir / "full.db"
    _cli(["--db", str(db), "ingest", "-q", str(seeds)])
    con = sqlite3.connect(db)
    con.execute("VACUUM")
    con.close()
    full = workdir / "full-cap.py"
    full.write_text(
        "import sqlite3, storyline.store.connection as c\n"
        "connect = c.connect\n"
        "def capped(*a, **k):\n"
        "    db = connect(*a, **k)\n"
        "    db.execute('PRAGMA max_page_count = ' + str(db.execute('PRAGMA page_count').fetchone()[0] + 8))\n"
        "    return db\n"
        "c.connect = capped\n"
        "import storyline.store.sqlite as s\n"
        "s.connect = capped\n",
        encoding="utf-8",
    )
    found["disk_full"] = _disk_full(db, polnear, full)

    db = workdir / "ro.db"
    _cli(["--db", str(db), "ingest", "-q", str(seeds)])
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    codes = {" ".join(args): _cli(["--db", str(db), *args])[0] for args in (["stories"], ["serve", "--get", "/"])}
    code, stderr, _ = _cli(["--db", str(db), "ingest", "-q", str(polnear)])
    found["read_only_store"] = {"browse_exit_codes": codes, "ingest_exit_code": code, "ingest_one_line": _one_line_verdict(code, stderr),
                                "not_a_store_reported": "not a Storyline store" in stderr}

    big = workdir / "one-line-4.5MB.txt"
    big.write_text(_one_line_text(4_500_000), encoding="utf-8")
    code, stderr, peak = _cli(["--db", str(workdir / "big.db"), "ingest", "-q", str(big)])
    found["one_line_4_5_mb"] = {"exit_code": code, "one_line": _one_line_verdict(code, stderr), "peak_rss_mb": peak, "message": stderr.strip()[:300]}
    if not quick:
        long = workdir / "one-line-300k.txt"
        long.write_text(_one_line_text(300_000), encoding="utf-8")
        start = time.monotonic()
        code, stderr, peak = _cli(["--db", str(workdir / "long.db"), "ingest", "-q", str(long)])
        found["one_line_300k_chunked"] = {"exit_code": code, "peak_rss_mb": peak, "seconds": round(time.monotonic() - start, 1), "stored": len(_ids(workdir / "long.db"))}
    for name, row in found.items():
        log(f"  {name}: {row}")
    return found


def _disk_full(db: Path, inputs: Path, patch: Path) -> dict[str, Any]:
    before = len(_ids(db))
    env = {"PYTHONPATH": f"{ROOT}", "PATH": "/usr/bin:/bin"}
    script = f"exec(open({str(patch)!r}).read())\n" + CLI
    done = subprocess.run([sys.executable, "-c", script, "30", "--db", str(db), "ingest", "-q", str(inputs)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)
    kept = len(_ids(db))
    again, _, _ = _cli(["--db", str(db), "ingest", "-q", str(inputs)])
    con = sqlite3.connect(db)
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    return {"exit_code": done.returncode, "one_line": _one_line_verdict(done.returncode, done.stderr), "message": done.stderr.strip()[-300:],
            "articles_before": before, "articles_kept": kept, "rerun_exit_code": again, "articles_after_rerun": len(_ids(db)), "integrity_check": integrity}
