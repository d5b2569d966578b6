"""The embedded store: one SQLite file (WAL mode), all SQL of Storyline lives here.

Records are kept as JSON documents beside the few columns that are queried, so a stage can
add fields to its records without a migration. Schema changes are named migrations, each run
once in a transaction and recorded in ``schema_migrations``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from storyline.errors import NotFound, StoreError
from storyline.models import Article, Brief, EnrichedArticle, Relation, Story

MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = []


def migration(name: str):
    """Register a schema migration; they run in registration order, once each."""

    def register(func: Callable[[sqlite3.Connection], None]):
        MIGRATIONS.append((name, func))
        return func

    return register


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated DDL inside the current transaction (``executescript`` would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@migration("0001_initial")
def _initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            url TEXT UNIQUE,
            title TEXT,
            outlet TEXT,
            published TEXT,
            ingested_at TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE TABLE enrichments (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            record TEXT NOT NULL
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            first_seen TEXT,
            last_seen TEXT,
            record TEXT NOT NULL
        );
        CREATE TABLE story_articles (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (story_id, article_id)
        );
        CREATE INDEX story_articles_article ON story_articles(article_id);
        CREATE TABLE relations (
            article_id TEXT NOT NULL,
            other_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            score REAL NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (article_id, other_id, kind)
        );
        CREATE INDEX relations_other ON relations(other_id);
        CREATE TABLE briefs (
            story_id TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            built_at TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE TABLE state (
            key TEXT PRIMARY KEY,
            value BLOB
        );
        """
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _dump(record: Any) -> str:
    return json.dumps(record.as_dict(), ensure_ascii=False, separators=(",", ":"))


class Store:
    """A Storyline store on one SQLite file.

    >>> store = Store("storyline.db")  # doctest: +SKIP
    >>> store.count_articles()  # doctest: +SKIP
    5
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a Storyline store ({exc})") from exc

    # --- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together or not at all (an interrupted batch leaves nothing half-written)."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM schema_migrations")}
        for name, func in MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as db:
                func(db)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, _now()))

    @property
    def schema_version(self) -> str:
        row = self.db.execute("SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1").fetchone()
        return row[0] if row else ""

    # --- articles -------------------------------------------------------------------------

    def find_existing(self, article: Article) -> str | None:
        """The id of a stored article with the same content (or the same URL), if any."""
        row = self.db.execute(
            "SELECT id FROM articles WHERE id = ? OR (url IS NOT NULL AND url = ?)", (article.id, article.url)
        ).fetchone()
        return row[0] if row else None

    def add_article(self, article: Article) -> bool:
        """Insert ``article`` unless it is already stored; True when it was new."""
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
                _now(),
                _dump(article),
            ),
        )
        return True

    def update_article(self, article: Article) -> None:
        """Rewrite a stored article's record (e.g. after furniture learnt from later articles is removed)."""
        self.db.execute(
            "UPDATE articles SET title = ?, outlet = ?, published = ?, record = ? WHERE id = ?",
            (article.title, article.outlet, article.published.isoformat() if article.published else None, _dump(article), article.id),
        )

    def get_article(self, article_id: str) -> Article:
        row = self.db.execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article {article_id!r} in {self.path}")
        return Article.from_dict(json.loads(row[0]))

    def iter_articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        """Articles in ingest order (all of them, or those with ``ids``)."""
        if ids is None:
            rows = self.db.execute("SELECT record FROM articles ORDER BY seq")
        else:
            wanted = list(ids)
            rows = self._select_in("SELECT record FROM articles WHERE id IN ({}) ORDER BY seq", wanted)
        for row in rows:
            yield Article.from_dict(json.loads(row[0]))

    def count_articles(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def article_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM articles ORDER BY seq")]

    def resolve_article_id(self, prefix: str) -> str:
        """Accept a unique id prefix, as git does."""
        rows = self.db.execute("SELECT id FROM articles WHERE id LIKE ? LIMIT 2", (prefix + "%",)).fetchall()
        if len(rows) != 1:
            raise NotFound(f"no article {prefix!r}" if not rows else f"article id {prefix!r} is ambiguous")
        return rows[0][0]

    # --- enrichments ----------------------------------------------------------------------

    def save_enrichment(self, enriched: EnrichedArticle) -> None:
        data = enriched.as_dict()
        data.pop("article")  # stored once, in articles
        self.db.execute(
            "INSERT OR REPLACE INTO enrichments (article_id, record) VALUES (?, ?)",
            (enriched.article.id, json.dumps(data, ensure_ascii=False, separators=(",", ":"))),
        )

    def iter_enriched(self, ids: Iterable[str] | None = None) -> Iterator[EnrichedArticle]:
        """Enriched articles in ingest order (articles never enriched are skipped)."""
        sql = "SELECT a.record, e.record FROM articles a JOIN enrichments e ON e.article_id = a.id"
        if ids is None:
            rows = self.db.execute(sql + " ORDER BY a.seq")
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

    # --- stories --------------------------------------------------------------------------

    def replace_stories(self, stories: Iterable[Story]) -> None:
        """Make ``stories`` the store's stories (the relate stage owns the grouping)."""
        self.db.execute("DELETE FROM story_articles")
        self.db.execute("DELETE FROM stories")
        for story in stories:
            self.save_story(story)

    def save_story(self, story: Story) -> None:
        self.db.execute("DELETE FROM story_articles WHERE story_id = ?", (story.id,))
        self.db.execute(
            "INSERT OR REPLACE INTO stories (id, size, first_seen, last_seen, record) VALUES (?, ?, ?, ?, ?)",
            (
                story.id,
                len(story.article_ids),
                story.first_seen.isoformat() if story.first_seen else None,
                story.last_seen.isoformat() if story.last_seen else None,
                _dump(story),
            ),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO story_articles (story_id, article_id) VALUES (?, ?)",
            [(story.id, aid) for aid in story.article_ids],
        )

    def delete_story(self, story_id: str) -> None:
        self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
        self.db.execute("DELETE FROM briefs WHERE story_id = ?", (story_id,))

    def get_story(self, story_id: str) -> Story:
        row = self.db.execute("SELECT record FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            rows = self.db.execute("SELECT record FROM stories WHERE id LIKE ? LIMIT 2", (story_id + "%",)).fetchall()
            if len(rows) != 1:
                raise NotFound(f"no story {story_id!r} in {self.path}" if not rows else f"story id {story_id!r} is ambiguous")
            row = rows[0]
        return Story.from_dict(json.loads(row[0]))

    def list_stories(self) -> list[Story]:
        """Stories, largest first, then most recent."""
        rows = self.db.execute("SELECT record FROM stories ORDER BY size DESC, last_seen DESC, id")
        return [Story.from_dict(json.loads(row[0])) for row in rows]

    def story_of(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    # --- relations ------------------------------------------------------------------------

    def save_relation(self, relation: Relation) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO relations (article_id, other_id, kind, score, record) VALUES (?, ?, ?, ?, ?)",
            (relation.article_id, relation.other_id, relation.kind, relation.score, _dump(relation)),
        )

    def relations_for(self, article_ids: Iterable[str]) -> list[Relation]:
        ids = list(article_ids)
        rows = self._select_in(
            "SELECT record FROM relations WHERE article_id IN ({0}) OR other_id IN ({0}) ORDER BY score DESC", ids, repeat=2
        )
        return [Relation.from_dict(json.loads(row[0])) for row in rows]

    # --- briefs ---------------------------------------------------------------------------

    def save_brief(self, brief: Brief, fingerprint: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO briefs (story_id, fingerprint, built_at, record) VALUES (?, ?, ?, ?)",
            (brief.story_id, fingerprint, _now(), _dump(brief)),
        )

    def get_brief(self, story_id: str, fingerprint: str) -> Brief | None:
        """The cached brief, if it was built from the same articles (same ``fingerprint``)."""
        row = self.db.execute("SELECT fingerprint, record FROM briefs WHERE story_id = ?", (story_id,)).fetchone()
        if row is None or row[0] != fingerprint:
            return None
        return Brief.from_dict(json.loads(row[1]))

    # --- state of stages (e.g. the relate stage's index) ---------------------------------

    def get_state(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: bytes | str) -> None:
        self.db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    # --- helpers --------------------------------------------------------------------------

    def _select_in(self, sql: str, values: list[str], *, repeat: int = 1) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = []
        for i in range(0, len(values), 400):
            chunk = values[i : i + 400]
            marks = ",".join("?" * len(chunk))
            rows.extend(self.db.execute(sql.format(marks), chunk * repeat).fetchall())
        return rows
