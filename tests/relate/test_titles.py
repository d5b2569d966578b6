"""Story titles (issue 21): the headline of the best-corroborated article, never one nothing
corroborates; for articles without headlines, a title made from a lead, with its span."""

from __future__ import annotations

import json

import feedparser
from fastapi.testclient import TestClient
from markupsafe import escape

from storyline import Storyline
from storyline.cli import cli
from storyline.relate.titles import corroboration, lead_title
from storyline.serve.web.app import create_app
from tests.conftest import SHARED_DATA, seed_path


def _seed_ids(sl) -> dict[str, str]:
    return {p: a.id for p in ("000", "001", "002", "003", "004") for a in sl.reader.iter_articles() if a.text[:60] in seed_path(p).read_text(encoding="utf-8")}


def test_the_seeds_story_is_not_titled_after_the_article_nothing_corroborates(seeds_storyline):
    sl = seeds_storyline
    ids = _seed_ids(sl)
    [story] = sl.reader.list_stories()
    records = list(sl.reader.iter_enriched(story.article_ids))
    support = corroboration(records, [(r.article_id, r.other_id) for r in sl.reader.relations_for(story.article_ids)])
    # 000 (the one calling Rubio "U.S. Senator") states nothing another source states.
    assert support[ids["000"]] == 0 and all(support[ids[p]] > 0 for p in ("001", "002", "003", "004"))
    assert story.title != sl.article(ids["000"]).title
    # The best-corroborated article of the main event (Florida: 001, 003, 004) names it.
    florida = [r for r in records if story.article_events[r.article.id]["place"] == "Florida"]
    assert {ids[p] for p in ("001", "003", "004")} == {r.article.id for r in florida}
    best = max(support[r.article.id] for r in florida)
    assert story.title in {r.article.title for r in florida if support[r.article.id] == best}
    assert story.title_span is None  # a real headline, not one made from a lead


def test_stories_without_headlines_get_a_cited_title_from_a_lead_everywhere_titles_show(tmp_path, runner):
    """ECB+ dev topic 35 as JSONL without ``title`` (two DUI arrests of Chargers players): each
    story is titled from one of its articles' leads, the span verifies against the stored text,
    and the title is what `storyline stories`, the web list, the API and the Atom feed show."""
    rows = [json.loads(line) for line in (SHARED_DATA / "ecbplus" / "ecbplus.dev.jsonl").open(encoding="utf-8")]
    source = tmp_path / "arrests.jsonl"
    source.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in rows if r["topic"] == 35), encoding="utf-8")
    db = tmp_path / "arrests.db"
    assert runner.invoke(cli, ["--db", str(db), "ingest", str(source)]).exit_code == 0
    with Storyline(db) as sl:
        stories = sl.reader.list_stories()
        assert stories and all(a.title is None for a in sl.reader.iter_articles())
        for story in stories:
            assert story.title and story.title_span is not None, story
            span = story.title_span
            assert span.article_id in story.article_ids and sl.article(span.article_id).text[span.start : span.end] == span.text == story.title
            assert 3 <= len(story.title.split()) <= 16
        titles = {s.id: s.title for s in stories}
    listed = json.loads(runner.invoke(cli, ["--db", str(db), "stories", "--format", "json"]).output)
    assert {s["id"]: s["title"] for s in listed} == titles
    with TestClient(create_app(db)) as client:
        api = client.get("/api/stories", params={"limit": 100}).json()
        assert {s["id"]: s["title"] for s in api["stories"]} == titles
        page = client.get("/", params={"limit": 100}).text
        assert "(untitled)" not in page and all(str(escape(t)) in page for t in titles.values())
        feed = feedparser.parse(client.get("/stories.atom").content)
        assert {e.title for e in feed.entries} == set(titles.values())


def test_a_lead_title_skips_a_dateline_and_stops_at_a_clause(seeds_storyline):
    """Seed 002 has no headline line: its lead title is a clause of its first sentence."""
    sl = seeds_storyline
    record = next(sl.reader.iter_enriched([_seed_ids(sl)["002"]]))
    span = lead_title(record)
    assert span is not None and record.article.text[span.start : span.end] == span.text
    assert 3 <= len(span.text.split()) <= 16 and not span.text.endswith((" of", " the", ",", "."))


def test_corroboration_weighs_sentences_as_scikit_learns_tfidf_vectoriser():
    """Titles compare statements on tf-idf rows built from cached analyses; they must be
    TfidfVectorizer(sublinear_tf=True, stop_words="english")'s on the same sentences."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from storyline.relate.titles import _analyze, _tfidf

    sentences = [s.strip() for p in ("000", "001", "002", "003", "004") for s in seed_path(p).read_text(encoding="utf-8").split(". ") if len(s.split()) >= 6]
    expected = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(sentences).toarray()
    found = _tfidf([_analyze(s) for s in sentences]).toarray()
    assert len(sentences) > 50 and found.shape == expected.shape
    assert np.allclose(found, expected, rtol=0, atol=1e-6)
    # The analysis itself, on what news text holds beyond the seeds' ASCII prose.
    analyzer = TfidfVectorizer(stop_words="english").build_analyzer()
    for text in [*sentences, "Zelenskyy’s aide İlham said: «Ça va» — the U.S.-backed 28-point plan_B, 2025's talks!"]:
        assert _analyze(text) == analyzer(text)
