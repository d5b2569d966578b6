"""Ingesting what changed: an article that comes again with a new text (same URL, or same entry id
in the same feed) becomes a new version of the stored one, not a second article (`storyline watch`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from storyline.engine import Engine
from storyline.errors import InputError
from storyline.ingest import OutletLines, Source, read_inputs
from storyline.models import Article
from storyline.reports import ChangeBatch, IngestReport

if TYPE_CHECKING:
    from storyline.settings import Settings
    from storyline.store import Store

ProgressCallback = Callable[[int], None]


class ChangeIngest:
    """`Storyline`'s methods for new versions of stored articles (see ``storyline/api.py``)."""

    store: Store
    settings: Settings

    def ingest_articles(
        self,
        items: Iterable[Article | InputError],
        report: IngestReport | None = None,
        *,
        progress: ProgressCallback | None = None,
        engine: str | Engine = "local",
    ) -> IngestReport:
        """Enrich, store and relate ``items``: provided by `Storyline.ingest_articles`."""
        raise NotImplementedError

    def read_changes(self, inputs: Iterable[str | Source], batch: ChangeBatch) -> list[Article | InputError]:
        """Read ``inputs`` into ``batch`` (for `store_changes`); returns what these inputs gave."""
        items = list(read_inputs(inputs, self.settings, lines=batch.lines))
        batch.items.extend(items)
        return items

    def new_change_batch(self) -> ChangeBatch:
        return ChangeBatch(lines=OutletLines(self.store.outlet_lines, min_articles=self.settings.furniture_min_articles))

    def ingest_changes(
        self,
        inputs: Iterable[str | Source],
        *,
        progress: ProgressCallback | None = None,
        engine: str | Engine = "local",
    ) -> IngestReport:
        """Like `ingest`, but an article that comes again with a new text (same URL, or same entry
        id in the same feed) is stored as a new version of the stored one (`IngestReport.updated`),
        not as a second article. A text seen before, current or earlier, is a duplicate."""
        batch = self.new_change_batch()
        started = time.perf_counter()
        self.read_changes(inputs, batch)
        report = self.store_changes(batch, progress=progress, engine=engine)
        report.timings["read"] = report.timings.get("read", 0.0) + time.perf_counter() - started
        return report

    def store_changes(self, batch: ChangeBatch, *, progress: ProgressCallback | None = None, engine: str | Engine = "local") -> IngestReport:
        """Store what `read_changes` read: new articles, new versions of stored ones, errors."""
        report = IngestReport()
        fresh: list[Article | InputError] = []
        updates: dict[str, Article] = {}
        for item in batch.items:
            if isinstance(item, InputError):
                fresh.append(item)
                continue
            if self.store.find_by_content(item.id):
                report.duplicates.append(item.id)
                continue
            guid = item.metadata.get("guid")
            stored = self.store.find_by_origin(item.url, str(guid) if guid else None, item.metadata.get("feed"))
            if stored is None:
                fresh.append(item)
            else:
                updates[stored] = item  # the latest text wins when one batch carries two
        self.ingest_articles(fresh, report, progress=progress, engine=engine)
        if updates:
            with report.timed("update"):
                self.update_articles(updates, report)
        with self.store.transaction():
            for outlet, doc_key, keys in batch.lines.pending(report.ingested):
                self.store.add_outlet_lines(outlet, doc_key, keys)
        return report

    def update_articles(self, updates: dict[str, Article], report: IngestReport | None = None) -> IngestReport:
        """Store each ``{stored_id: article}`` as a new version of the stored article: same id and
        story, new text, enrichment and search entries; earlier texts kept (`article_history`).

        Its near-duplicate/derivation records are dropped (their spans point into the old text);
        its story is marked as changed, and the brief rebuilds (the version is in the fingerprint).
        """
        from storyline.engine.work import enrich_batch

        report = report if report is not None else IngestReport()
        todo: list[tuple[str, Article]] = []
        for stored_id, article in updates.items():
            current = self.store.get_article(stored_id)
            metadata = {**current.metadata, **article.metadata, "content_id": article.id}
            todo.append((article.id, replace(article, id=stored_id, url=current.url or article.url, metadata=metadata)))
        for start in range(0, len(todo), self.settings.batch_size):
            chunk = todo[start : start + self.settings.batch_size]
            results = enrich_batch([a for _, a in chunk], self.settings)
            with self.store.transaction():
                for (content_id, _), result in zip(chunk, results, strict=True):
                    if isinstance(result, InputError):
                        report.errors.append(result)
                        continue
                    article_id = result.article.id
                    self.store.replace_article(result.article, content_id)
                    self.store.save_enrichment(result)
                    self.store.delete_relations_of(article_id)
                    story_id = self.store.story_of(article_id)
                    if story_id:
                        self.store.touch_story(story_id)
                    report.updated.append(article_id)
        return report
