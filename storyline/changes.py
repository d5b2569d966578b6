"""Which stored article an incoming one is, and storing new versions of stored articles.

An article's identity is its origin: its URL, else its entry id (GUID) in its feed, else the file
it was read from. Another text from a stored article's origin is a new **version** of that article
(same id and story, the earlier texts kept in ``article_versions``) when the two texts are one
article (`storyline.ingest.identity.same_article`: a correction, a live blog's new entries, an
edited file); when they are different stories (a URL a site reuses) it is a distinct article.
`Storyline.ingest_articles` is the one write path; ``on_existing="skip"`` keeps the first text only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from storyline.engine import Engine
from storyline.errors import InputError, NotFound
from storyline.ingest import OutletLines, Source, read_inputs
from storyline.ingest.identity import same_article
from storyline.models import Article
from storyline.reports import ChangeBatch, IngestReport

if TYPE_CHECKING:
    from storyline.settings import Settings
    from storyline.store import Store

ProgressCallback = Callable[[int], None]
OnExisting = Literal["skip", "new_version"]
"""What an article from a stored article's origin (URL, feed entry, file) with a new text becomes:
``new_version`` of the stored one (or a distinct article when the texts are different stories),
or ``skip`` (a duplicate: the stored text stays the only one)."""


def _origin_keys(article: Article) -> list[tuple[str, ...]]:
    """The keys an article's origin is known by, most specific first (see `Store.find_by_origin`)."""
    if article.url:
        return [("url", article.url)]
    guid = article.metadata.get("guid")
    if guid:
        return [("guid", str(guid), str(article.metadata.get("feed")))]
    file = article.metadata.get("file")
    return [("file", str(file))] if file else []


@dataclass
class Placement:
    """Where an incoming article goes: ``new`` (a new article), ``duplicate`` (its text is stored or
    already came in this run), or ``version`` of the article ``stored_id``."""

    kind: Literal["new", "duplicate", "version"]
    stored_id: str | None = None


class ArticleIdentity:
    """Places each incoming article of one ingest run, against the store and the run's earlier articles
    (a run's first text from an origin may still be on its way to the store when its next one comes)."""

    def __init__(self, store: Store, on_existing: OnExisting = "new_version") -> None:
        if on_existing not in ("skip", "new_version"):
            raise ValueError(f"on_existing must be 'skip' or 'new_version', not {on_existing!r}")
        self.store = store
        self.on_existing = on_existing
        self.seen: set[str] = set()
        self.latest: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        """Origin key -> [(article id, its latest text)] for the articles this run placed."""

    def place(self, article: Article) -> Placement:
        if article.id in self.seen or self.store.find_existing(article):
            return Placement("duplicate")
        self.seen.add(article.id)
        keys = _origin_keys(article)
        for stored_id, text in self._candidates(article, keys):
            if self.on_existing == "skip":
                return Placement("duplicate")
            if same_article(text, article.text):
                self._remember(keys, stored_id, article.text)
                return Placement("version", stored_id)
        self._remember(keys, article.id, article.text)
        return Placement("new")

    def _candidates(self, article: Article, keys: list[tuple[str, ...]]) -> list[tuple[str, str]]:
        """(id, current text) of the articles from ``article``'s origin: this run's, then the store's."""
        found = [pair for key in keys for pair in self.latest.get(key, [])]
        known = {article_id for article_id, _ in found}
        if keys:
            guid, feed = article.metadata.get("guid"), article.metadata.get("feed")
            stored = self.store.origin_articles(
                article.url, str(guid) if guid else None, str(feed) if feed else None, article.metadata.get("file")
            )
            found += [(i, self.store.get_article(i).text) for i in stored if i not in known]
        return found

    def _remember(self, keys: list[tuple[str, ...]], article_id: str, text: str) -> None:
        for key in keys:
            entries = self.latest.setdefault(key, [])
            entries[:] = [(i, t) for i, t in entries if i != article_id] + [(article_id, text)]


class ChangeIngest:
    """`Storyline`'s methods for what changed: new versions of stored articles, and the watcher's
    read-then-store batches (see ``storyline/api.py`` for `Storyline.ingest_articles`)."""

    store: Store
    settings: Settings
    ingest_articles: Callable[..., IngestReport]

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
        """Read and store ``inputs``: new articles, and new versions of stored ones (`IngestReport.updated`)."""
        batch = self.new_change_batch()
        started = time.perf_counter()
        self.read_changes(inputs, batch)
        report = self.store_changes(batch, progress=progress, engine=engine)
        report.timings["read"] = report.timings.get("read", 0.0) + time.perf_counter() - started
        return report

    def store_changes(self, batch: ChangeBatch, *, progress: ProgressCallback | None = None, engine: str | Engine = "local") -> IngestReport:
        """Store what `read_changes` read, through the one write path (`Storyline.ingest_articles`)."""
        return self.ingest_articles(batch.items, progress=progress, engine=engine, outlet_lines=batch.lines, on_existing="new_version")

    def update_articles(
        self, updates: Mapping[str, Article] | Iterable[tuple[str, Article]], report: IngestReport | None = None
    ) -> IngestReport:
        """Store each ``(stored_id, article)``, in order, as a new version of the stored article: same
        id and story, new text, enrichment and search entries; earlier texts kept (`article_history`).

        Its near-duplicate/derivation records are dropped (their spans point into the old text);
        its story is marked as changed, and the brief rebuilds (the version is in the fingerprint).
        An article whose stored one is gone (its first text failed to enrich) is returned in
        ``report.errors`` only if it fails itself: it is stored as a new article instead.
        """
        from storyline.engine.work import enrich_batch

        report = report if report is not None else IngestReport()
        pairs = list(updates.items()) if isinstance(updates, Mapping) else list(updates)
        todo: list[tuple[str, Article]] = []
        orphans: list[Article] = []
        for stored_id, article in pairs:
            try:
                current = self.store.get_article(stored_id)
            except NotFound:
                orphans.append(article)
                continue
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
        if orphans:
            self.ingest_articles(orphans, report)
        return report
