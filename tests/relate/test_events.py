"""The event each article's lead reports, read once by the relate stage into `Story.article_events`."""

from __future__ import annotations

from storyline.lead_event import lead_event, text_id
from storyline.models import Span, TimeMention
from tests.conftest import seed_path


def test_story_records_keep_each_article_event_with_spans_that_verify(seeds_storyline):
    sl = seeds_storyline
    articles = {a.id: a for a in sl.reader.iter_articles()}
    seed_of = {a.id: p for p in ("000", "001", "002", "003", "004") for a in articles.values() if a.text[:60] in seed_path(p).read_text(encoding="utf-8")}
    events = {a: e for story in sl.reader.list_stories() for a, e in story.article_events.items()}
    assert set(events) == set(articles)
    places = {seed_of[a]: e["place"] for a, e in events.items()}
    assert places == {"000": None, "001": "Florida", "002": "Geneva", "003": "Florida", "004": "Florida"}
    for article_id, event in events.items():
        assert event["text_id"] == text_id(articles[article_id])
        if event["place_span"] is not None:
            span = Span.from_dict(event["place_span"])
            assert span.article_id == article_id and articles[article_id].text[span.start : span.end] == span.text == event["place"]
        if event["date_span"] is not None:
            when = TimeMention.from_dict(event["date_span"]).span
            assert articles[article_id].text[when.start : when.end] == when.text
    # One definition: what the store keeps is what the lead reads.
    for record in sl.store.iter_enriched(list(events)):
        assert {k: v for k, v in events[record.article.id].items() if k != "day"} == lead_event(record)
