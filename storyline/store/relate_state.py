"""The relate stage's state: the store's side of `storyline.relate.state.RelateState`."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from storyline.store.common import StorePart


class RelateTables(StorePart):
    """The ``relate_articles``, ``relate_stories`` and ``state`` tables (``tests/relate`` checks the protocol)."""

    def load_relate_index(self) -> tuple[list[str], list[str], Any, dict[str, Any] | None]:
        import numpy as np

        rows = self.db.execute("SELECT article_id, story_id, vector FROM relate_articles ORDER BY seq").fetchall()
        vectors = np.array([np.frombuffer(r[2], dtype=np.float32) for r in rows], dtype=np.float32)
        counted = self.get_state("relate.docfreq_n")
        docfreq = {"n": int(counted), "df": dict(self.db.execute("SELECT key, df FROM relate_docfreq").fetchall())} if counted else None
        return [r[0] for r in rows], [r[1] for r in rows], vectors, docfreq

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

    def save_relate_docfreq(self, n: int, counts: Mapping[str, int]) -> None:
        self.set_state("relate.docfreq_n", str(n))
        self.db.executemany("INSERT OR REPLACE INTO relate_docfreq (key, df) VALUES (?, ?)", counts.items())

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
        self.db.execute("DELETE FROM relate_docfreq")
        self.db.execute("DELETE FROM state WHERE key = 'relate.docfreq_n'")

    def get_state(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: bytes | str) -> None:
        self.db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))
