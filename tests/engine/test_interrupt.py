"""Interrupting ``storyline ingest`` (Ctrl-C, or SIGKILL) and running it again stores every article exactly once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import psutil
import pytest

from tests.engine.corpus import PYTHON, cli_env, polnear_jsonl

# The real CLI on the worker pool path (2 processes), with a hook that signals the ingest
# process itself while it stores its KILL_AT-th article: inside the transaction of the fourth
# batch, after three batches were committed. No sleeps, no timing luck: the signal always lands
# at the same place, and the pids of the pool's workers are written first so the test can check
# that they went with it.
INTERRUPTING_CLI = """
import multiprocessing, os, signal, sys
import storyline.api
from storyline.settings import Settings
from storyline.store import Store

sig, kill_at, pid_file = int(sys.argv.pop(1)), int(sys.argv.pop(1)), sys.argv.pop(1)
# A shell starts background jobs with SIGINT ignored, and Python then installs no handler of its
# own: restore Ctrl-C's KeyboardInterrupt, whatever ran the tests (a CI job, `nohup ... &`).
signal.signal(signal.SIGINT, signal.default_int_handler)
add_article = Store.add_article
calls = 0

def add_article_then_signal(self, article):
    global calls
    calls += 1
    if calls == kill_at:
        with open(pid_file, "w") as f:
            f.write(" ".join(str(p.pid) for p in multiprocessing.active_children()))
        os.kill(os.getpid(), sig)
    return add_article(self, article)

Store.add_article = add_article_then_signal
storyline.api.DEFAULT_SETTINGS = Settings(
    enrich_components=("sentences",), batch_size=10, workers=2, parallel_min_articles=50
)
from storyline.cli import main
sys.argv[0] = "storyline"
main()
"""

N = 200
BATCH = 10
KILL_AT = 3 * BATCH + 5


def _ingest(db: Path, corpus: Path, sig: int = 0, kill_at: int = 0, pid_file: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-c", INTERRUPTING_CLI, str(int(sig)), str(kill_at), str(pid_file or os.devnull), "--db", str(db), "ingest", "-q", str(corpus)],
        env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _count(db: Path) -> int:
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = polnear_jsonl(tmp_path_factory.mktemp("interrupt") / "polnear.jsonl", N)
    SOURCE_IDS[:] = [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(set(SOURCE_IDS)) == N
    return path


SOURCE_IDS: list[str] = []


def _assert_every_article_stored_once(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        ids = [row[0] for row in con.execute("SELECT id FROM articles")]
        sources = [row[0] for row in con.execute("SELECT json_extract(record, '$.metadata.source_id') FROM articles")]
        enriched = [row[0] for row in con.execute("SELECT article_id FROM enrichments")]
        grouped = {row[0] for row in con.execute("SELECT article_id FROM story_articles")}
    finally:
        con.close()
    # Ids come from the cleaned text (furniture learnt from the store may differ between runs),
    # so the input's own id says which input line an article came from.
    assert sorted(sources) == sorted(SOURCE_IDS)  # none missing, none stored twice
    assert sorted(enriched) == sorted(ids)  # no article without its enrichment
    assert grouped == set(ids)  # and every one is in a story


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_interrupted_ingest_then_rerun_stores_every_article_once(tmp_path, corpus, sig):
    db, pid_file = tmp_path / "store.db", tmp_path / "workers.pid"
    proc = _ingest(db, corpus, sig, KILL_AT, pid_file)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode != 0
    if sig == signal.SIGINT:
        assert "Traceback" not in stderr, stderr[-2000:]
        assert proc.returncode == 130 and "interrupted:" in stderr and "run the same command again" in stderr
    else:
        assert proc.returncode == -signal.SIGKILL
    # Worker processes go with the ingest process, even when it was killed outright.
    pids = [int(pid) for pid in pid_file.read_text().split()]
    assert pids, "the pool had no workers: the pool path was not taken"
    workers = [psutil.Process(pid) for pid in pids if psutil.pid_exists(pid)]
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive
    # The three committed batches stay; the open one, signalled mid-transaction, is rolled back whole.
    stored = _count(db)
    assert stored == 3 * BATCH

    rerun = _ingest(db, corpus)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-2000:]
    assert f"{N - stored} ingested, {stored} duplicates, 0 failed" in out
    _assert_every_article_stored_once(db)
