"""What every part of the store shares: the connection it works on, times and JSON records."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def now_precise() -> str:
    """UTC now with microseconds: change times must order two cycles that run within one second."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def like_prefix(prefix: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) matching what starts with ``prefix`` taken literally:
    a typed ``%`` or ``_`` is not a wildcard."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def now_seconds() -> str:
    """UTC now to the second: when a row was stored."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def dump_record(record: Any) -> str:
    return json.dumps(record.as_dict(), ensure_ascii=False, separators=(",", ":"))


class StorePart:
    """One concern of `storyline.store.Store`: its methods work on the store's one connection."""

    db: sqlite3.Connection
    path: Path
    read_only: bool = False

    def _select_in(self, sql: str, values: list[str], *, repeat: int = 1) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = []
        for i in range(0, len(values), 400):
            chunk = values[i : i + 400]
            marks = ",".join("?" * len(chunk))
            rows.extend(self.db.execute(sql.format(marks), chunk * repeat).fetchall())
        return rows
