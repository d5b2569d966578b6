"""Crash and concurrency checks on real ingests through the real CLI (``python -m storyline``).

- ``kill -9`` of ``storyline ingest`` at random points (startup, enrichment, storing, the relate
  stage), the same command run again after each; the store is checked after every kill and
  after the final, uninterrupted run.
- Two ingests into one store at once (with articles in common), while ``storyline serve``
  answers readers: no errors, nothing lost, nothing stored twice.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.common import DATA, ROOT


def corpus(path: Path, start: int, count: int) -> list[str]:
    """PolNeAR train articles ``start .. start+count`` (then ECB+ train) as JSONL; returns their ids."""
    rows: list[dict[str, Any]] = []
    for source in (DATA / "polnear" / "polnear.train.jsonl", DATA / "ecbplus" / "ecbplus.train.jsonl"):
        with open(source, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                rows.append({
                    "id": r.get("filename") or r.get("doc_id"),
                    "text": r["text"],
                    "title": r.get("title"),
                    "outlet": r.get("publisher"),
                    "published": r.get("publication_date"),
                })
    chosen = rows[start : start + count]
    with open(path, "w", encoding="utf-8") as out:
        for row in chosen:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return [row["id"] for row in chosen]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyline", *args]


def cli_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("STORYLINE_DB", None)
    return env


def store_state(db: Path) -> dict[str, Any]:
    """What a store holds, and every way it could be inconsistent."""
    con = sqlite3.connect(db, timeout=60)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        sources = [row[0] for row in con.execute("SELECT json_extract(record, '$.metadata.source_id') FROM articles") if row[0] is not None]
        ids = {row[0] for row in con.execute("SELECT id FROM articles")}
        enriched = {row[0] for row in con.execute("SELECT article_id FROM enrichments")}
        memberships = con.execute("SELECT article_id, COUNT(*) FROM story_articles GROUP BY article_id").fetchall()
        story_ids = {row[0] for row in con.execute("SELECT id FROM stories")}
        member_story_ids = {row[0] for row in con.execute("SELECT DISTINCT story_id FROM story_articles")}
    finally:
        con.close()
    grouped = {article for article, _ in memberships}
    return {
        "integrity": integrity,
        "articles": len(ids),
        "sources": sources,
        "duplicated": len(sources) - len(set(sources)),
        "unenriched": len(ids - enriched),
        "enrichments_without_article": len(enriched - ids),
        "in_two_stories": sum(1 for _, n in memberships if n > 1),
        "ungrouped": len(ids - grouped),
        "grouped_unknown_article": len(grouped - ids),
        "empty_stories": len(story_ids - member_story_ids),
        "members_of_missing_story": len(member_story_ids - story_ids),
    }


def _consistent_after_kill(state: dict[str, Any]) -> list[str]:
    """Invariants that hold at any point: a half-run ingest may leave articles not yet grouped, nothing else."""
    problems = []
    if state["integrity"] != "ok":
        problems.append(f"integrity_check: {state['integrity']}")
    for key in ("duplicated", "unenriched", "enrichments_without_article", "in_two_stories", "grouped_unknown_article", "empty_stories", "members_of_missing_story"):
        if state[key]:
            problems.append(f"{key}: {state[key]}")
    return problems


def _complete(state: dict[str, Any], expected: list[str]) -> list[str]:
    problems = _consistent_after_kill(state)
    missing = set(expected) - set(state["sources"])
    if missing:
        problems.append(f"lost: {len(missing)}")
    if state["ungrouped"]:
        problems.append(f"ungrouped: {state['ungrouped']}")
    return problems


def kill_nine(workdir: Path, *, articles: int = 600, kills: int = 20, seed: int = 0, log: Any = print) -> dict[str, Any]:
    """``kills`` x SIGKILL at random points of an ingest of ``articles`` real articles, re-run after each."""
    rng = random.Random(seed)
    db, data = workdir / "kill.db", workdir / "kill.jsonl"
    expected = corpus(data, 0, articles)
    rounds: list[dict[str, Any]] = []
    orphans = 0
    start = time.monotonic()
    for n in range(kills):
        proc = subprocess.Popen(cli("--db", str(db), "ingest", "-q", str(data)), env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        before = store_state(db)["articles"] if db.exists() else 0
        # A quarter of the kills at a random time (imports, reading, starting workers, the first
        # batches); the others once a few more articles are stored (a random step, so the kills
        # spread over the whole ingest), then a random moment more: mid-batch, or in the relate
        # stage once every article is stored.
        if n % 4 == 0:
            when = f"after {rng.uniform(0.5, 20):.1f} s"
            deadline = time.monotonic() + float(when.split()[1])
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
        else:
            target = min(articles, before + rng.randint(1, 3 * articles // kills))
            extra = rng.uniform(0, 3) if target < articles else rng.uniform(0, 15)
            when = f"at {target} stored + {extra:.1f} s"
            while proc.poll() is None and (not db.exists() or _count(db) < target):
                time.sleep(0.1)
            end = time.monotonic() + extra
            while time.monotonic() < end and proc.poll() is None:
                time.sleep(0.05)
        children = []
        if proc.poll() is None:
            children = psutil.Process(proc.pid).children(recursive=True)
            os.kill(proc.pid, signal.SIGKILL)
        finished = proc.wait() == 0
        _, alive = psutil.wait_procs(children, timeout=20)
        orphans += len(alive)
        for child in alive:
            child.kill()
        proc.stderr.close()  # type: ignore[union-attr]
        state = store_state(db) if db.exists() else {"articles": 0, "integrity": "ok"}
        problems = _consistent_after_kill(state) if db.exists() else []
        # Articles stored but not yet in a story: the kill landed before or in the relate stage.
        rounds.append({"kill": when, "finished_before_kill": finished, "stored_after": state["articles"], "ungrouped_after": state.get("ungrouped", 0), "problems": problems})
        log(f"  kill -9 #{n + 1} {when}: {state['articles']} stored{', finished first' if finished else ''}{'; ' + '; '.join(problems) if problems else ''}")
    final = subprocess.run(cli("--db", str(db), "ingest", "-q", str(data)), env=cli_env(), capture_output=True, text=True)
    state = store_state(db)
    problems = _complete(state, expected)
    if final.returncode != 0:
        problems.append(f"final run exit {final.returncode}: {final.stderr.strip()[-300:]}")
    return {
        "articles": articles,
        "kills": kills,
        "kills_that_landed": sum(not r["finished_before_kill"] for r in rounds),
        "stored_after_each_kill": [r["stored_after"] for r in rounds],
        "ungrouped_after_each_kill": [r["ungrouped_after"] for r in rounds],
        "problems_after_kills": sum(len(r["problems"]) for r in rounds),
        "orphan_workers": orphans,
        "final_run": final.stdout.strip(),
        "stored": state["articles"],
        "lost": len(set(expected) - set(state["sources"])),
        "duplicated": state["duplicated"],
        "unenriched": state["unenriched"],
        "ungrouped": state["ungrouped"],
        "in_two_stories": state["in_two_stories"],
        "integrity_check": state["integrity"],
        "problems": problems + [p for r in rounds for p in r["problems"]],
        "rounds": rounds,
        "seconds": round(time.monotonic() - start, 1),
    }


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=60)
        try:
            return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    """``storyline serve`` on a free port of 127.0.0.1; returns once it answers."""
    port = free_port()
    proc = subprocess.Popen(cli("--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)), env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("storyline serve exited: " + proc.stderr.read().decode()[-500:])  # type: ignore[union-attr]
        try:
            if httpx.get(base + "/api/stories", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("storyline serve did not answer in 120 s")


def concurrent_ingests(workdir: Path, *, each: int = 100, shared: int = 20, log: Any = print) -> dict[str, Any]:
    """Two ingests into one store at once (``shared`` articles in both), ``serve`` reading throughout."""
    db = workdir / "concurrent.db"
    seeds = subprocess.run(cli("--db", str(db), "ingest", "-q", str(DATA / "seeds")), env=cli_env(), capture_output=True, text=True)
    assert seeds.returncode == 0, seeds.stderr
    first, second = workdir / "first.jsonl", workdir / "second.jsonl"
    ids_a = corpus(first, 1000, each)
    ids_b = corpus(second, 1000 + each - shared, each)
    expected = set(ids_a) | set(ids_b)
    server, base = start_server(db)
    reads = {"requests": 0, "errors": 0, "error_samples": []}
    stop = threading.Event()

    def read_while_ingesting() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while not stop.is_set():
                for path in ("/api/stories", "/", "/api/articles?limit=50", "/search?q=said"):
                    try:
                        response = client.get(path)
                        if response.status_code != 200:
                            raise RuntimeError(f"{path}: HTTP {response.status_code}")
                        if path == "/api/stories":
                            for story in response.json()["stories"][:3]:
                                for sub in (f"/stories/{story['id']}", f"/api/stories/{story['id']}"):
                                    reads["requests"] += 1
                                    got = client.get(sub)
                                    if got.status_code != 200:
                                        raise RuntimeError(f"{sub}: HTTP {got.status_code}")
                    except Exception as exc:  # noqa: BLE001 - every failure is counted and sampled
                        reads["errors"] += 1
                        if len(reads["error_samples"]) < 5:
                            reads["error_samples"].append(f"{type(exc).__name__}: {exc}"[:300])
                    reads["requests"] += 1

    reader = threading.Thread(target=read_while_ingesting, daemon=True)
    reader.start()
    start = time.monotonic()
    try:
        procs = [subprocess.Popen(cli("--db", str(db), "ingest", "-q", str(path)), env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path in (first, second)]
        outputs = [p.communicate() for p in procs]
    finally:
        stop.set()
        reader.join(120)
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    state = store_state(db)
    problems = _complete(state, sorted(expected))
    for proc, (_, err) in zip(procs, outputs, strict=True):
        if proc.returncode != 0:
            problems.append(f"an ingest exited {proc.returncode}: {err.strip()[-300:]}")
    log(f"  two ingests + serve: {[o.strip() for o, _ in outputs]}, {reads['requests']} reads, {reads['errors']} read errors")
    return {
        "ingests": [o.strip() for o, _ in outputs],
        "ingest_errors": [e.strip()[-300:] for p, (_, e) in zip(procs, outputs, strict=True) if p.returncode != 0],
        "articles_expected": len(expected) + 5,
        "stored": state["articles"],
        "lost": len(expected - set(state["sources"])),
        "duplicated": state["duplicated"],
        "in_two_stories": state["in_two_stories"],
        "ungrouped": state["ungrouped"],
        "integrity_check": state["integrity"],
        "serve_reads": reads["requests"],
        "serve_read_errors": reads["errors"],
        "serve_error_samples": reads["error_samples"],
        "problems": problems,
        "seconds": round(time.monotonic() - start, 1),
    }
