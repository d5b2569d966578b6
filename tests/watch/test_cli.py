"""The always-on commands end to end: watch a folder, kept sources, --since, watchlist, alerts,
the loopback refusal, and a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from click.testing import CliRunner

from storyline.cli import cli
from tests.conftest import ROOT, seed_path
from tests.watch.server import FeedServer


def run(runner: CliRunner, db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["--db", str(db), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_watch_a_folder_reads_only_new_files(runner: CliRunner, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    db = tmp_path / "w.db"
    for prefix in ("000", "001"):
        shutil.copy(seed_path(prefix), drop)
    code, out = run(runner, db, "watch", "--once", "-q", str(drop))
    assert code == 0 and "2 new" in out
    code, out = run(runner, db, "watch", "--once", "-q", str(drop))
    assert code == 0 and "0 new" in out and "1 unchanged" in out
    since = datetime.now(timezone.utc).isoformat()
    code, out = run(runner, db, "stories", "--since", since, "--format", "json")
    assert json.loads(out) == []
    shutil.copy(seed_path("002"), drop)
    code, out = run(runner, db, "sources", "add", str(drop))
    assert code == 0 and "added" in out
    code, out = run(runner, db, "watch", "--once", "-q")  # the kept source
    assert code == 0 and "1 new" in out
    code, out = run(runner, db, "stories", "--since", since, "--format", "json")
    changed = json.loads(out)
    assert len(changed) == 1 and changed[0]["size"] == 3 and changed[0]["updated_at"] >= since
    code, out = run(runner, db, "sources", "list", "--format", "json")
    assert [row["source"] for row in json.loads(out)] == [str(drop)]
    code, out = run(runner, db, "sources", "remove", str(drop))
    assert code == 0
    code, out = run(runner, db, "watch", "--once", "-q")
    assert code != 0 and "nothing to watch" in out


def test_watchlist_and_alerts(runner: CliRunner, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    db = tmp_path / "a.db"
    shutil.copy(seed_path("000"), drop)
    run(runner, db, "watch", "--once", "-q", str(drop))
    code, out = run(runner, db, "watchlist", "add", "rubio", "drone strikes", "olive harvest")
    assert code == 0 and "entity 'Marco Rubio'" in out and "keyword 'drone strikes'" in out
    shutil.copy(seed_path("001"), drop)
    code, out = run(runner, db, "watch", "--once", "-q", str(drop))
    assert "alert [rubio] story" in out
    code, out = run(runner, db, "alerts", "--format", "json")
    alerts = json.loads(out)
    # Seed 001 quotes Rubio and mentions drone strikes; no seed is about an olive harvest.
    assert {a["watch"] for a in alerts} == {"rubio", "drone strikes"}
    assert {a["kind"] for a in alerts if a["watch"] == "rubio"} >= {"story", "quote"}
    code, out = run(runner, db, "alerts", "--format", "json")
    assert json.loads(out) == alerts  # looking marks nothing
    code, out = run(runner, db, "alerts", "--ack")
    assert code == 0 and f"{len(alerts)} marked seen" in out
    code, out = run(runner, db, "alerts", "--format", "json")
    assert json.loads(out) == []
    code, out = run(runner, db, "watchlist", "remove", "drone strikes")
    assert code == 0
    code, out = run(runner, db, "watchlist", "list", "--format", "json")
    assert [w["name"] for w in json.loads(out)] == ["Marco Rubio", "olive harvest"]


def test_loopback_feeds_are_refused_without_allow_private(runner: CliRunner, tmp_path: Path) -> None:
    with FeedServer() as server:
        url = server.serve("/feed.atom", b"<feed/>")
        code, out = run(runner, tmp_path / "r.db", "watch", "--once", "-q", url)
    assert code == 1
    assert "refused" in out and "--allow-private" in out
    assert server.requests == {}


def test_sigterm_finishes_the_cycle_and_exits_cleanly(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(seed_path("000"), drop)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline", "--db", str(tmp_path / "s.db"), "watch", "--every", "1h", "-q", str(drop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the first cycle's line
    assert "cycle 1" in line and "1 new" in line
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "stopped after 1 cycles" in err and "Traceback" not in err
