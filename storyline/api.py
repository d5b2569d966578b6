"""The Python API: one `Storyline` object over one store runs the whole pipeline.

    >>> from storyline import Storyline
    >>> with Storyline("storyline.db") as sl:  # doctest: +SKIP
    ...     report = sl.ingest(["../shared/data/seeds"])
    ...     brief = sl.brief(sl.stories()[0].id)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storyline.consolidate import BRIEF_BUILDER_VERSION, build_brief
from storyline.enrich import Enricher
from storyline.errors import InputError
from storyline.ingest import read_inputs
from storyline.models import Article, Brief, EnrichedArticle, Story
from storyline.relate import group_stories
from storyline.settings import DEFAULT_SETTINGS, Settings
from storyline.store import Store

ProgressCallback = Callable[[int], None]


@dataclass
class IngestReport:
    """What one ingest did: counts, and one `InputError` per input that failed."""

    ingested: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        return f"{len(self.ingested)} ingested, {len(self.duplicates)} duplicates, {self.failed} failed"


class Storyline:
    """The pipeline over one store: ingest -> enrich -> relate -> consolidate."""

    def __init__(self, db: str | Path = "storyline.db", settings: Settings | None = None) -> None:
        self.settings = settings or DEFAULT_SETTINGS
        self.store = Store(db)
        self._enricher: Enricher | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Storyline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def enricher(self) -> Enricher:
        if self._enricher is None:
            self._enricher = Enricher(self.settings)
        return self._enricher

    # --- ingest ---------------------------------------------------------------------------

    def ingest(
        self,
        inputs: Iterable[str],
        *,
        stdin: bytes | None = None,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Read, enrich and store every article in ``inputs``, then regroup the stories.

        Each batch of ``settings.batch_size`` articles is stored in one transaction, so an
        interrupted run keeps every finished batch and a re-run stores each article once.
        """
        report = IngestReport()
        self.ingest_articles(read_inputs(inputs, self.settings, stdin=stdin), report, progress=progress)
        return report

    def ingest_articles(
        self,
        items: Iterable[Article | InputError],
        report: IngestReport | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Store already-read articles (or record their errors); the path every reader feeds."""
        report = report if report is not None else IngestReport()
        batch: list[Article] = []
        seen: set[str] = set()
        for item in items:
            if isinstance(item, InputError):
                report.errors.append(item)
                if progress:
                    progress(1)
                continue
            if item.id in seen or self.store.find_existing(item):
                report.duplicates.append(item.id)
                if progress:
                    progress(1)
                continue
            seen.add(item.id)
            batch.append(item)
            if len(batch) >= self.settings.batch_size:
                self._store_batch(batch, report, progress)
                batch = []
        if batch:
            self._store_batch(batch, report, progress)
        if report.ingested:
            self.regroup()
        return report

    def _store_batch(self, batch: list[Article], report: IngestReport, progress: ProgressCallback | None) -> None:
        results = self.enricher.enrich(batch)
        with self.store.transaction():
            for result in results:
                if isinstance(result, InputError):
                    report.errors.append(result)
                    continue
                if self.store.add_article(result.article):
                    self.store.save_enrichment(result)
                    report.ingested.append(result.article.id)
                else:
                    report.duplicates.append(result.article.id)
        if progress:
            progress(len(batch))

    # --- relate ---------------------------------------------------------------------------

    def regroup(self) -> list[Story]:
        """Recompute the stories over every enriched article in the store."""
        stories = group_stories(list(self.store.iter_enriched()), self.settings)
        with self.store.transaction():
            self.store.replace_stories(stories)
        return stories

    # --- read -----------------------------------------------------------------------------

    def articles(self) -> Iterator[Article]:
        return self.store.iter_articles()

    def article(self, article_id: str) -> Article:
        return self.store.get_article(self.store.resolve_article_id(article_id))

    def enriched(self, article_id: str) -> EnrichedArticle:
        return next(self.store.iter_enriched([self.store.resolve_article_id(article_id)]))

    def stories(self) -> list[Story]:
        return self.store.list_stories()

    def story(self, story_id: str) -> Story:
        return self.store.get_story(story_id)

    def brief(self, story_id: str) -> Brief:
        """The story's brief, rebuilt only when its articles changed since the last build."""
        story = self.store.get_story(story_id)
        # The cache is valid for the same articles, settings and brief builder.
        key = "|".join([*story.article_ids, repr(self.settings), BRIEF_BUILDER_VERSION])
        fingerprint = hashlib.sha256(key.encode()).hexdigest()
        cached = self.store.get_brief(story.id, fingerprint)
        if cached is not None:
            return cached
        records = list(self.store.iter_enriched(story.article_ids))
        relations = self.store.relations_for(story.article_ids)
        brief = build_brief(story, records, self.settings, relations)
        with self.store.transaction():
            self.store.save_brief(brief, fingerprint)
        return brief
