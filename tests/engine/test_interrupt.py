"""Interrupting ``storyline ingest`` (Ctrl-C, or SIGKILL) and running it again stores every article exactly once."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.engine.corpus import PYTHON, cli_env, polnear_jsonl

# The real CLI, with a pipeline made slow on purpose (sentences, then 30 ms per article) so
# that the kill reliably lands mid-run, on the worker pool path (2 processes).
SLOW_CLI = """
import time, sys
import storyline.api
from storyline.enrich.registry import component
from storyline.settings import Settings

@component("test_slow_step", requires=("record.sentences",))
def test_slow_step(doc, record, settings):
    time.sleep(0.03)

storyline.api.DEFAULT_SETTINGS = Settings(
    enrich_components=("sentences", "test_slow_step"), batch_size=10, workers=2, parallel_min_articles=50
)
from storyline.cli import main
sys.argv[0] = "storyline"
main()
"""

N = 200


def _ingest(db: Path, corpus: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-c", SLOW_CLI, "--db", str(db), "ingest", "-q", str(corpus)],
        env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0
    finally:
        con.close()


def _wait_for_articles(db: Path, proc: subprocess.Popen, at_least: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the ingest finished before it could be interrupted: " + proc.stderr.read()[-1000:]
        stored = _count(db)
        if stored >= at_least:
            return stored
        time.sleep(0.05)
    raise AssertionError("the ingest stored nothing in time")


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
    db = tmp_path / "store.db"
    proc = _ingest(db, corpus)
    _wait_for_articles(db, proc, at_least=30)
    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0
    if sig == signal.SIGINT:
        assert "Traceback" not in stderr, stderr[-2000:]
        assert proc.returncode == 130 and "interrupted:" in stderr and "run the same command again" in stderr
    # Worker processes go with the ingest process, even when it was killed outright.
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive
    stored = _count(db)
    assert 0 < stored < N, "the kill did not land mid-run"

    rerun = _ingest(db, corpus)
    out, err = rerun.communicate(timeout=180)
    assert rerun.returncode == 0, err[-2000:]
    assert f"{N - stored} ingested, {stored} duplicates, 0 failed" in out
    _assert_every_article_stored_once(db)
