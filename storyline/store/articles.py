"""Articles, their enrichments and the lines each outlet repeats (ingest furniture)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime

from storyline.errors import NotFound
from storyline.models import Article, EnrichedArticle
from storyline.reader import ArticleListing
from storyline.store.common import StorePart, dump_record, now_seconds
from storyline.store.common import like_prefix
from storyline.store.search import index_article, index_enrichment


class ArticleTables(StorePart):
    """The ``articles``, ``enrichments`` and ``outlet_lines`` tables."""

    def find_existing(self, article: Article) -> str | None:
        """The id of the stored article whose current or any earlier text is ``article``'s, if any.

        A record whose source id is a stored article's id is that article coming back (an export
        ingested again): its text lost lines learnt from its outlet, so its content id differs.
        Another text from a stored article's URL is not found here: see `find_by_origin`.
        """
        source_id = article.metadata.get("source_id")
        row = self.db.execute(
            """SELECT id FROM articles WHERE id = ? OR id = ?
            UNION ALL SELECT article_id FROM article_versions WHERE content_id = ? LIMIT 1""",
            (article.id, source_id if isinstance(source_id, str) else None, article.id),
        ).fetchone()
        return row[0] if row else None

    def add_article(self, article: Article) -> bool:
        """Insert ``article`` unless its text is already stored; True when it was new."""
        if self.find_existing(article):
            return False
        self.db.execute(
            "INSERT INTO articles (id, url, title, outlet, published, ingested_at, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.url,
                article.title,
                article.outlet,
                article.published.isoformat() if article.published else None,
                now_seconds(),
                dump_record(article),
            ),
        )
        index_article(self.db, article.as_dict(), fresh=True)
        return True

    def get_article(self, article_id: str) -> Article:
        row = self.db.execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article {article_id!r} in {self.path}")
        return Article.from_dict(json.loads(row[0]))

    def iter_articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        """Articles in ingest order (all of them, or those with ``ids``)."""
        if ids is None:
            rows: Iterable[sqlite3.Row] = self.db.execute("SELECT record FROM articles ORDER BY seq")
        else:
            wanted = list(ids)
            rows = self._select_in("SELECT record FROM articles WHERE id IN ({}) ORDER BY seq", wanted)
        for row in rows:
            yield Article.from_dict(json.loads(row[0]))

    def article_headers(self, ids: Iterable[str]) -> dict[str, tuple[str | None, datetime | None]]:
        """Each article's (title, published date), read from their columns: no record is decoded."""
        rows = self._select_in("SELECT id, title, published FROM articles WHERE id IN ({})", list(ids))
        return {r[0]: (r[1], datetime.fromisoformat(r[2]) if r[2] else None) for r in rows}

    def count_articles(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def article_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM articles ORDER BY seq")]

    def resolve_article_id(self, prefix: str) -> str:
        """Accept a unique id prefix, as git does."""
        rows = self.db.execute("SELECT id FROM articles WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (like_prefix(prefix),)).fetchall()
        if len(rows) != 1:
            raise NotFound(f"no article {prefix!r}" if not rows else f"article id {prefix!r} is ambiguous")
        return rows[0][0]

    def article_rows(self, *, limit: int = 50, offset: int = 0) -> tuple[int, list[ArticleListing]]:
        """(total, one page of articles, newest ingested last) without their text."""
        total = self.count_articles()
        rows = self.db.execute(
            """SELECT a.id, a.title, a.url, a.outlet, a.published, sa.story_id FROM articles a
            LEFT JOIN story_articles sa ON sa.article_id = a.id ORDER BY a.seq LIMIT ? OFFSET ?""",
            (limit, offset),
        ).fetchall()
        return total, [ArticleListing(**r) for r in rows]

    def outlets(self) -> list[tuple[str, int]]:
        """Every outlet with its number of articles, most articles first."""
        rows = self.db.execute(
            "SELECT outlet, COUNT(*) FROM articles WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY COUNT(*) DESC, outlet"
        )
        return [(r[0], r[1]) for r in rows]

    def save_enrichment(self, enriched: EnrichedArticle, *, fresh: bool = False) -> None:
        """Store (or replace) an article's enrichment; ``fresh`` when its article was just added."""
        data = enriched.as_dict()
        data.pop("article")  # stored once, in articles
        self.db.execute(
            "INSERT OR REPLACE INTO enrichments (article_id, record) VALUES (?, ?)",
            (enriched.article.id, json.dumps(data, ensure_ascii=False, separators=(",", ":"))),
        )
        index_enrichment(self.db, enriched.article.id, data, fresh=fresh)

    def iter_enriched(self, ids: Iterable[str] | None = None) -> Iterator[EnrichedArticle]:
        """Enriched articles in ingest order (articles never enriched are skipped)."""
        sql = "SELECT a.record, e.record FROM articles a JOIN enrichments e ON e.article_id = a.id"
        if ids is None:
            rows: Iterable[sqlite3.Row] = self.db.execute(sql + " ORDER BY a.seq")
        else:
            rows = self._select_in(sql + " WHERE a.id IN ({}) ORDER BY a.seq", list(ids))
        for article_json, enrichment_json in rows:
            data = json.loads(enrichment_json)
            data["article"] = json.loads(article_json)
            yield EnrichedArticle.from_dict(data)

    def unenriched_ids(self) -> list[str]:
        rows = self.db.execute(
            "SELECT a.id FROM articles a LEFT JOIN enrichments e ON e.article_id = a.id WHERE e.article_id IS NULL ORDER BY a.seq"
        )
        return [row[0] for row in rows]

    def outlet_lines(self, outlet: str) -> dict[str, list[str]]:
        """``{line_key: [doc_key, ...]}`` for every line seen in ``outlet``'s stored articles."""
        found: dict[str, list[str]] = {}
        for key, doc in self.db.execute("SELECT line_key, doc_key FROM outlet_lines WHERE outlet = ?", (outlet,)):
            found.setdefault(key, []).append(doc)
        return found

    def add_outlet_lines(self, outlet: str, doc_key: str, line_keys: Iterable[str]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO outlet_lines (outlet, line_key, doc_key) VALUES (?, ?, ?)",
            [(outlet, key, doc_key) for key in line_keys],
        )
