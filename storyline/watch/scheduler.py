"""The watch loop: every ``every`` seconds, poll each source, store what is new or changed in one
incremental ingest, raise watchlist alerts, and report one line.

A source that fails (unreachable, 404/500, slow, not a feed) is reported and backs off: after
n failures in a row it sits out 2**(n-1) - 1 cycles (at most `MAX_SKIP`). Its validators
(ETag, Last-Modified, file times) are saved only after its articles are stored, so a stop at
any point loses nothing: the next run reads again what was not stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, UTC
from typing import TYPE_CHECKING, Any

import httpx

from storyline.errors import InputError
from storyline.ingest.fetch import safe_client
from storyline.ingest.readers.feed import EmptyFeed, SummaryOnly
from storyline.watch.alerts import collect_alerts, deliver_alerts
from storyline.watch.polite import Politeness
from storyline.watch.sources import WatchedSource, expand_sources

if TYPE_CHECKING:
    from storyline.api import Storyline

MAX_SKIP = 31
"""Cycles a failing source sits out at most (with ``--every 10m``: about five hours)."""


@dataclass
class SourceStatus:
    """What the last cycle did with one source (for the live status)."""

    name: str
    kind: str
    status: str
    """``new`` (read something), ``unchanged``, ``failed``, ``waiting`` (backing off)."""
    detail: str = ""
    failures: int = 0


@dataclass
class CycleReport:
    """One cycle: counts, errors (one line each) and the alerts it raised."""

    number: int
    started: datetime
    seconds: float = 0.0
    sources: int = 0
    read: int = 0
    """Sources that had something new to read."""
    unchanged: int = 0
    not_modified: int = 0
    """Of the unchanged feeds, those the server answered 304 Not Modified."""
    waiting: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    duplicates: int = 0
    errors: list[InputError] = field(default_factory=list)
    failed_sources: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)
    delivered: int = 0
    statuses: list[SourceStatus] = field(default_factory=list)

    def line(self) -> str:
        parts = [
            f"{self.started:%Y-%m-%d %H:%M:%S} cycle {self.number}:",
            f"{self.sources} sources ({self.read} read, {self.unchanged} unchanged, {self.failed_sources} failed, {self.waiting} backing off),",
            f"{len(self.new)} new, {len(self.updated)} updated, {self.duplicates} duplicates, {len(self.errors)} errors,",
            f"{len(self.alerts)} alerts, {self.seconds:.1f} s",
        ]
        return " ".join(parts)


class Watcher:
    """Follows ``sources`` (plus those kept in the store) and feeds their changes to ``sl``.

    >>> with Storyline("storyline.db") as sl:  # doctest: +SKIP
    ...     Watcher(sl, ["https://example.org/feed.xml"]).run(cycles=1)
    """

    def __init__(
        self,
        sl: Storyline,
        sources: list[str],
        *,
        every: float = 600.0,
        delay: float = 1.0,
        webhook: str | None = None,
        use_stored: bool = True,
        engine: str = "local",
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.sl = sl
        self.names = list(sources)
        self.every = every
        self.webhook = webhook
        self.use_stored = use_stored
        self.engine = engine
        self.clock = clock
        self.sleep = sleep
        self.polite = Politeness(delay=delay, clock=clock, sleep=sleep)
        settings = sl.settings
        self.client = client or safe_client(settings)  # connects only to the addresses it checked
        self.cycles = 0
        self.statuses: dict[str, SourceStatus] = {}
        # Alerts raised before this watcher started are not sent to its webhook.
        self._alerts_from = max((a["id"] for a in sl.reader.undelivered_alerts()), default=0)

    def close(self) -> None:
        self.client.close()

    def source_names(self) -> list[str]:
        stored = [row["source"] for row in self.sl.reader.watch_sources()] if self.use_stored else []
        return list(dict.fromkeys([*self.names, *stored]))

    def cycle(self) -> CycleReport:
        """Poll every source once and store what changed."""
        self.cycles += 1
        report = CycleReport(number=self.cycles, started=datetime.now(UTC))
        start = time.perf_counter()
        sources, errors = expand_sources(self.source_names(), self.sl.settings, self.client, self.polite)
        report.errors.extend(errors)
        report.sources = len(sources)
        batch = self.sl.new_change_batch()
        done: list[tuple[WatchedSource, dict[str, Any]]] = []
        for source in sources:
            state = self.sl.reader.watch_state(source.name)
            fetch_state = state.get("fetch", {})
            failures = int(state.get("failures", 0))
            if state.get("skip", 0) > 0:
                state["skip"] -= 1
                self.sl.watch_book.save_source_states([(source.name, state)])
                report.waiting += 1
                self._status(source, "waiting", f"after {failures} failures; retry in {state['skip'] + 1} cycles", failures)
                continue
            try:
                poll = source.poll(fetch_state)
                items = self.sl.read_changes(poll.inputs, batch) if poll.inputs else []
            except InputError as exc:
                self._fail(source, state, exc, report)
                continue
            # A feed with no entries yet is normal when it is watched.
            items = [i for i in items if not isinstance(i, EmptyFeed)]
            problems = [i for i in items if isinstance(i, InputError)]
            articles = len(items) - len(problems)
            report.errors.extend(problems)
            if source.kind == "feed" and problems and not articles and not isinstance(problems[0], SummaryOnly):
                # The feed itself could not be read (not a feed, malformed XML): back off, keep the old validators.
                report.errors.remove(problems[0])
                self._fail(source, state, problems[0], report)
                continue
            if poll.inputs:
                report.read += 1
                self._status(source, "new", f"{articles} articles read")
            else:
                report.unchanged += 1
                report.not_modified += poll.status == 304
                self._status(source, "unchanged", "304 Not Modified" if poll.status == 304 else "")
            done.append((source, {"fetch": poll.state}))
        ingest = self.sl.store_changes(batch, engine=self.engine)
        # Stored: now the validators may move on (before this point a stop re-reads the same entries).
        self.sl.watch_book.save_source_states((source.name, state) for source, state in done)
        report.new = ingest.ingested
        report.updated = ingest.updated
        report.duplicates = len(ingest.duplicates)
        read_errors = {id(i) for i in batch.items if isinstance(i, InputError)}  # reported above, per source
        report.errors.extend(e for e in ingest.errors if id(e) not in read_errors)
        report.alerts = collect_alerts(self.sl, [*ingest.ingested, *ingest.updated])
        if self.webhook:
            try:
                report.delivered, webhook_errors = deliver_alerts(self.sl, self.webhook, since_id=self._alerts_from, sleep=self.sleep)
                report.errors.extend(webhook_errors)
            except InputError as exc:
                report.errors.append(exc)
        report.statuses = list(self.statuses.values())
        report.seconds = time.perf_counter() - start
        return report

    def _status(self, source: WatchedSource, status: str, detail: str = "", failures: int = 0) -> None:
        self.statuses[source.name] = SourceStatus(source.name, source.kind, status, detail, failures)

    def _fail(self, source: WatchedSource, state: dict[str, Any], error: InputError, report: CycleReport) -> None:
        failures = int(state.get("failures", 0)) + 1
        skip = min(2 ** (failures - 1) - 1, MAX_SKIP)
        state.update(failures=failures, skip=skip, last_error=error.reason)
        self.sl.watch_book.save_source_states([(source.name, state)])
        retry = "next cycle" if skip == 0 else f"in {skip + 1} cycles"
        report.errors.append(InputError(error.source, f"{error.reason} (failure {failures}; retry {retry})"))
        report.failed_sources += 1
        self._status(source, "failed", error.reason, failures)

    def run(
        self,
        *,
        cycles: int | None = None,
        stop: threading.Event | None = None,
        on_cycle: Callable[[CycleReport], None] | None = None,
    ) -> int:
        """Run ``cycles`` cycles (forever when None), one every ``every`` seconds, until ``stop``
        is set; a cycle under way finishes first. Returns the number of cycles run."""
        stop = stop or threading.Event()
        ran = 0
        while not stop.is_set() and (cycles is None or ran < cycles):
            began = self.clock()
            report = self.cycle()
            ran += 1
            if on_cycle:
                on_cycle(report)
            if cycles is not None and ran >= cycles:
                break
            left = self.every - (self.clock() - began)
            if left > 0:
                if self.sleep is time.sleep:
                    stop.wait(left)
                else:
                    self.sleep(left)
        return ran
