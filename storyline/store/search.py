"""Search: the FTS5 index over articles, quotes and entities, kept in sync on every write, and its queries."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from storyline.reader import SNIPPET_END, SNIPPET_START, ArticleHit, EntityHit, EntityOccurrence, QuoteHit
from storyline.store.common import StorePart



def fts_query(text: str) -> str | None:
    """A safe FTS5 query from what a person typed: every word must match, the last as a prefix."""
    words = re.findall(r"\w+", text)
    if not words:
        return None
    return " ".join(f'"{w}"' for w in words[:-1]) + (" " if len(words) > 1 else "") + f'"{words[-1]}"*'


def index_article(db: sqlite3.Connection, article: dict[str, Any], *, fresh: bool = False) -> None:
    # ``fresh``: the article was just inserted, so there is nothing to delete. The delete scans
    # the whole FTS table (article_id is UNINDEXED), which made each insert O(store size).
    if not fresh:
        db.execute("DELETE FROM articles_fts WHERE article_id = ?", (article["id"],))
    db.execute(
        "INSERT INTO articles_fts (article_id, title, text, outlet) VALUES (?, ?, ?, ?)",
        (article["id"], article.get("title") or "", article.get("text") or "", article.get("outlet") or ""),
    )


def index_enrichment(db: sqlite3.Connection, article_id: str, enrichment: dict[str, Any], *, fresh: bool = False) -> None:
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


class SearchIndex(StorePart):
    """Full-text search and entity look-ups (``articles_fts``, ``quotes_fts``, ``entities_fts``, ``article_entities``)."""

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

    def search_articles(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[ArticleHit]]:
        """Full-text search over article titles, text and outlets, best first, with a marked snippet."""
        total, rows = self._fts_page("articles_fts", "f.article_id, a.title, a.outlet, a.published", 2, 24, query, limit, offset)
        return total, [ArticleHit(**r) for r in rows]

    def search_quotes(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[QuoteHit]]:
        """Full-text search over quotes and their speakers, best first."""
        columns = "f.article_id, f.start, f.end, f.speaker, f.text, a.title, a.outlet"
        total, rows = self._fts_page("quotes_fts", columns, 4, 32, query, limit, offset)
        return total, [QuoteHit(**{**dict(r), "start": int(r["start"]), "end": int(r["end"]), "speaker": r["speaker"] or None}) for r in rows]

    def search_entities(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[EntityHit]]:
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
            EntityHit(
                name=r["name"],
                label=r["label"],
                articles=r["articles"],
                mentions=int(r["mentions"]),
                roles=sorted({x.strip() for x in (r["roles"] or "").split(";") if x.strip()}),
            )
            for r in rows
        ]

    def entity_articles(self, name: str) -> list[EntityOccurrence]:
        """The articles naming the entity ``name`` (its fullest form in each article), with label and mentions."""
        rows = self.db.execute(
            """SELECT e.article_id, e.label, e.mentions FROM article_entities e JOIN articles a ON a.id = e.article_id
            WHERE e.name = ? ORDER BY a.seq""",
            (name,),
        )
        return [EntityOccurrence(**r) for r in rows]

    def entity_names(self, name: str) -> list[tuple[str, str, int]]:
        """Entity names stored for ``name`` ignoring case: (name, label, articles), most articles first."""
        rows = self.db.execute(
            "SELECT name, label, COUNT(DISTINCT article_id) FROM article_entities WHERE name = ? COLLATE NOCASE GROUP BY name, label ORDER BY 3 DESC, name",
            (name,),
        )
        return [(r[0], r[1], r[2]) for r in rows]
