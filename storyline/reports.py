"""What an ingest reports, and what a watch cycle read before storing it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from storyline.errors import InputError
from storyline.ingest import OutletLines
from storyline.models import Article

__all__ = ["ChangeBatch", "IngestReport"]


@dataclass
class IngestReport:
    """What one ingest did: counts, and one `InputError` per input that failed."""

    ingested: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    """Articles an interrupted earlier run stored without their enrichment, enriched now."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage in this process: read, engine_start, enrich (waiting on it), store, relate."""
    engine: dict[str, object] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)
    """Stored articles that came again with a new text (same URL, feed entry id or file): now a new version."""

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start

    @property
    def failed(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        versions = f", {len(self.updated)} new versions of stored articles" if self.updated else ""
        return f"{len(self.ingested)} ingested{versions}, {len(self.duplicates)} duplicates, {self.failed} failed"


@dataclass
class ChangeBatch:
    """Articles read for `Storyline.store_changes`, with the furniture lines learned while reading."""

    lines: OutletLines
    items: list[Article | InputError] = field(default_factory=list)
