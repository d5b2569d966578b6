"""Politeness towards the servers the watcher polls: robots.txt, and a delay between two
requests to one host (the larger of ``delay`` and the host's ``Crawl-delay``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from storyline.errors import InputError
from storyline.ingest.fetch import fetch
from storyline.settings import Settings

MAX_CRAWL_DELAY = 60.0
"""A host's Crawl-delay is honoured up to this many seconds, so one host cannot stall a cycle."""


@dataclass
class Politeness:
    delay: float = 1.0
    """Seconds between two requests to one host."""
    robots_ttl: float = 24 * 3600.0
    """robots.txt is read again after this many seconds."""
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, tuple[float, RobotFileParser]] = field(default_factory=dict)

    def wait(self, host: str) -> None:
        """Sleep until ``host`` may be asked again, then note the request."""
        gap = max(self.delay, self._crawl_delay(host))
        last = self._last.get(host)
        if last is not None and gap > 0:
            left = last + gap - self.clock()
            if left > 0:
                self.sleep(left)
        self._last[host] = self.clock()

    def _crawl_delay(self, host: str) -> float:
        cached = self._robots.get(host)
        if cached is None:
            return 0.0
        value = cached[1].crawl_delay("*")
        return min(float(value), MAX_CRAWL_DELAY) if value else 0.0

    def check_robots(self, url: str, settings: Settings, client: httpx.Client) -> None:
        """Raise `InputError` when the host's robots.txt forbids ``url`` to our user agent.

        As RFC 9309 says: no robots.txt (a 4xx answer) allows everything; an unreachable one (5xx,
        network error) allows nothing this time, so the source backs off and asks again later.
        """
        parts = urlsplit(url)
        host = parts.netloc
        cached = self._robots.get(host)
        if cached is None or self.clock() - cached[0] > self.robots_ttl:
            parser = RobotFileParser()
            robots_url = f"{parts.scheme}://{host}/robots.txt"
            self.wait(host)
            try:
                got = fetch(robots_url, settings, client=client)
                parser.parse(got.data.decode("utf-8", "replace").splitlines())
            except InputError as exc:
                if " HTTP 4" not in f" {exc.reason}":
                    raise InputError(url, f"robots.txt unavailable ({exc.reason}); not fetched") from None
                parser.parse([])
            cached = self._robots[host] = (self.clock(), parser)
        if not cached[1].can_fetch(settings.user_agent, url):
            raise InputError(url, "robots.txt disallows fetching this URL")
