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

from storyline.errors import StoreError, StoreReadOnly, StorylineError
from storyline.store.articles import ArticleTables
from storyline.store.briefs import BriefCache
from storyline.store.connection import LockWait, connect, read_only_on_disk
from storyline.store.common import now_precise, now_seconds
from storyline.store.migrations import MIGRATIONS
from storyline.store.relate_state import RelateTables
from storyline.store.search import SearchIndex, fts_query
from storyline.store.stories import StoryTables
from storyline.store.watch import WatchTables

__all__ = ["MIGRATIONS", "Store", "fts_query", "now_precise"]


class Store(ArticleTables, StoryTables, BriefCache, RelateTables, SearchIndex, WatchTables):
    """A Storyline store on one SQLite file: one connection, the parts composed over it.

    >>> store = Store("storyline.db")  # doctest: +SKIP
    >>> store.count_articles()  # doctest: +SKIP
    5
    """

    def __init__(
        self, path: str | Path, *, lock_timeout: float = 30.0, on_lock_wait: LockWait | None = None, read_only: bool | None = None
    ) -> None:
        """Open (or create) the store at ``path``. A store marked read-only on disk (its file or folder)
        opens for reading (``read_only`` None: decided from the disk); writing to it raises
        `StoreReadOnly`. A write waits up to ``lock_timeout`` seconds for another process's write
        lock (``on_lock_wait`` tells the user, by default on stderr), then raises `StoreBusy`."""
        self.path = Path(path)
        self.read_only = read_only_on_disk(self.path) if read_only is None else read_only
        try:
            self.db = connect(self.path, read_only=self.read_only, lock_timeout=lock_timeout, on_lock_wait=on_lock_wait)
            self.db.row_factory = sqlite3.Row
            if not self.read_only:
                self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except (StorylineError, sqlite3.DatabaseError) as exc:
            name = getattr(exc, "sqlite_errorname", "") or ""
            denied = isinstance(exc, StoreReadOnly) or name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR"))
            if denied and not self.read_only and self.path.exists():
                # Permissions the mode bits do not show (a read-only mount, an ACL): browse it read-only.
                if getattr(self, "db", None) is not None:
                    self.db.close()
                self.__init__(path, lock_timeout=lock_timeout, on_lock_wait=on_lock_wait, read_only=True)  # type: ignore[misc]
                return
            if isinstance(exc, StorylineError):
                raise
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
        self.db.execute("BEGIN" if self.read_only else "BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.db.in_transaction:  # SQLite already rolled back after some errors (a full disk)
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        if self.read_only:
            if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").fetchone():
                raise StoreError(f"{self.path}: not a Storyline store (no schema_migrations table)")
        else:
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM schema_migrations")}
        todo = [(name, func) for name, func in MIGRATIONS if name not in done]
        if not todo:
            return
        if self.read_only:
            raise StoreReadOnly(
                f"{self.path}: the store is read-only and was written by an older Storyline; open it once with write access to upgrade it"
            )
        # A migration may rebuild a table (SQLite's way to change a constraint): with foreign keys
        # on, dropping the old table would delete every row that refers to it.
        self.db.execute("PRAGMA foreign_keys=OFF")
        try:
            for name, func in todo:
                with self.transaction() as db:
                    func(db)
                    db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, now_seconds()))
        finally:
            self.db.execute("PRAGMA foreign_keys=ON")

    @property
    def schema_version(self) -> str:
        row = self.db.execute("SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1").fetchone()
        return row[0] if row else ""
