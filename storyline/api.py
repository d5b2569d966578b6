"""The Python API: one `Storyline` object over one store runs the whole pipeline.

    >>> from storyline import Storyline
    >>> with Storyline("storyline.db") as sl:  # doctest: +SKIP
    ...     report = sl.ingest(["../shared/data/seeds"])
    ...     brief = sl.brief(sl.reader.list_stories()[0].id)
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from storyline.access import StoreAccess
from storyline.changes import ArticleIdentity, ChangeIngest, OnExisting
from storyline.reports import IngestReport
from storyline.enrich import Enricher
from storyline.engine import Engine, get_engine
from storyline.errors import InputError
from storyline.ingest import OutletLines, estimate_items, read_inputs
from storyline.ingest.sources import too_long
from storyline.models import Article, EnrichedArticle, Story
from storyline.relate import Relater
from storyline.relate.ids import carry_ids
from storyline.settings import DEFAULT_SETTINGS, Settings
from storyline.store import Store

T = TypeVar("T")

ProgressCallback = Callable[[int], None]

RELATE_EVERY = 256
"""Stored articles grouped into stories at a time during an ingest: enough to amortise the
relate stage's per-call writes, few enough that the workers never wait for it."""

RECENT_RECORDS = 1024
"""Related records kept in memory for the next ones' sentence alignment (see `_RecentRecords`)."""

_END = object()


def _timed(items: Iterable[T], report: IngestReport, stage: str) -> Iterator[T]:
    """``items``, with the time spent producing each one added to ``report.timings[stage]``."""
    iterator = iter(items)
    while True:
        with report.timed(stage):
            item = next(iterator, _END)
        if item is _END:
            return
        yield item  # type: ignore[misc]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class _RecentRecords:
    """The `RECENT_RECORDS` related records used last, by id, in front of the store.

    A new article is aligned with the latest members of its story, which an ingest has
    usually just stored, and its story is titled from its first members: they are taken from
    here rather than decoded from the store again.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.records: OrderedDict[str, EnrichedArticle] = OrderedDict()

    def add(self, records: Iterable[EnrichedArticle]) -> None:
        for record in records:
            self.records[record.article.id] = record
        while len(self.records) > RECENT_RECORDS:
            self.records.popitem(last=False)

    def fetch(self, ids: Sequence[str]) -> list[EnrichedArticle]:
        found = [self.records[i] for i in ids if i in self.records]
        for record in found:  # used again soon: a story's first members title it at each change
            self.records.move_to_end(record.article.id)
        missing = [i for i in ids if i not in self.records]
        decoded = list(self.store.iter_enriched(missing)) if missing else []
        self.add(decoded)
        return found + decoded


class Storyline(StoreAccess, ChangeIngest):
    """The pipeline over one store: ingest -> enrich -> relate -> consolidate.

    Plain reads (articles, stories, listings, search, the watcher's state) are ``sl.reader``
    (`storyline.reader.StoreReader`); briefs, alias resolution and the watcher's writes come from
    `StoreAccess` (``storyline/access.py``); ingesting new versions of stored articles from
    `ChangeIngest` (``storyline/changes.py``).
    """

    def __init__(self, db: str | Path = "storyline.db", settings: Settings | None = None) -> None:
        self.settings = settings or DEFAULT_SETTINGS
        self.store = Store(db, lock_timeout=self.settings.store_lock_timeout)
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
        engine: str | Engine = "local",
        scheduler: str | None = None,
        on_total: Callable[[int], None] | None = None,
        on_existing: OnExisting = "new_version",
    ) -> IngestReport:
        """Read, enrich and store every article in ``inputs``, then regroup the stories.

        The per-article work runs on ``engine`` (``"local"``, ``"dask"`` or an `Engine`);
        ``scheduler`` is a Dask scheduler address (a `LocalCluster` starts when it is None).
        Each batch of ``settings.batch_size`` articles is stored in one transaction, so an
        interrupted run keeps every finished batch and a re-run stores each article once.
        ``on_total`` is called once with the number of items read, before any is enriched.
        """
        report = IngestReport()
        # Furniture learned per outlet: lines repeated across stored articles of one outlet.
        lines = OutletLines(self.store.outlet_lines, min_articles=self.settings.furniture_min_articles)
        inputs = list(inputs)
        if on_total:
            on_total(estimate_items(inputs, stdin=stdin))
        # Read lazily: articles flow through enrich and the store as they are read, so memory
        # stays flat in the number of inputs.
        items = _timed(read_inputs(inputs, self.settings, stdin=stdin, lines=lines), report, "read")
        self.ingest_articles(
            items, report, progress=progress, engine=engine, scheduler=scheduler, outlet_lines=lines, on_existing=on_existing
        )
        return report

    def ingest_articles(
        self,
        items: Iterable[Article | InputError],
        report: IngestReport | None = None,
        *,
        progress: ProgressCallback | None = None,
        engine: str | Engine = "local",
        scheduler: str | None = None,
        on_total: Callable[[int], None] | None = None,
        outlet_lines: OutletLines | None = None,
        on_existing: OnExisting = "new_version",
    ) -> IngestReport:
        """Store already-read articles (or record their errors); the one write path every reader,
        engine and the watcher feed.

        ``items`` may be a lazy iterator: it is read as the engine takes batches, and each stored
        batch is grouped into stories while later batches are enriched (every `RELATE_EVERY`
        articles), so neither the inputs nor their enrichments are ever all in memory.
        ``outlet_lines`` (from `ingest`) has each stored batch's furniture observations saved with it.
        An article from a stored (or earlier) article's URL, feed entry or file with a new text is
        placed by `ArticleIdentity` under ``on_existing``: by default a new version of that article
        (`IngestReport.updated`), stored once the articles before it are.
        """
        report = report if report is not None else IngestReport()
        if isinstance(items, list) and on_total:
            on_total(len(items))
        # Articles stored but never grouped (a run stopped before its relate step) come first,
        # so stories see articles in ingest order.
        if self.store.unrelated_ids():
            with report.timed("relate"):
                self.relate()
        identity = ArticleIdentity(self.store, on_existing)
        versions: list[tuple[str, Article]] = []

        def fresh() -> Iterator[Article]:
            for item in items:
                if isinstance(item, InputError):
                    report.errors.append(item)
                    if progress:
                        progress(1)
                    continue
                if len(item.text) > self.settings.max_article_chars:  # an article built by an API caller
                    report.errors.append(too_long(item, self.settings))
                    if progress:
                        progress(1)
                    continue
                placed = identity.place(item)
                if placed.kind == "new":
                    yield item
                    continue
                if placed.kind == "version" and placed.stored_id:
                    versions.append((placed.stored_id, item))
                else:
                    report.duplicates.append(item.id)
                if progress:
                    progress(1)

        # An article stored without its enrichment (by an older version, or a crash between
        # writes) is enriched again, so every stored article ends up enriched exactly once.
        repair = [self.store.get_article(article_id) for article_id in self.store.unenriched_ids()]
        todo = fresh()
        # Look ahead far enough to know whether starting worker processes pays off.
        head = list(itertools.islice(todo, max(1, self.settings.parallel_min_articles)))
        expected = len(head) + len(repair) if len(head) < self.settings.parallel_min_articles else None
        if head or repair:
            size = self.settings.batch_size
            batches = itertools.chain(
                _chunks(repair, size), _chunks(itertools.chain(head, todo), size)
            )
            del head
            self._run_engine(engine, scheduler, batches, expected, report, progress, {a.id for a in repair}, outlet_lines)
        if versions:
            with report.timed("update"):
                self.update_articles(versions, report)
        if report.ingested or report.repaired or self.store.count_ungrouped():
            with report.timed("relate"):
                self.relate()
        return report

    def _run_engine(
        self,
        engine: str | Engine,
        scheduler: str | None,
        batches: Iterable[list[Article]],
        expected: int | None,
        report: IngestReport,
        progress: ProgressCallback | None,
        repair: set[str],
        outlet_lines: OutletLines | None = None,
    ) -> None:
        with report.timed("engine_start"):
            runner = get_engine(engine, self.settings, scheduler=scheduler) if isinstance(engine, str) else engine
        relater: Relater | None = None
        pending: list[EnrichedArticle] = []
        recent = _RecentRecords(self.store)
        try:
            report.engine = runner.describe()
            results = runner.map_batches(batches, expected=expected)
            while True:
                # The engine reads the next batches while it waits: count that as reading.
                read_before = report.timings.get("read", 0.0)
                start = time.perf_counter()
                done = next(results, None)
                waited = time.perf_counter() - start - (report.timings.get("read", 0.0) - read_before)
                report.timings["enrich"] = report.timings.get("enrich", 0.0) + waited
                if done is None:
                    break
                batch, enriched = done
                with report.timed("store"):
                    pending += self._store_results(enriched, report, repair, outlet_lines)
                if progress:
                    progress(len(batch))
                if len(pending) >= RELATE_EVERY:
                    # Group what is stored while the workers enrich the batches in flight.
                    with report.timed("relate"):
                        relater = relater or self._relater(recent.fetch)
                        self._relate_records(relater, pending)
                        recent.add(pending)
                    pending = []
            if pending:
                with report.timed("relate"):
                    relater = relater or self._relater(recent.fetch)
                    self._relate_records(relater, pending)
        finally:
            if isinstance(engine, str):
                runner.close()

    def _store_results(
        self,
        results: list[EnrichedArticle | InputError],
        report: IngestReport,
        repair: set[str],
        outlet_lines: OutletLines | None = None,
    ) -> list[EnrichedArticle]:
        """One transaction per batch: an article is stored with its enrichment or not at all.

        Returns the records stored (new or repaired), for the relate stage."""
        stored: list[EnrichedArticle] = []
        with self.store.transaction():
            for result in results:
                if isinstance(result, InputError):
                    report.errors.append(result)
                    continue
                article_id = result.article.id
                if self.store.add_article(result.article):
                    self.store.save_enrichment(result, fresh=True)
                    report.ingested.append(article_id)
                    stored.append(result)
                elif article_id in repair:
                    self.store.save_enrichment(result)
                    report.repaired.append(article_id)
                    stored.append(result)
                else:
                    report.duplicates.append(article_id)
            if outlet_lines is not None:
                self._save_outlet_lines(outlet_lines, [r.article.id for r in stored])
        return stored

    def _save_outlet_lines(self, lines: OutletLines, article_ids: Iterable[str]) -> None:
        with self.store.transaction():
            for outlet, doc_key, keys in lines.pending(article_ids):
                self.store.add_outlet_lines(outlet, doc_key, keys)

    # --- relate ---------------------------------------------------------------------------

    def relate(self) -> list[Story]:
        """Stream every article the relate stage has not seen into its story (existing or new),
        record its near-duplicates and derivations; returns the stories that changed."""
        todo = self.store.unrelated_ids()
        if not todo:
            return []
        # The latest records stay decoded: a new article is aligned with, and titles its story
        # from, members that arrived shortly before it.
        recent = _RecentRecords(self.store)
        relater = self._relater(recent.fetch)
        stories: list[Story] = []
        for start in range(0, len(todo), RELATE_EVERY):
            records = list(self.store.iter_enriched(todo[start : start + RELATE_EVERY]))
            stories += self._relate_records(relater, records)
            recent.add(records)
        return stories

    def _relater(self, fetch: Callable[[Sequence[str]], list[EnrichedArticle]]) -> Relater:
        """The relate stage over this store; ``fetch`` gives enriched articles for the sentence alignment."""
        return Relater(self.store, self.settings, fetch, self.store.article_headers)

    def _relate_records(self, relater: Relater, records: list[EnrichedArticle]) -> list[Story]:
        """Group ``records`` (stored, in ingest order) in one transaction."""
        with self.store.transaction():
            # Read under the write lock: another ingest into this store may have related some meanwhile.
            unrelated = set(self.store.unrelated_ids())
            records = [r for r in records if r.article.id in unrelated]
            if not records:
                return []
            if self.store.relate_is_empty():
                self.store.replace_stories([])  # a store grouped before the streaming relate stage existed
            stories, relations = relater.add(records)
            for story in stories:
                self.store.save_story(story)
                if not story.article_ids:  # merged into another story by the relate stage
                    self.store.delete_story(story.id)
            for relation in relations:
                self.store.save_relation(relation)
        return stories

    def regroup(self) -> list[Story]:
        """Forget the relate stage's state and stream every stored article again, in ingest order;
        each rebuilt story takes back the id of the story whose founders it holds, and every id
        published before still resolves (`storyline.relate.ids`)."""
        with self.store.transaction():
            before = self.store.list_stories()
            known = self.store.story_id_state()
            times = {s.id: (*self.store.story_times(s.id), frozenset(s.article_ids)) for s in before}
            self.store.clear_relate()
            self.store.replace_stories([])
        self.relate()
        with self.store.transaction():
            order = {a: i for i, a in enumerate(self.store.article_ids())}
            after = {s.id: s.article_ids for s in self.store.list_stories()}
            carry = carry_ids(
                {s.id: s.article_ids for s in before},
                {sid: founders for sid, (_, founders) in known.items()},
                {sid: target for sid, (target, _) in known.items() if target},
                after,
                lambda a: order.get(a, len(order)),
            )
            self.store.rename_stories(carry.renames, carry.aliases, carry.founders, times)
        return self.store.list_stories()
