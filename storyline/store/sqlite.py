"""The embedded store: one SQLite file (WAL mode), all SQL of Storyline lives here.

Records are kept as JSON documents beside the few columns that are queried, so a stage can
add fields to its records without a migration. Schema changes are named migrations, each run
once in a transaction and recorded in ``schema_migrations``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, UTC
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


# --- ingest furniture (issue 2): which lines each outlet repeats across its articles ----------


@migration("0002_ingest_furniture")
def _ingest_furniture(db: sqlite3.Connection) -> None:
    # One row per (outlet, line, article): a line in many articles of one outlet is furniture.
    _run_script(
        db,
        """
        CREATE TABLE outlet_lines (
            outlet TEXT NOT NULL,
            line_key TEXT NOT NULL,
            doc_key TEXT NOT NULL,
            PRIMARY KEY (outlet, line_key, doc_key)
        )
        """
    )


# --- relate (issue 4): the story clusterer's index and the near-duplicate signatures ----------


@migration("0004_relate")
def _relate(db: sqlite3.Connection) -> None:
    # Vectors and MinHash signatures are the durable state; the faiss and LSH indexes are
    # rebuilt from them when a store is opened. Story profiles are read only for candidates.
    _run_script(
        db,
        """
        CREATE TABLE relate_articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id TEXT NOT NULL UNIQUE,
            story_id TEXT NOT NULL,
            vector BLOB NOT NULL,
            minhash BLOB,
            signature TEXT NOT NULL
        );
        CREATE TABLE relate_stories (
            story_id TEXT PRIMARY KEY,
            profile TEXT NOT NULL
        )
        """
    )


# --- search index (issue 7): FTS5 over articles, quotes and entities -------------------------

SNIPPET_START, SNIPPET_END = "\x02", "\x03"
"""Markers around matched words in search snippets; the web UI escapes the text, then marks them."""


@migration("0007_search")
def _search(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(article_id UNINDEXED, title, text, outlet, tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE quotes_fts USING fts5(article_id UNINDEXED, start UNINDEXED, end UNINDEXED, speaker, text, tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE entities_fts USING fts5(name, label UNINDEXED, article_id UNINDEXED, mentions UNINDEXED, roles, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE article_entities (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            label TEXT NOT NULL,
            mentions INTEGER NOT NULL,
            PRIMARY KEY (article_id, label, name)
        );
        CREATE INDEX article_entities_name ON article_entities(name)
        """
    )
    # Index what earlier versions stored.
    for (record,) in db.execute("SELECT record FROM articles").fetchall():
        _index_article(db, json.loads(record))
    for article_id, record in db.execute("SELECT article_id, record FROM enrichments").fetchall():
        _index_enrichment(db, article_id, json.loads(record))


def _index_article(db: sqlite3.Connection, article: dict[str, Any], *, fresh: bool = False) -> None:
    # ``fresh``: the article was just inserted, so there is nothing to delete. The delete scans
    # the whole FTS table (article_id is UNINDEXED), which made each insert O(store size).
    if not fresh:
        db.execute("DELETE FROM articles_fts WHERE article_id = ?", (article["id"],))
    db.execute(
        "INSERT INTO articles_fts (article_id, title, text, outlet) VALUES (?, ?, ?, ?)",
        (article["id"], article.get("title") or "", article.get("text") or "", article.get("outlet") or ""),
    )


def _index_enrichment(db: sqlite3.Connection, article_id: str, enrichment: dict[str, Any], *, fresh: bool = False) -> None:
    """(Re)index one article's quotes and entities; ``enrichment`` is `EnrichedArticle.as_dict()`.

    ``fresh``: the article was stored in this transaction and never indexed (skips full-table-scan deletes).
    """
    if not fresh:
        db.execute("DELETE FROM quotes_fts WHERE article_id = ?", (article_id,))
        db.execute("DELETE FROM entities_fts WHERE article_id = ?", (article_id,))
        db.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
    db.executemany(
        "INSERT INTO quotes_fts (article_id, start, end, speaker, text) VALUES (?, ?, ?, ?, ?)",
        [
            (article_id, q["span"]["start"], q["span"]["end"], q.get("speaker") or "", q["span"].get("text") or "")
            for q in enrichment.get("quotes") or []
        ],
    )
    mentions: dict[tuple[str, str], int] = {}
    roles: dict[tuple[str, str], set[str]] = {}
    for ent in enrichment.get("entities") or []:
        key = (ent["label"], ent["name"])
        mentions[key] = mentions.get(key, 0) + 1
        if ent.get("role"):
            roles.setdefault(key, set()).add(ent["role"])
    rows = [(article_id, name, label, n) for (label, name), n in mentions.items()]
    db.executemany("INSERT INTO article_entities (article_id, name, label, mentions) VALUES (?, ?, ?, ?)", rows)
    db.executemany(
        "INSERT INTO entities_fts (name, label, article_id, mentions, roles) VALUES (?, ?, ?, ?, ?)",
        [(name, label, aid, n, "; ".join(sorted(roles.get((label, name), ())))) for aid, name, label, n in rows],
    )


# --- always on (issue 14): article versions, story change times, watched sources, alerts ------


def now_precise() -> str:
    """UTC now with microseconds: change times must order two cycles that run within one second."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def iso_utc(value: datetime) -> str:
    """``value`` in the form change times are stored in (naive means UTC), so strings compare as times."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


@migration("0008_watch")
def _watch(db: sqlite3.Connection) -> None:
    # An updated article keeps its id; each earlier text is a row of article_versions (version 1
    # is the text first stored, whose content id is the article id). Watched feeds keep their
    # conditional-GET validators and backoff in watch_sources.state (JSON).
    _run_script(
        db,
        """
        ALTER TABLE stories ADD COLUMN created_at TEXT;
        ALTER TABLE stories ADD COLUMN updated_at TEXT;
        CREATE INDEX stories_updated ON stories(updated_at);
        CREATE INDEX articles_guid ON articles(json_extract(record, '$.metadata.guid'));
        CREATE TABLE article_versions (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            content_id TEXT NOT NULL,
            stored_at TEXT NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (article_id, version)
        );
        CREATE INDEX article_versions_content ON article_versions(content_id);
        CREATE TABLE watch_sources (
            source TEXT PRIMARY KEY,
            added_at TEXT NOT NULL,
            kept INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE watchlist (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            term TEXT NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            added_at TEXT NOT NULL,
            UNIQUE (kind, name)
        );
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            watch_id INTEGER NOT NULL REFERENCES watchlist(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            story_id TEXT,
            article_id TEXT,
            created_at TEXT NOT NULL,
            seen_at TEXT,
            delivered_at TEXT,
            record TEXT NOT NULL
        )
        """
    )
    # Stories stored before: their last change is when their newest article was ingested.
    rows = db.execute(
        "SELECT sa.story_id, MIN(a.ingested_at), MAX(a.ingested_at) FROM story_articles sa JOIN articles a ON a.id = sa.article_id GROUP BY sa.story_id"
    ).fetchall()
    db.executemany(
        "UPDATE stories SET created_at = ?, updated_at = ? WHERE id = ?",
        [(iso_utc(datetime.fromisoformat(first)), iso_utc(datetime.fromisoformat(last)), story_id) for story_id, first, last in rows],
    )


def fts_query(text: str) -> str | None:
    """A safe FTS5 query from what a person typed: every word must match, the last as a prefix."""
    words = re.findall(r"\w+", text)
    if not words:
        return None
    return " ".join(f'"{w}"' for w in words[:-1]) + (" " if len(words) > 1 else "") + f'"{words[-1]}"*'


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
        """The id of a stored article with the same content (or the same URL), if any.

        A record whose source id is a stored article's id is that article coming back (an export
        ingested again): its text lost lines learnt from its outlet, so its content id differs.
        """
        source_id = article.metadata.get("source_id")
        row = self.db.execute(
            "SELECT id FROM articles WHERE id = ? OR id = ? OR (url IS NOT NULL AND url = ?)",
            (article.id, source_id if isinstance(source_id, str) else None, article.url),
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
        _index_article(self.db, article.as_dict(), fresh=True)
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

    def save_enrichment(self, enriched: EnrichedArticle, *, fresh: bool = False) -> None:
        """Store (or replace) an article's enrichment; ``fresh`` when its article was just added."""
        data = enriched.as_dict()
        data.pop("article")  # stored once, in articles
        self.db.execute(
            "INSERT OR REPLACE INTO enrichments (article_id, record) VALUES (?, ?)",
            (enriched.article.id, json.dumps(data, ensure_ascii=False, separators=(",", ":"))),
        )
        _index_enrichment(self.db, enriched.article.id, data, fresh=fresh)

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

    # --- stories --------------------------------------------------------------------------

    def replace_stories(self, stories: Iterable[Story]) -> None:
        """Make ``stories`` the store's stories (the relate stage owns the grouping)."""
        self.db.execute("DELETE FROM story_articles")
        self.db.execute("DELETE FROM stories")
        for story in stories:
            self.save_story(story)

    def save_story(self, story: Story) -> None:
        record = _dump(story)
        before = self.db.execute("SELECT record, created_at, updated_at FROM stories WHERE id = ?", (story.id,)).fetchone()
        self.db.execute("DELETE FROM story_articles WHERE story_id = ?", (story.id,))
        self.db.execute(
            "INSERT OR REPLACE INTO stories (id, size, first_seen, last_seen, record) VALUES (?, ?, ?, ?, ?)",
            (
                story.id,
                len(story.article_ids),
                story.first_seen.isoformat() if story.first_seen else None,
                story.last_seen.isoformat() if story.last_seen else None,
                record,
            ),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO story_articles (story_id, article_id) VALUES (?, ?)",
            [(story.id, aid) for aid in story.article_ids],
        )
        # When it last changed (issue 14): a story saved unchanged keeps its time.
        now = now_precise()
        created = before["created_at"] if before and before["created_at"] else now
        updated = before["updated_at"] if before and before["record"] == record and before["updated_at"] else now
        self.db.execute("UPDATE stories SET created_at = ?, updated_at = ? WHERE id = ?", (created, updated, story.id))

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

    def count_ungrouped(self) -> int:
        """Enriched articles in no story (e.g. a run stopped between its last batch and the regrouping)."""
        return self.db.execute(
            "SELECT COUNT(*) FROM enrichments e LEFT JOIN story_articles s ON s.article_id = e.article_id WHERE s.article_id IS NULL"
        ).fetchone()[0]

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

    # --- ingest furniture ------------------------------------------------------------------

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

    # --- relate (issue 4): the `RelateState` of storyline.relate.state ---------------------

    def load_relate_index(self) -> tuple[list[str], list[str], Any, dict[str, Any] | None]:
        import numpy as np

        rows = self.db.execute("SELECT article_id, story_id, vector FROM relate_articles ORDER BY seq").fetchall()
        vectors = np.array([np.frombuffer(r[2], dtype=np.float32) for r in rows], dtype=np.float32)
        docfreq = self.get_state("relate.docfreq")
        return [r[0] for r in rows], [r[1] for r in rows], vectors, json.loads(docfreq) if docfreq else None

    def get_story_profile(self, story_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT profile FROM relate_stories WHERE story_id = ?", (story_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_story_profile(self, story_id: str, data: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO relate_stories (story_id, profile) VALUES (?, ?)",
            (story_id, json.dumps(data, ensure_ascii=False, separators=(",", ":"))),
        )

    def save_relate_article(self, article_id: str, story_id: str, vector: Any, signature: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO relate_articles (article_id, story_id, vector, signature) VALUES (?, ?, ?, ?)",
            (article_id, story_id, vector.astype("float32").tobytes(), json.dumps(signature, ensure_ascii=False, separators=(",", ":"))),
        )

    def load_relate_evidence(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(article_ids), 500):
            chunk = list(article_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for article_id, signature in self.db.execute(f"SELECT article_id, signature FROM relate_articles WHERE article_id IN ({marks})", chunk):
                evidence = json.loads(signature).get("evidence")
                if evidence is not None:
                    found[article_id] = evidence
        return found

    def move_relate_articles(self, article_ids: Sequence[str], story_id: str) -> None:
        self.db.executemany("UPDATE relate_articles SET story_id = ? WHERE article_id = ?", [(story_id, a) for a in article_ids])

    def save_relate_docfreq(self, data: dict[str, Any]) -> None:
        self.set_state("relate.docfreq", json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def save_minhash(self, article_id: str, signature: bytes) -> None:
        self.db.execute("UPDATE relate_articles SET minhash = ? WHERE article_id = ?", (signature, article_id))

    def iter_minhashes(self) -> Iterator[tuple[str, bytes]]:
        rows = self.db.execute("SELECT article_id, minhash FROM relate_articles WHERE minhash IS NOT NULL ORDER BY seq")
        yield from ((r[0], r[1]) for r in rows)

    def unrelated_ids(self) -> list[str]:
        """Enriched articles the relate stage has not seen yet, in ingest order."""
        rows = self.db.execute(
            "SELECT a.id FROM articles a JOIN enrichments e ON e.article_id = a.id "
            "LEFT JOIN relate_articles r ON r.article_id = a.id WHERE r.article_id IS NULL ORDER BY a.seq"
        )
        return [row[0] for row in rows]

    def relate_is_empty(self) -> bool:
        return self.db.execute("SELECT 1 FROM relate_articles LIMIT 1").fetchone() is None

    def clear_relate(self) -> None:
        """Forget the relate stage's state (``Storyline.regroup`` rebuilds it from every article)."""
        self.db.execute("DELETE FROM relate_articles")
        self.db.execute("DELETE FROM relate_stories")
        self.db.execute("DELETE FROM relations")
        self.db.execute("DELETE FROM state WHERE key = 'relate.docfreq'")

    # --- state of stages (e.g. the relate stage's index) ---------------------------------

    def get_state(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: bytes | str) -> None:
        self.db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    # --- browsing and search (the web UI, issue 7) ----------------------------------------

    STORY_SORTS = {"size": "s.size", "first_seen": "s.first_seen", "last_seen": "s.last_seen", "title": "title COLLATE NOCASE"}

    def story_rows(
        self,
        *,
        q: str | None = None,
        outlet: str | None = None,
        sort: str = "size",
        descending: bool = True,
        limit: int = 50,
        offset: int = 0,
        since: str | None = None,
    ) -> tuple[int, list[dict[str, Any]]]:
        """(total, one page of stories) with their outlets; ``q`` filters titles, ``outlet`` members,
        ``since`` (an `iso_utc` time) keeps the stories created or changed at or after it."""
        if sort not in self.STORY_SORTS and sort != "updated_at":
            raise ValueError(f"sort must be one of {', '.join(self.STORY_SORTS)}, updated_at")
        where = ["(:q IS NULL OR instr(lower(coalesce(json_extract(s.record, '$.title'), '')), lower(:q)) > 0)"]
        where.append(
            "(:outlet IS NULL OR EXISTS (SELECT 1 FROM story_articles x JOIN articles xa ON xa.id = x.article_id"
            " WHERE x.story_id = s.id AND xa.outlet = :outlet))"
        )
        params = {"q": q or None, "outlet": outlet or None, "limit": limit, "offset": offset}
        if since is not None:
            where.append("coalesce(s.updated_at, '') >= :since")
            params["since"] = since
        total = self.db.execute(f"SELECT COUNT(*) FROM stories s WHERE {' AND '.join(where)}", params).fetchone()[0]
        order = f"{self.STORY_SORTS.get(sort, 's.updated_at')} {'DESC' if descending else 'ASC'}, s.id"
        rows = self.db.execute(
            f"""SELECT s.id, s.size, s.first_seen, s.last_seen, s.updated_at, json_extract(s.record, '$.title') AS title,
                (SELECT json_group_array(DISTINCT a.outlet) FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                 WHERE sa.story_id = s.id AND a.outlet IS NOT NULL) AS outlets
            FROM stories s WHERE {' AND '.join(where)} ORDER BY {order} LIMIT :limit OFFSET :offset""",
            params,
        ).fetchall()
        return total, [
            {
                "id": r["id"],
                "title": r["title"],
                "size": r["size"],
                "outlets": sorted(json.loads(r["outlets"] or "[]")),
                "first_seen": r["first_seen"],
                "last_seen": r["last_seen"],
                "updated_at": r["updated_at"],
            }
            for r in rows
        ]

    def outlets(self) -> list[tuple[str, int]]:
        """Every outlet with its number of articles, most articles first."""
        rows = self.db.execute(
            "SELECT outlet, COUNT(*) FROM articles WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY COUNT(*) DESC, outlet"
        )
        return [(r[0], r[1]) for r in rows]

    def article_rows(self, *, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """(total, one page of articles, newest ingested last) without their text."""
        total = self.count_articles()
        rows = self.db.execute(
            """SELECT a.id, a.title, a.url, a.outlet, a.published, sa.story_id FROM articles a
            LEFT JOIN story_articles sa ON sa.article_id = a.id ORDER BY a.seq LIMIT ? OFFSET ?""",
            (limit, offset),
        ).fetchall()
        return total, [dict(r) for r in rows]

    def entity_articles(self, name: str) -> list[dict[str, Any]]:
        """The articles naming the entity ``name`` (its fullest form in each article), with label and mentions."""
        rows = self.db.execute(
            """SELECT e.article_id, e.label, e.mentions FROM article_entities e JOIN articles a ON a.id = e.article_id
            WHERE e.name = ? ORDER BY a.seq""",
            (name,),
        )
        return [dict(r) for r in rows]

    def _fts_page(self, table: str, columns: str, snippet_column: int, snippet_words: int, query: str, limit: int, offset: int) -> tuple[int, list[sqlite3.Row]]:
        """(total hits, one page of rows best first) of an FTS table joined to its articles, with a marked snippet."""
        match = fts_query(query)
        if match is None:
            return 0, []
        total = self.db.execute(f"SELECT COUNT(*) FROM {table} WHERE {table} MATCH ?", (match,)).fetchone()[0]
        rows = self.db.execute(
            f"""SELECT {columns}, snippet({table}, {snippet_column}, ?, ?, '…', {snippet_words}) AS snippet
            FROM {table} f JOIN articles a ON a.id = f.article_id
            WHERE {table} MATCH ? ORDER BY rank LIMIT ? OFFSET ?""",
            (SNIPPET_START, SNIPPET_END, match, limit, offset),
        ).fetchall()
        return total, rows

    def search_articles(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """Full-text search over article titles, text and outlets, best first, with a marked snippet."""
        total, rows = self._fts_page("articles_fts", "f.article_id, a.title, a.outlet, a.published", 2, 24, query, limit, offset)
        return total, [dict(r) for r in rows]

    def search_quotes(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """Full-text search over quotes and their speakers, best first."""
        columns = "f.article_id, f.start, f.end, f.speaker, f.text, a.title, a.outlet"
        total, rows = self._fts_page("quotes_fts", columns, 4, 32, query, limit, offset)
        return total, [{**dict(r), "start": int(r["start"]), "end": int(r["end"]), "speaker": r["speaker"] or None} for r in rows]

    def search_entities(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """Full-text search over entity names and roles; one row per entity, most articles first."""
        match = fts_query(query)
        if match is None:
            return 0, []
        grouped = """SELECT name, label, COUNT(DISTINCT article_id) AS articles, SUM(mentions) AS mentions,
                group_concat(roles, '; ') AS roles, MIN(rank) AS best
            FROM entities_fts WHERE entities_fts MATCH ? GROUP BY name, label"""
        total = self.db.execute(f"SELECT COUNT(*) FROM ({grouped})", (match,)).fetchone()[0]
        rows = self.db.execute(f"{grouped} ORDER BY best, articles DESC, name LIMIT ? OFFSET ?", (match, limit, offset)).fetchall()
        return total, [
            {
                "name": r["name"],
                "label": r["label"],
                "articles": r["articles"],
                "mentions": int(r["mentions"]),
                "roles": sorted({x.strip() for x in (r["roles"] or "").split(";") if x.strip()}),
            }
            for r in rows
        ]

    # --- helpers --------------------------------------------------------------------------

    def _select_in(self, sql: str, values: list[str], *, repeat: int = 1) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = []
        for i in range(0, len(values), 400):
            chunk = values[i : i + 400]
            marks = ",".join("?" * len(chunk))
            rows.extend(self.db.execute(sql.format(marks), chunk * repeat).fetchall())
        return rows

    # --- always on (issue 14): versions, change times, watched sources, watchlist, alerts --

    def find_by_content(self, content_id: str) -> str | None:
        """The article whose current or any earlier text has content id ``content_id``."""
        row = self.db.execute(
            "SELECT id FROM articles WHERE id = ? UNION ALL SELECT article_id FROM article_versions WHERE content_id = ? LIMIT 1",
            (content_id, content_id),
        ).fetchone()
        return row[0] if row else None

    def find_by_origin(self, url: str | None, guid: str | None = None, feed: str | None = None) -> str | None:
        """The stored article with this URL, else with this entry id (GUID) in the same feed."""
        if url:
            row = self.db.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
            if row:
                return row[0]
        if guid:
            row = self.db.execute(
                "SELECT id FROM articles WHERE json_extract(record, '$.metadata.guid') = ? AND json_extract(record, '$.metadata.feed') IS ? ORDER BY seq LIMIT 1",
                (guid, feed),
            ).fetchone()
            if row:
                return row[0]
        return None

    def article_versions(self, article_ids: Iterable[str]) -> dict[str, int]:
        """``{article_id: current version}`` for the articles among ``article_ids`` updated at least once."""
        rows = self._select_in("SELECT article_id, MAX(version) FROM article_versions WHERE article_id IN ({}) GROUP BY article_id", list(article_ids))
        return {r[0]: r[1] for r in rows if r[1] > 1}

    def article_history(self, article_id: str) -> list[dict[str, Any]]:
        """Every version of an article, oldest first: ``{version, content_id, stored_at, article}``."""
        rows = self.db.execute(
            "SELECT version, content_id, stored_at, record FROM article_versions WHERE article_id = ? ORDER BY version", (article_id,)
        ).fetchall()
        return [{"version": r[0], "content_id": r[1], "stored_at": r[2], "article": json.loads(r[3])} for r in rows]

    def replace_article(self, article: Article, content_id: str) -> int:
        """Make ``article`` (same id, new text) the current version; the earlier texts stay in
        ``article_versions``. Returns the new version number. The caller saves its enrichment."""
        row = self.db.execute("SELECT record, ingested_at FROM articles WHERE id = ?", (article.id,)).fetchone()
        if row is None:
            raise NotFound(f"no article {article.id!r} in {self.path}")
        current = self.db.execute("SELECT MAX(version) FROM article_versions WHERE article_id = ?", (article.id,)).fetchone()[0]
        if current is None:  # the first update: the text first stored becomes version 1
            self.db.execute(
                "INSERT INTO article_versions (article_id, version, content_id, stored_at, record) VALUES (?, 1, ?, ?, ?)",
                (article.id, article.id, row["ingested_at"], row["record"]),
            )
            current = 1
        version = current + 1
        record = _dump(article)
        self.db.execute(
            "INSERT INTO article_versions (article_id, version, content_id, stored_at, record) VALUES (?, ?, ?, ?, ?)",
            (article.id, version, content_id, _now(), record),
        )
        # The URL is left alone: another stored article may hold the new one (articles.url is unique).
        self.db.execute(
            "UPDATE articles SET title = ?, outlet = ?, published = ?, record = ? WHERE id = ?",
            (article.title, article.outlet, article.published.isoformat() if article.published else None, record, article.id),
        )
        _index_article(self.db, article.as_dict())
        return version

    def delete_relations_of(self, article_id: str) -> None:
        """Drop an article's near-duplicate and derivation records (their spans point into an old text)."""
        self.db.execute("DELETE FROM relations WHERE article_id = ? OR other_id = ?", (article_id, article_id))

    def touch_story(self, story_id: str) -> None:
        """Record that ``story_id`` changed now (e.g. one of its articles has a new version)."""
        self.db.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (now_precise(), story_id))

    def story_changes(self, since: datetime | None = None, *, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """(total, one page of stories changed at or after ``since``), most recently changed first."""
        params: list[Any] = [iso_utc(since) if since else ""]
        total = self.db.execute("SELECT COUNT(*) FROM stories WHERE coalesce(updated_at, '') >= ?", params).fetchone()[0]
        rows = self.db.execute(
            "SELECT record, created_at, updated_at FROM stories WHERE coalesce(updated_at, '') >= ? ORDER BY updated_at DESC, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return total, [{"story": Story.from_dict(json.loads(r[0])), "created_at": r[1], "updated_at": r[2]} for r in rows]

    def story_times(self, story_id: str) -> tuple[str | None, str | None]:
        """(created_at, updated_at) of a story."""
        row = self.db.execute("SELECT created_at, updated_at FROM stories WHERE id = ?", (story_id,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def add_watch_source(self, source: str, *, kept: bool) -> bool:
        """Record a watched source; ``kept`` when the user added it (``storyline sources add``). True when new."""
        cur = self.db.execute("INSERT OR IGNORE INTO watch_sources (source, added_at, kept) VALUES (?, ?, ?)", (source, _now(), int(kept)))
        if cur.rowcount == 0 and kept:
            cur = self.db.execute("UPDATE watch_sources SET kept = 1 WHERE source = ? AND kept = 0", (source,))
        return cur.rowcount > 0

    def remove_watch_source(self, source: str) -> bool:
        return self.db.execute("DELETE FROM watch_sources WHERE source = ?", (source,)).rowcount > 0

    def watch_sources(self, *, kept_only: bool = True) -> list[dict[str, Any]]:
        sql = "SELECT source, added_at, kept, state FROM watch_sources" + (" WHERE kept = 1" if kept_only else "") + " ORDER BY added_at, source"
        return [{"source": r[0], "added_at": r[1], "kept": bool(r[2]), "state": json.loads(r[3])} for r in self.db.execute(sql)]

    def watch_state(self, source: str) -> dict[str, Any]:
        row = self.db.execute("SELECT state FROM watch_sources WHERE source = ?", (source,)).fetchone()
        return json.loads(row[0]) if row else {}

    def save_watch_state(self, source: str, state: dict[str, Any]) -> None:
        self.db.execute("INSERT OR IGNORE INTO watch_sources (source, added_at, kept) VALUES (?, ?, 0)", (source, _now()))
        self.db.execute("UPDATE watch_sources SET state = ? WHERE source = ?", (json.dumps(state, ensure_ascii=False, sort_keys=True), source))

    def add_watch(self, term: str, kind: str, name: str) -> tuple[int, bool]:
        """(id, whether it is new) of the watchlist entry for ``name`` of ``kind`` (entity or keyword)."""
        cur = self.db.execute("INSERT OR IGNORE INTO watchlist (term, kind, name, added_at) VALUES (?, ?, ?, ?)", (term, kind, name, _now()))
        row = self.db.execute("SELECT id FROM watchlist WHERE kind = ? AND name = ?", (kind, name)).fetchone()
        return row[0], cur.rowcount > 0

    def watchlist(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT id, term, kind, name, added_at FROM watchlist ORDER BY id")]

    def remove_watch(self, term: str) -> int:
        """Remove entries whose term or name is ``term`` (case-insensitive), or whose id it is."""
        return self.db.execute(
            "DELETE FROM watchlist WHERE lower(term) = lower(?) OR lower(name) = lower(?) OR CAST(id AS TEXT) = ?", (term, term, term)
        ).rowcount

    def entity_names(self, name: str) -> list[tuple[str, str, int]]:
        """Entity names stored for ``name`` ignoring case: (name, label, articles), most articles first."""
        rows = self.db.execute(
            "SELECT name, label, COUNT(DISTINCT article_id) FROM article_entities WHERE name = ? COLLATE NOCASE GROUP BY name, label ORDER BY 3 DESC, name",
            (name,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def add_alert(self, key: str, watch_id: int, kind: str, story_id: str | None, article_id: str | None, record: dict[str, Any]) -> bool:
        """Store an alert once: True when ``key`` was new."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO alerts (key, watch_id, kind, story_id, article_id, created_at, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, watch_id, kind, story_id, article_id, now_precise(), json.dumps(record, ensure_ascii=False, separators=(",", ":"))),
        )
        return cur.rowcount > 0

    def take_alerts(self, *, mark_seen: bool = True, limit: int = 1000) -> list[dict[str, Any]]:
        """Alerts not looked at yet, oldest first; ``mark_seen`` so the next look does not repeat them."""
        rows = self.db.execute(
            "SELECT id, watch_id, kind, story_id, article_id, created_at, record FROM alerts WHERE seen_at IS NULL ORDER BY id LIMIT ?", (limit,)
        ).fetchall()
        if mark_seen and rows:
            self.db.executemany("UPDATE alerts SET seen_at = ? WHERE id = ?", [(now_precise(), r[0]) for r in rows])
        return [{**{k: r[k] for k in ("id", "watch_id", "kind", "story_id", "article_id", "created_at")}, **json.loads(r["record"])} for r in rows]

    def undelivered_alerts(self, limit: int = 1000) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT id, watch_id, kind, story_id, article_id, created_at, record FROM alerts WHERE delivered_at IS NULL ORDER BY id LIMIT ?", (limit,)
        ).fetchall()
        return [{**{k: r[k] for k in ("id", "watch_id", "kind", "story_id", "article_id", "created_at")}, **json.loads(r["record"])} for r in rows]

    def mark_delivered(self, alert_id: int) -> None:
        self.db.execute("UPDATE alerts SET delivered_at = ? WHERE id = ?", (now_precise(), alert_id))

    def recent_alerts(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest alerts, newest first, seen or not (the alerts page; it marks nothing)."""
        rows = self.db.execute(
            "SELECT id, watch_id, kind, story_id, article_id, created_at, seen_at, record FROM alerts ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        keys = ("id", "watch_id", "kind", "story_id", "article_id", "created_at", "seen_at")
        return [{**{k: r[k] for k in keys}, **json.loads(r["record"])} for r in rows]

    def story_alias_target(self, story_id: str) -> str | None:
        """The live story a merged story's id now stands for (following merges), or None."""
        current = story_id
        for _ in range(64):
            row = self.db.execute("SELECT json_extract(profile, '$.merged_into') FROM relate_stories WHERE story_id = ?", (current,)).fetchone()
            if row is None or not row[0]:
                return current if current != story_id else None
            current = row[0]
        return None
