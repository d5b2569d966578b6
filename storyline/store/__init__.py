"""Storage: the embedded SQLite store (all SQL lives in this package)."""

from storyline.store.sqlite import Store

__all__ = ["Store"]
