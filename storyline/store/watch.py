"""Always on (issue 14): article versions, watched sources, the watchlist and its alerts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from storyline.errors import NotFound
from storyline.models import Article
from storyline.store.common import StorePart, dump_record, now_precise, now_seconds
from storyline.store.search import index_article


class WatchTables(StorePart):
    """The ``article_versions``, ``watch_sources``, ``watchlist`` and ``alerts`` tables."""

    def find_by_content(self, content_id: str) -> str | None:
        """The article whose current or any earlier text has content id ``content_id``."""
        row = self.db.execute(
            "SELECT id FROM articles WHERE id = ? UNION ALL SELECT article_id FROM article_versions WHERE content_id = ? LIMIT 1",
            (content_id, content_id),
        ).fetchone()
        return row[0] if row else None

    def find_by_origin(self, url: str | None, guid: str | None = None, feed: str | None = None, file: str | None = None) -> str | None:
        """The first stored article from this origin (see `origin_articles`), if any."""
        found = self.origin_articles(url, guid, feed, file)
        return found[0] if found else None

    def origin_articles(self, url: str | None, guid: str | None = None, feed: str | None = None, file: str | None = None) -> list[str]:
        """The stored articles from this origin, oldest first: those with this URL, else with this
        entry id (GUID) in the same feed, else read from this file (its absolute path)."""
        if url:
            rows = self.db.execute("SELECT id FROM articles WHERE url = ? ORDER BY seq", (url,)).fetchall()
            if rows:
                return [r[0] for r in rows]
        if guid:
            rows = self.db.execute(
                "SELECT id FROM articles WHERE json_extract(record, '$.metadata.guid') = ? AND json_extract(record, '$.metadata.feed') IS ? ORDER BY seq",
                (guid, feed),
            ).fetchall()
            if rows:
                return [r[0] for r in rows]
        if file:
            rows = self.db.execute("SELECT id FROM articles WHERE json_extract(record, '$.metadata.file') = ? ORDER BY seq", (file,)).fetchall()
            return [r[0] for r in rows]
        return []

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
        record = dump_record(article)
        self.db.execute(
            "INSERT INTO article_versions (article_id, version, content_id, stored_at, record) VALUES (?, ?, ?, ?, ?)",
            (article.id, version, content_id, now_seconds(), record),
        )
        # The URL is left alone: another stored article may hold the new one (articles.url is unique).
        self.db.execute(
            "UPDATE articles SET title = ?, outlet = ?, published = ?, record = ? WHERE id = ?",
            (article.title, article.outlet, article.published.isoformat() if article.published else None, record, article.id),
        )
        index_article(self.db, article.as_dict())
        return version

    def add_watch_source(self, source: str, *, kept: bool) -> bool:
        """Record a watched source; ``kept`` when the user added it (``storyline sources add``). True when new."""
        cur = self.db.execute("INSERT OR IGNORE INTO watch_sources (source, added_at, kept) VALUES (?, ?, ?)", (source, now_seconds(), int(kept)))
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
        self.db.execute("INSERT OR IGNORE INTO watch_sources (source, added_at, kept) VALUES (?, ?, 0)", (source, now_seconds()))
        self.db.execute("UPDATE watch_sources SET state = ? WHERE source = ?", (json.dumps(state, ensure_ascii=False, sort_keys=True), source))

    def add_watch(self, term: str, kind: str, name: str) -> tuple[int, bool]:
        """(id, whether it is new) of the watchlist entry for ``name`` of ``kind`` (entity or keyword)."""
        cur = self.db.execute("INSERT OR IGNORE INTO watchlist (term, kind, name, added_at) VALUES (?, ?, ?, ?)", (term, kind, name, now_seconds()))
        row = self.db.execute("SELECT id FROM watchlist WHERE kind = ? AND name = ?", (kind, name)).fetchone()
        return row[0], cur.rowcount > 0

    def watchlist(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT id, term, kind, name, added_at FROM watchlist ORDER BY id")]

    def remove_watch(self, term: str) -> int:
        """Remove entries whose term or name is ``term`` (case-insensitive), or whose id it is."""
        return self.db.execute(
            "DELETE FROM watchlist WHERE lower(term) = lower(?) OR lower(name) = lower(?) OR CAST(id AS TEXT) = ?", (term, term, term)
        ).rowcount

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

    def mark_alerts_seen(self, ids: list[int] | None) -> int:
        """Mark the alerts ``ids`` (every one not seen yet when None) as seen; how many changed."""
        if ids is None:
            return self.db.execute("UPDATE alerts SET seen_at = ? WHERE seen_at IS NULL", (now_precise(),)).rowcount
        now = now_precise()
        known = [i for i in ids if 0 < i < 2**63]  # beyond SQLite's integers there is no alert
        return sum(self.db.execute("UPDATE alerts SET seen_at = ? WHERE id = ? AND seen_at IS NULL", (now, i)).rowcount for i in known)

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
