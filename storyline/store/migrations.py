"""Named schema migrations: each runs once, in registration order, in a transaction, recorded in
``schema_migrations``. Names and order never change: existing stores open unchanged."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime

from storyline.dates import iso_utc
from storyline.store.search import index_article, index_enrichment

MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = []


def migration(name: str):
    """Register a schema migration; they run in registration order, once each."""

    def register(func: Callable[[sqlite3.Connection], None]):
        MIGRATIONS.append((name, func))
        return func

    return register


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated DDL inside the current transaction (``executescript`` would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@migration("0001_initial")
def _initial(db: sqlite3.Connection) -> None:
    run_script(
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
    run_script(
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
    run_script(
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


@migration("0007_search")
def _search(db: sqlite3.Connection) -> None:
    run_script(
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
        index_article(db, json.loads(record))
    for article_id, record in db.execute("SELECT article_id, record FROM enrichments").fetchall():
        index_enrichment(db, article_id, json.loads(record))


# --- always on (issue 14): article versions, story change times, watched sources, alerts ------


@migration("0008_watch")
def _watch(db: sqlite3.Connection) -> None:
    # An updated article keeps its id; each earlier text is a row of article_versions (version 1
    # is the text first stored, whose content id is the article id). Watched feeds keep their
    # conditional-GET validators and backoff in watch_sources.state (JSON).
    run_script(
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


# --- throughput (issue 16): document frequencies as rows, so a batch writes only what changed --


@migration("0009_relate_docfreq")
def _relate_docfreq(db: sqlite3.Connection) -> None:
    run_script(db, "CREATE TABLE relate_docfreq (key TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID")
    row = db.execute("SELECT value FROM state WHERE key = 'relate.docfreq'").fetchone()
    if row is not None:
        saved = json.loads(row[0])
        db.executemany("INSERT INTO relate_docfreq (key, df) VALUES (?, ?)", saved["df"].items())
        db.execute("INSERT OR REPLACE INTO state (key, value) VALUES ('relate.docfreq_n', ?)", (str(saved["n"]),))
        db.execute("DELETE FROM state WHERE key = 'relate.docfreq'")


# --- article identity (issue 23): one URL may hold several articles; a watched file is found by path --


@migration("0010_article_origins")
def _article_origins(db: sqlite3.Connection) -> None:
    # articles.url loses its UNIQUE constraint (a reused URL may carry a different story): SQLite
    # changes a constraint only by rebuilding the table. `Store._migrate` turns foreign keys off
    # around migrations, so dropping the old table does not cascade to the rows that refer to it.
    columns = "seq, id, url, title, outlet, published, ingested_at, record"
    run_script(
        db,
        f"""
        CREATE TABLE articles_new (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            url TEXT,
            title TEXT,
            outlet TEXT,
            published TEXT,
            ingested_at TEXT NOT NULL,
            record TEXT NOT NULL
        );
        INSERT INTO articles_new ({columns}) SELECT {columns} FROM articles;
        DROP TABLE articles;
        ALTER TABLE articles_new RENAME TO articles;
        CREATE INDEX articles_url ON articles(url);
        CREATE INDEX articles_guid ON articles(json_extract(record, '$.metadata.guid'));
        CREATE INDEX articles_file ON articles(json_extract(record, '$.metadata.file'))
        """,
    )
