"""The brief cache: one brief per story, valid for one fingerprint of what it was built from."""

from __future__ import annotations

import json

from storyline.models import Brief
from storyline.store.common import StorePart, dump_record, now_seconds


class BriefCache(StorePart):
    """The ``briefs`` table."""

    def save_brief(self, brief: Brief, fingerprint: str) -> None:
        """Cache ``brief``; a read-only store (browsed, not written) builds it again when asked."""
        if self.read_only:
            return
        self.db.execute(
            "INSERT OR REPLACE INTO briefs (story_id, fingerprint, built_at, record) VALUES (?, ?, ?, ?)",
            (brief.story_id, fingerprint, now_seconds(), dump_record(brief)),
        )

    def get_brief(self, story_id: str, fingerprint: str) -> Brief | None:
        """The cached brief, if it was built from the same articles (same ``fingerprint``)."""
        row = self.db.execute("SELECT fingerprint, record FROM briefs WHERE story_id = ?", (story_id,)).fetchone()
        if row is None or row[0] != fingerprint:
            return None
        return Brief.from_dict(json.loads(row[1]))

    def last_brief(self, story_id: str) -> Brief | None:
        """The brief last built for the story, whatever it was built from (None when never built)."""
        row = self.db.execute("SELECT record FROM briefs WHERE story_id = ?", (story_id,)).fetchone()
        return None if row is None else Brief.from_dict(json.loads(row[0]))
