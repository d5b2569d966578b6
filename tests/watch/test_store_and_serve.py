"""The 0008_watch migration on a store made before it, and `serve --watch`'s background watcher."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from fastapi.testclient import TestClient

from storyline import Storyline
from storyline.serve.web import create_app
from storyline.watch.background import BackgroundWatcher
from tests.conftest import seed_path


def test_migration_gives_stories_made_before_it_their_change_times(seeds_db: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(seeds_db, old)
    db = sqlite3.connect(old)
    # Undo 0008_watch: the store as an earlier Storyline left it.
    db.executescript(
        """
        DROP INDEX stories_updated; DROP INDEX articles_guid;
        ALTER TABLE stories DROP COLUMN created_at; ALTER TABLE stories DROP COLUMN updated_at;
        DROP TABLE article_versions; DROP TABLE watch_sources; DROP TABLE alerts; DROP TABLE watchlist;
        DELETE FROM schema_migrations WHERE name = '0008_watch';
        """
    )
    ingested = db.execute("SELECT MAX(ingested_at) FROM articles").fetchone()[0]
    db.close()
    with Storyline(old) as sl:
        total, changes = sl.story_changes(None)
        assert total == len(sl.reader.list_stories()) == 1
        assert changes[0]["updated_at"][:19] == ingested[:19]


def test_serve_watch_keeps_the_site_live(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(seed_path("000"), drop)
    db = tmp_path / "live.db"
    Storyline(db).close()
    lines: list[str] = []
    with TestClient(create_app(db)) as client:
        assert client.get("/api/stories").json()["total"] == 0
        with BackgroundWatcher(db, [str(drop)], every=0.2, delay=0, log=lines.append) as background:
            deadline = time.monotonic() + 120
            while background.cycles < 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert client.get("/api/stories").json()["total"] == 1
    assert lines and "1 new" in lines[0]


def test_a_merged_story_id_resolves_to_the_story_it_joined(seeds_storyline: Storyline) -> None:
    sl = seeds_storyline
    live = sl.reader.list_stories()[0].id
    with sl.store.transaction():
        # What the relate stage leaves when it merges story "sgone" into the live one.
        sl.store.save_story_profile("sgone0000000", {"id": "sgone0000000", "merged_into": live})
    assert sl.story("sgone0000000").id == live
    assert sl.brief("sgone0000000").story_id == live
