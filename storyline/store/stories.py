"""Stories, their articles and change times, and the relations between articles."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from storyline.errors import NotFound
from storyline.models import Relation, Story
from storyline.reader import StoryListing
from storyline.dates import iso_utc
from storyline.store.common import StorePart, dump_record, now_precise
from storyline.store.common import like_prefix


class StoryTables(StorePart):
    """The ``stories``, ``story_articles`` and ``relations`` tables."""

    def replace_stories(self, stories: Iterable[Story]) -> None:
        """Make ``stories`` the store's stories (the relate stage owns the grouping)."""
        self.db.execute("DELETE FROM story_articles")
        self.db.execute("DELETE FROM stories")
        for story in stories:
            self.save_story(story)

    def save_story(self, story: Story) -> None:
        record = dump_record(story)
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
            rows = self.db.execute("SELECT record FROM stories WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (like_prefix(story_id),)).fetchall()
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
    ) -> tuple[int, list[StoryListing]]:
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
                 WHERE sa.story_id = s.id AND a.outlet IS NOT NULL) AS outlets,
                (SELECT COUNT(*) FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                 WHERE sa.story_id = s.id AND a.outlet IS NULL) AS unnamed_outlet_articles
            FROM stories s WHERE {' AND '.join(where)} ORDER BY {order} LIMIT :limit OFFSET :offset""",
            params,
        ).fetchall()
        return total, [
            StoryListing(
                id=r["id"],
                title=r["title"],
                size=r["size"],
                outlets=sorted(json.loads(r["outlets"] or "[]")),
                unnamed_outlet_articles=r["unnamed_outlet_articles"],
                first_seen=r["first_seen"],
                last_seen=r["last_seen"],
                updated_at=r["updated_at"],
            )
            for r in rows
        ]

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

    def story_alias_target(self, story_id: str) -> str | None:
        """The live story a merged story's id now stands for (following merges), or None."""
        current = story_id
        for _ in range(64):
            row = self.db.execute("SELECT json_extract(profile, '$.merged_into') FROM relate_stories WHERE story_id = ?", (current,)).fetchone()
            if row is None or not row[0]:
                return current if current != story_id else None
            current = row[0]
        return None

    def story_id_state(self) -> dict[str, tuple[str | None, list[str]]]:
        """Every story id the relate state knows: id -> (the id it was merged into, its founders)."""
        rows = self.db.execute("SELECT story_id, json_extract(profile, '$.merged_into'), json_extract(profile, '$.founders') FROM relate_stories")
        return {r[0]: (r[1], json.loads(r[2]) if r[2] else []) for r in rows}

    def rename_stories(
        self,
        renames: Mapping[str, str],
        aliases: Mapping[str, str],
        founders: Mapping[str, list[str]],
        times: Mapping[str, tuple[str | None, str | None, frozenset[str]]],
    ) -> None:
        """Give stories the ids ``renames`` says, everywhere they appear (stories, links, the relate
        state); keep each of ``aliases`` (old id -> id) resolving, set the stories' ``founders``,
        and give back each id's (created_at, updated_at) from ``times`` (updated_at only when its
        articles are the same). `Storyline.regroup` uses it to keep ids across a rebuild."""

        def swap(story_id: str) -> str:
            return renames.get(story_id, story_id)

        profiles = {r[0]: json.loads(r[1]) for r in self.db.execute("SELECT story_id, profile FROM relate_stories")}
        live = {swap(sid) for sid, p in profiles.items() if not p.get("merged_into")}
        kept: dict[str, dict[str, Any]] = {}
        for sid, profile in profiles.items():
            if profile.get("merged_into"):
                if sid in live or sid in aliases:
                    continue  # an id the rebuild merged away that names a story again, or an old alias
                profile["merged_into"] = swap(profile["merged_into"])
            profile["id"] = swap(sid)
            for key in ("linked", "apart", "absorbed"):
                profile[key] = [swap(x) for x in profile.get(key) or []]
            if profile["id"] in founders:
                profile["founders"] = founders[profile["id"]]
            kept[profile["id"]] = profile
        for alias, target in aliases.items():
            kept[alias] = {"id": alias, "article_ids": [], "merged_into": target}
        self.db.execute("DELETE FROM relate_stories")
        self.db.executemany(
            "INSERT INTO relate_stories (story_id, profile) VALUES (?, ?)",
            [(sid, json.dumps(p, ensure_ascii=False, separators=(",", ":"))) for sid, p in kept.items()],
        )
        moved = [(swap(sid), aid) for aid, sid in self.db.execute("SELECT article_id, story_id FROM relate_articles") if sid in renames]
        self.db.executemany("UPDATE relate_articles SET story_id = ? WHERE article_id = ?", moved)
        stories = self.list_stories()
        self.db.execute("DELETE FROM story_articles")
        self.db.execute("DELETE FROM stories")
        for story in stories:
            story.id = swap(story.id)
            story.linked_story_ids = [swap(x) for x in story.linked_story_ids]
            self.save_story(story)
            if story.id in times:
                created, updated, members = times[story.id]
                if created:
                    self.db.execute("UPDATE stories SET created_at = ? WHERE id = ?", (created, story.id))
                if updated and members == frozenset(story.article_ids):
                    self.db.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (updated, story.id))

    def save_relation(self, relation: Relation) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO relations (article_id, other_id, kind, score, record) VALUES (?, ?, ?, ?, ?)",
            (relation.article_id, relation.other_id, relation.kind, relation.score, dump_record(relation)),
        )

    def relations_for(self, article_ids: Iterable[str]) -> list[Relation]:
        ids = list(article_ids)
        rows = self._select_in(
            "SELECT record FROM relations WHERE article_id IN ({0}) OR other_id IN ({0}) ORDER BY score DESC", ids, repeat=2
        )
        return [Relation.from_dict(json.loads(row[0])) for row in rows]

    def delete_relations_of(self, article_id: str) -> None:
        """Drop an article's near-duplicate and derivation records (their spans point into an old text)."""
        self.db.execute("DELETE FROM relations WHERE article_id = ? OR other_id = ?", (article_id, article_id))
