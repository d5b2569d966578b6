"""The embedded store: one SQLite file (WAL mode); all SQL of Storyline lives in this package.

Records are kept as JSON documents beside the few columns that are queried, so a stage can
add fields to its records without a migration. Schema changes are named migrations
(``migrations.py``), each run once in a transaction and recorded in ``schema_migrations``.
`Store` owns the connection; each concern is one part (a mixin over that connection):

- ``articles.py``: articles, enrichments, outlet lines
- ``stories.py``: stories, their change times, relations
- ``briefs.py``: the brief cache
- ``relate_state.py``: the relate stage's `RelateState`
- ``search.py``: the FTS5 index and its queries
- ``watch.py``: article versions, watched sources, watchlist, alerts
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storyline.errors import StoreError
from storyline.store.articles import ArticleTables
from storyline.store.briefs import BriefCache
from storyline.store.common import iso_utc, now_precise, now_seconds
from storyline.store.migrations import MIGRATIONS
from storyline.store.relate_state import RelateTables
from storyline.store.search import SNIPPET_END, SNIPPET_START, SearchIndex, fts_query
from storyline.store.stories import StoryTables
from storyline.store.watch import WatchTables

__all__ = ["MIGRATIONS", "SNIPPET_END", "SNIPPET_START", "Store", "fts_query", "iso_utc", "now_precise"]


class Store(ArticleTables, StoryTables, BriefCache, RelateTables, SearchIndex, WatchTables):
    """A Storyline store on one SQLite file: one connection, the parts composed over it.

    >>> store = Store("storyline.db")  # doctest: +SKIP
    >>> store.count_articles()  # doctest: +SKIP
    5
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a Storyline store ({exc})") from exc

    # --- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together or not at all (an interrupted batch leaves nothing half-written)."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM schema_migrations")}
        for name, func in MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as db:
                func(db)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, now_seconds()))

    @property
    def schema_version(self) -> str:
        row = self.db.execute("SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1").fetchone()
        return row[0] if row else ""
