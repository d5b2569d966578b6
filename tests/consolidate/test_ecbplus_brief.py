"""Briefs of real multi-outlet stories from ECB+ dev: every span verifies, events stay apart."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from storyline import Storyline
from storyline.models import Article
from tests.conftest import SHARED_DATA
from tests.consolidate.conftest import checked

DEV = SHARED_DATA / "ecbplus" / "ecbplus.dev.jsonl"


@pytest.fixture(scope="module")
def ecb_story(tmp_path_factory):
    """The smallest dev topic's two event clusters (two look-alike events), ingested as one store."""
    docs = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    by_topic = defaultdict(list)
    for d in docs:
        by_topic[d["topic"]].append(d)
    topic = min(by_topic, key=lambda t: len(by_topic[t]))
    with Storyline(tmp_path_factory.mktemp("ecb") / "ecb.db") as sl:
        articles = [Article(id=f"ecb{d['doc_id']}", text=d["text"], outlet=d["doc_id"], url=d["url"], source=d["doc_id"]) for d in by_topic[topic][:12]]
        sl.ingest_articles(articles)
        yield sl


def test_every_ecbplus_brief_passes_the_span_check(ecb_story):
    articles = {a.id: a for a in ecb_story.articles()}
    stories = ecb_story.stories()
    assert stories
    for story in stories:
        brief = checked(ecb_story.brief(story.id), articles)
        assert brief.summary
        for claim in brief.claims:
            assert 1 <= claim.independent_sources <= len(set(claim.article_ids))
