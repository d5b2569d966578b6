"""The watcher in a background thread, so ``storyline serve --watch`` keeps a live site."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from storyline.api import Storyline
from storyline.watch.scheduler import CycleReport, Watcher


class BackgroundWatcher:
    """Runs a `Watcher` over its own connection to the store at ``db`` until the block ends;
    leaving the block lets the cycle under way finish (its batch is stored or rolled back)."""

    def __init__(self, db: str | Path, sources: list[str], *, every: float = 600.0, allow_private: bool = False, delay: float = 1.0, log: Callable[[str], None] = print) -> None:
        self.db = db
        self.sources = sources
        self.every = every
        self.allow_private = allow_private
        self.delay = delay
        self.log = log
        self.stop = threading.Event()
        self.cycles = 0
        self.thread = threading.Thread(target=self._run, name="storyline-watch", daemon=True)

    def _run(self) -> None:
        with Storyline(self.db) as sl:
            if self.allow_private:
                sl.settings = sl.settings.with_(allow_private_addresses=True)
            watcher = Watcher(sl, self.sources, every=self.every, delay=self.delay)
            try:
                watcher.run(stop=self.stop, on_cycle=self._report)
            except Exception as exc:  # the site stays up; say why the watcher stopped
                self.log(f"watch stopped: {type(exc).__name__}: {exc}")
            finally:
                watcher.close()

    def _report(self, report: CycleReport) -> None:
        self.cycles += 1
        self.log(report.line())
        for error in report.errors:
            self.log(f"error: {error}")

    def __enter__(self) -> BackgroundWatcher:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
