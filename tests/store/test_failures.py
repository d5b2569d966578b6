"""What the store does when the disk is full, another process holds the write lock, or the store is
read-only: Storyline's one-line errors (with an exit code and an HTTP status), nothing stored lost."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from storyline import Storyline
from storyline.cli import cli
from storyline.errors import StoreBusy, StoreFull, StoreReadOnly
from storyline.settings import Settings
from storyline.store import Store
from tests.engine.corpus import polnear_jsonl

FAST = Settings(enrich_components=("sentences",))


def test_a_full_disk_is_one_line_and_keeps_what_was_stored(seeds_db: Path, tmp_path: Path) -> None:
    """SQLITE_FULL from a store capped a few pages above its size (as a full disk gives it)."""
    db = tmp_path / "full.db"
    shutil.copy(seeds_db, db)
    corpus = str(polnear_jsonl(tmp_path / "polnear.jsonl", 40))  # real articles, more than the pages left hold
    with Storyline(db, FAST) as sl:
        before = sl.reader.count_articles()
        sl.store.db.execute("VACUUM")  # no free pages left: the next rows need new ones
        pages = sl.store.db.execute("PRAGMA page_count").fetchone()[0]
        sl.store.db.execute(f"PRAGMA max_page_count = {pages + 8}")
        with pytest.raises(StoreFull) as caught:
            sl.ingest([corpus])
        assert "\n" not in str(caught.value) and "full" in str(caught.value)
        assert (caught.value.exit_code, caught.value.http_status) == (74, 507)
        sl.store.db.execute("PRAGMA max_page_count = 1073741823")
        assert sl.store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Once there is room, the same command stores the rest: every article once, none lost.
        sl.ingest([corpus])
        assert sl.reader.count_articles() == before + 40


def test_a_write_lock_held_past_the_timeout_is_waited_for_then_one_line(tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a long ingest
    waits: list[float] = []
    try:
        store = Store(db, lock_timeout=2.5, on_lock_wait=lambda waited, limit: waits.append(waited))
        with pytest.raises(StoreBusy) as caught, store.transaction():
            pass
        assert "\n" not in str(caught.value) and "store_lock_timeout" in str(caught.value)
        assert (caught.value.exit_code, caught.value.http_status) == (75, 503)
        assert len(waits) >= 1 and max(waits) < 2.5 + 1.0
        holder.execute("COMMIT")
        with store.transaction():  # released: the next write goes through
            store.save_watch_state("x", {"a": 1})
        assert store.watch_state("x") == {"a": 1}
        store.close()
    finally:
        holder.close()


def test_a_lock_released_within_the_timeout_is_only_waited_for(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import threading

    db = tmp_path / "busy.db"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(1.5, lambda: holder.execute("COMMIT")).start()
    with Store(db, lock_timeout=20) as store, store.transaction():
        store.save_watch_state("y", {})
    holder.close()
    assert "waiting for another process to release the store's write lock" in capfd.readouterr().err


def _read_only(path: Path) -> None:
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def test_a_read_only_store_is_browsed_not_refused(seeds_db: Path, tmp_path: Path, runner) -> None:
    db = tmp_path / "ro.db"
    shutil.copy(seeds_db, db)
    _read_only(db)
    new = str(polnear_jsonl(tmp_path / "new.jsonl", 1))
    with Storyline(db) as sl:
        assert sl.store.read_only
        story = sl.reader.list_stories()[0]
        assert sl.brief(story.id).story_id == story.id  # built, not cached: nothing is written
        with pytest.raises(StoreReadOnly) as caught:
            sl.ingest([new])
        assert (caught.value.exit_code, caught.value.http_status) == (77, 503)
    for args in (["stories"], ["show", story.id[:10]], ["serve", "--get", "/"]):
        result = runner.invoke(cli, ["--db", str(db), *args])
        assert result.exit_code == 0, (args, result.output)
        assert "not a Storyline store" not in result.output
    result = runner.invoke(cli, ["--db", str(db), "ingest", new])
    assert result.exit_code != 0 and "read-only" in result.output and "Traceback" not in result.output


def test_a_store_in_a_read_only_folder_is_browsed(seeds_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(seeds_db, folder / "s.db")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with Storyline(folder / "s.db") as sl:
            assert sl.store.read_only and len(sl.reader.list_stories()) >= 1
    finally:
        folder.chmod(stat.S_IRWXU)
