"""The seed articles enriched once per session, read back from the store as stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline import Storyline
from storyline.models import EnrichedArticle
from tests.conftest import seed_path


@pytest.fixture(scope="session")
def seed_records(seeds_db: Path) -> dict[str, EnrichedArticle]:
    """Enriched seed articles keyed by seed prefix ("000" ... "004"), as the store holds them."""
    with Storyline(seeds_db) as sl:
        by_source = {}
        for article in sl.reader.iter_articles():
            prefix = Path((article.source or "").split(":", 1)[-1]).name[:3]
            by_source[prefix] = sl.enriched(article.id)
    assert len(by_source) == 5, sorted(by_source)
    return by_source


@pytest.fixture(scope="session")
def dated_003(tmp_path_factory: pytest.TempPathFactory) -> EnrichedArticle:
    """Seed 003 given with its published date (2025-12-01) as JSONL metadata."""
    title, _, body = seed_path("003").read_text(encoding="utf-8").partition("\n")
    path = tmp_path_factory.mktemp("dated") / "003.jsonl"
    path.write_text(json.dumps({"title": title, "text": body, "published": "2025-12-01T09:00:00+00:00"}) + "\n", encoding="utf-8")
    with Storyline(path.parent / "dated.db") as sl:
        report = sl.ingest([str(path)])
        assert report.failed == 0, report.errors
        (article,) = list(sl.reader.iter_articles())
        return sl.enriched(article.id)
