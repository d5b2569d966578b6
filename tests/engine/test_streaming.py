"""Ingest streams: inputs are read as batches are enriched, stories grow while later batches
are enriched, and the result equals one relate over everything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storyline.api
from storyline import Storyline
from storyline.ingest import estimate_items
from storyline.models import Article
from storyline.settings import Settings
from tests.conftest import SHARED_DATA, SEEDS

N = 24


@pytest.fixture(scope="module")
def ecb_articles() -> list[Article]:
    rows = []
    with open(SHARED_DATA / "ecbplus" / "ecbplus.dev.jsonl", encoding="utf-8") as f:
        for line in f:
            rows.append(json.loads(line))
            if len(rows) == N:
                break
    return [Article(id=r["doc_id"], text=r["text"], source=f"ecbplus:{r['doc_id']}") for r in rows]


def _groups(sl: Storyline) -> list[list[str]]:
    return sorted(sorted(s.article_ids) for s in sl.reader.list_stories())


def test_stories_grow_while_later_batches_enrich_and_equal_one_relate(tmp_path: Path, ecb_articles: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(workers=1, batch_size=4)
    with Storyline(tmp_path / "whole.db", settings) as sl:
        sl.ingest_articles(list(ecb_articles))
        expected = _groups(sl)

    monkeypatch.setattr(storyline.api, "RELATE_EVERY", 8)
    seen_at_progress: list[tuple[int, int]] = []

    with Storyline(tmp_path / "stream.db", settings) as sl:

        def progress(n: int) -> None:
            grouped = sum(len(s.article_ids) for s in sl.reader.list_stories())
            seen_at_progress.append((n, grouped))

        report = sl.ingest_articles(iter(ecb_articles), progress=progress)
        assert len(report.ingested) == N and report.failed == 0
        assert _groups(sl) == expected  # relating in chunks of 8 changes nothing
    # Stories were there before the last batch was stored.
    assert any(grouped > 0 for _, grouped in seen_at_progress[:-1])
    assert seen_at_progress[-1][1] < N


def test_large_inputs_are_read_only_a_batch_window_ahead(tmp_path: Path, ecb_articles: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(workers=1, batch_size=4, parallel_min_articles=4, enrich_components=("sentences",))
    read: list[str] = []

    def articles():
        for article in ecb_articles:
            read.append(article.id)
            yield article

    first_store: list[int] = []
    with Storyline(tmp_path / "lazy.db", settings) as sl:
        report = sl.ingest_articles(articles(), progress=lambda n: first_store.append(len(read)))
        assert len(report.ingested) == N
    assert first_store[0] < N  # the first batch was stored before the last article was read


def test_progress_total_is_counted_without_reading(tmp_path: Path) -> None:
    jsonl = tmp_path / "day.jsonl"
    jsonl.write_text('{"text": "a"}\n{"text": "b"}\n\n{"text": "c"}', encoding="utf-8")
    seeds = sorted(p for p in SEEDS.iterdir() if not p.name.startswith("."))
    # Lines of a JSONL file (a blank one too: an estimate), one per other file.
    assert estimate_items([str(jsonl)]) == 4
    assert estimate_items([str(SEEDS), str(jsonl)]) == len(seeds) + 4
    assert estimate_items(["-"], stdin=b'{"text": "a"}\n{"text": "b"}\n') == 2
