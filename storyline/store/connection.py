"""The store's SQLite connection: SQLite's failures become Storyline's one-line errors, and a write
lock held by another process is waited for with word on stderr, up to a bounded time."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storyline.errors import StoreBusy, StoreError, StoreFull, StoreReadOnly

LockWait = Callable[[float, float], None]
"""Called while another process holds the write lock: (seconds waited so far, seconds allowed)."""

POLL_SECONDS = 1.0
"""SQLite's own busy wait per try: the progress line is refreshed this often."""


def say_waiting(waited: float, limit: float) -> None:
    """The default `LockWait`: one line on stderr when the wait starts, then one every ten seconds."""
    if waited < 2 * POLL_SECONDS or int(waited) % 10 == 0:
        print(
            f"storyline: waiting for another process to release the store's write lock ({waited:.0f} s of {limit:.0f} s)",
            file=sys.stderr,
            flush=True,
        )


def read_only_on_disk(path: Path) -> bool:
    """The store file, or the folder it is in, is marked read-only (no write bit, or no access for us):
    even a process that could write anyway (root) opens it read-only, as its owner asked."""
    try:
        file_mode = path.stat().st_mode
        folder_mode = path.resolve().parent.stat().st_mode
    except OSError:
        return False
    writable_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    if not file_mode & writable_bits or not folder_mode & writable_bits:
        return True
    return not os.access(path, os.W_OK) or not os.access(path.resolve().parent, os.W_OK)


def translate(exc: sqlite3.Error, path: Path, lock_timeout: float) -> StoreError | None:
    """Storyline's error for a failure the user can meet and fix (None: a bug, let it show)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    message = str(exc)
    if name.startswith("SQLITE_FULL") or "database or disk is full" in message:
        return StoreFull(f"{path}: the disk (or the store's size limit) is full; nothing of the unfinished batch was kept. Free some space and run the same command again")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in message:
        return StoreBusy(
            f"{path}: another process has held the store's write lock for over {lock_timeout:.0f} s (store_lock_timeout); "
            "nothing was written. Run the command again when it is done"
        )
    if name.startswith("SQLITE_READONLY") or "readonly database" in message:
        return StoreReadOnly(f"{path}: the store is read-only (file or folder permissions); it can be browsed but not written")
    return None


class StoreConnection(sqlite3.Connection):
    """A connection whose ``execute``/``executemany`` raise `StoreFull`, `StoreBusy` or `StoreReadOnly`
    instead of `sqlite3.OperationalError`, and retry while another process holds the write lock."""

    store_path: Path = Path("storyline.db")
    lock_timeout: float = 30.0
    on_lock_wait: LockWait = staticmethod(say_waiting)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self._run(super().execute, sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        return self._run(super().executemany, sql, parameters)

    def _run(self, method: Callable[[str, Any], sqlite3.Cursor], sql: str, parameters: Any) -> sqlite3.Cursor:
        started = time.monotonic()  # the first failure comes after SQLite's own wait of POLL_SECONDS
        while True:
            try:
                return method(sql, parameters)
            except sqlite3.OperationalError as exc:
                error = translate(exc, self.store_path, self.lock_timeout)
                if error is None:
                    raise
                if isinstance(error, StoreBusy) and not self.in_transaction:
                    waited = time.monotonic() - started
                    if waited < self.lock_timeout:
                        self.on_lock_wait(waited, self.lock_timeout)
                        continue
                raise error from exc


def connect(path: Path, *, read_only: bool, lock_timeout: float, on_lock_wait: LockWait | None) -> StoreConnection:
    """A `StoreConnection` to ``path``; ``read_only`` opens it for reading only (``mode=ro``, or
    ``immutable`` when not even SQLite's shared-memory file can be created beside it)."""
    uris = [f"{path.resolve().as_uri()}?mode=ro", f"{path.resolve().as_uri()}?immutable=1"] if read_only else [str(path)]
    last: sqlite3.Error | None = None
    for uri in uris:
        db = sqlite3.connect(
            uri, timeout=min(POLL_SECONDS, lock_timeout), isolation_level=None, check_same_thread=False, uri=read_only, factory=StoreConnection
        )
        assert isinstance(db, StoreConnection)
        db.store_path, db.lock_timeout = path, lock_timeout
        if on_lock_wait is not None:
            db.on_lock_wait = on_lock_wait
        try:
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.Error as exc:
            db.close()
            last = exc
    assert last is not None
    raise last
