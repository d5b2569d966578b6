"""The brief takes each article's event from its `Story` record (the relate stage reads it once),
and reads the lead itself when the record lacks it or read an older text."""

from __future__ import annotations

from dataclasses import replace

from storyline.consolidate import build_brief, verify_brief
from storyline.ingest.identity import article_id
from storyline.models import Article, Brief, EnrichedArticle, Story
from tests.consolidate.conftest import SeedStory


def _brief(sl, story: Story) -> tuple[Brief, list[EnrichedArticle]]:
    records = list(sl.store.iter_enriched(story.article_ids))
    return build_brief(story, records, sl.settings, sl.store.relations_for(story.article_ids)), records


def test_the_brief_reads_the_event_its_story_record_holds(seeds_storyline):
    seeds = SeedStory(seeds_storyline)
    story = seeds.story_of("002")
    geneva_id = seeds.by_seed["002"]
    brief, records = _brief(seeds_storyline, story)
    assert {e.place: seeds.seeds(e.article_ids) for e in brief.events}["Geneva"] == {"002"}
    # Point 002's stored event at another place mention of its lead: the brief follows the record.
    record = next(r for r in records if r.article.id == geneva_id)
    other = next(m for m in record.entities if m.label == "GPE" and m.name != "Geneva")
    moved = {**story.article_events[geneva_id], "place": other.name, "place_span": other.span.as_dict()}
    brief, _ = _brief(seeds_storyline, replace(story, article_events={**story.article_events, geneva_id: moved}))
    assert seeds.seeds(next(e for e in brief.events if other.span in e.place_spans).article_ids) == {"002"}
    assert "Geneva" not in {e.place for e in brief.events}


def test_stories_stored_without_the_event_spans_still_get_the_same_brief(seeds_storyline):
    """Stores written before the stories kept the spans hold only ``place`` and ``day``; stories
    made without the relate stage hold nothing: the brief reads the leads itself."""
    seeds = SeedStory(seeds_storyline)
    story = seeds.story_of("001")
    expected, _ = _brief(seeds_storyline, story)
    assert expected.events
    legacy = {a: {"place": "Switzerland", "day": e.get("day")} for a, e in story.article_events.items()}
    with seeds_storyline.store.transaction():
        seeds_storyline.store.save_story(replace(story, article_events=legacy))
    assert seeds_storyline.brief(story.id) == expected
    assert _brief(seeds_storyline, replace(story, article_events={}))[0] == expected


def test_an_article_updated_since_the_relate_stage_read_it_is_read_again(seeds_storyline):
    seeds = SeedStory(seeds_storyline)
    story = seeds.story_of("002")
    expected, _ = _brief(seeds_storyline, story)
    geneva_id = seeds.by_seed["002"]
    # A reading of an older text: its span may no longer be where the place is.
    old = {
        **story.article_events[geneva_id],
        "place": "Moscow",
        "place_span": {"article_id": geneva_id, "start": 0, "end": 6, "text": "Moscow"},
        "text_id": "an older text",
    }
    stale = replace(story, article_events={**story.article_events, geneva_id: old})
    assert _brief(seeds_storyline, stale)[0] == expected


def test_an_updated_article_gets_the_event_of_its_new_text(seeds_storyline):
    """A new version keeps the article's id and story, and is not related again: its stored
    event was read from the old text, so the brief reads the new lead."""
    sl = seeds_storyline
    seeds = SeedStory(sl)
    geneva_id = seeds.by_seed["002"]
    old = sl.article(geneva_id)
    text = "Officials gathered in Paris on Monday. " + old.text
    sl.update_articles({geneva_id: Article(id=article_id(text), text=text, title=old.title, outlet=old.outlet)})
    story = seeds.story_of("002")
    assert story.article_events[geneva_id]["place"] == "Geneva"  # what the relate stage read
    brief = sl.brief(story.id)
    assert {e.place: seeds.seeds(e.article_ids) for e in brief.events}["Paris"] == {"002"}
    assert verify_brief(brief, {a.id: a for a in sl.reader.iter_articles()}) == []
