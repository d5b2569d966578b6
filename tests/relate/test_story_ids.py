"""Story ids keep the event they were published for (issue 21): a split keeps the id with the
part holding the story's founders, a merge keeps the older id, and a merged-away id still
resolves (the store, `storyline show`, and a redirect in the web UI and the API)."""

from __future__ import annotations

import json
from datetime import datetime

from fastapi.testclient import TestClient

from storyline import Storyline
from storyline.cli import cli
from storyline.ingest.identity import article_id
from storyline.models import Article
from storyline.serve.web.app import create_app
from tests.conftest import SHARED_DATA


def _ecbplus(topic: int, subtopic: str, count: int) -> list[Article]:
    """The first ``count`` articles of one ECB+ train event, in file order."""
    rows = [json.loads(line) for line in (SHARED_DATA / "ecbplus" / "ecbplus.train.jsonl").open(encoding="utf-8")]
    chosen = [r for r in rows if r["topic"] == topic and r["subtopic"] == subtopic][:count]
    return [Article(id=r["doc_id"], text=r["text"], source="ecbplus") for r in chosen]


def _rahman() -> list[Article]:
    """Three reports of Klitschko beating Rahman (ECB+ train 7_1, 7_3 and 7_5ecb). Not the first
    three in file order: 7_2ecb is a 184-character brief that the tree pair model keeps apart
    from longer reports, and these tests are about ids, not about that brief."""
    wanted = ("7_1ecb", "7_3ecb", "7_5ecb")
    return [a for a in _ecbplus(7, "ecb", 5) if a.id in wanted]


def test_six_later_reports_of_a_look_alike_event_never_take_a_published_id(tmp_path):
    """The Geneva case on real text: three reports of Klitschko beating Rahman are published as
    one story; six reports of Klitschko beating Thompson, years later, then arrive together and
    at first join it. The regroup that tells the two fights apart leaves the published id on
    the Rahman fight (before: the id went to the larger part, the six Thompson reports)."""
    rahman, thompson = _rahman(), _ecbplus(7, "ecbplus", 6)
    with Storyline(tmp_path / "boxing.db") as sl:
        sl.ingest_articles(rahman)
        [published] = sl.reader.list_stories()
        assert set(published.article_ids) == {a.id for a in rahman}
        sl.ingest_articles(thompson)
        story = sl.story(published.id)
        assert story.id == published.id
        assert set(story.article_ids) == {a.id for a in rahman}
        others = [s for s in sl.reader.list_stories() if s.id != published.id]
        assert {a for s in others for a in s.article_ids} == {a.id for a in thompson}


def test_a_merge_keeps_the_older_id_and_the_merged_away_id_still_resolves(tmp_path, runner):
    """ECB+ train topic 31 (Tyler Hansbrough breaks North Carolina's scoring record), last report
    first: three reports are published, then the eleven others arrive one at a time; one starts a
    story of its own until a later report bridges them. The first story's id survives the merge
    (before: the larger story's id did); the id merged away leads to the story holding its article,
    in the store, in `storyline show`, and as a redirect in the web UI and the API. (Earlier pair
    models merged here on topic 27's IE patches; with centred sentence vectors each of those joins
    the published story as it arrives, so that case no longer merged anything.)"""
    reports = _ecbplus(31, "ecb", 14)[::-1]
    first, later = reports[:3], reports[3:]
    db = tmp_path / "patch.db"
    published: dict[str, set[str]] = {}
    with Storyline(db) as sl:
        sl.ingest_articles(first)
        [oldest] = [s.id for s in sl.reader.list_stories()]
        for article in later:
            sl.ingest_articles([article])
            for story in sl.reader.list_stories():
                published.setdefault(story.id, set(story.article_ids))
        assert sl.story(oldest).id == oldest and {a.id for a in first} <= set(sl.story(oldest).article_ids)
        merged_away = [sid for sid in published if sid not in {s.id for s in sl.reader.list_stories()}]
        assert merged_away, "no published id was merged away: the case no longer exercises a merge"
        for sid in merged_away:
            target = sl.story(sid)
            assert target.id != sid and published[sid] & set(target.article_ids)
        alias, target_id = merged_away[0], sl.story(merged_away[0]).id
    shown = runner.invoke(cli, ["--db", str(db), "show", alias])
    assert shown.exit_code == 0, shown.output
    assert f"{alias} was merged into {target_id}" in shown.stderr
    with TestClient(create_app(db)) as client:
        page = client.get(f"/stories/{alias}?x=1", follow_redirects=False)
        assert page.status_code == 308 and page.headers["location"] == f"/stories/{target_id}?x=1"
        api = client.get(f"/api/stories/{alias}", follow_redirects=False)
        assert api.status_code == 308 and api.headers["location"] == f"/api/stories/{target_id}"
        assert client.get(f"/api/stories/{alias}").json()["story_id"] == target_id
        assert client.get(f"/stories/{target_id}", follow_redirects=False).status_code == 200
        assert client.get("/stories/snosuchstory", follow_redirects=False).status_code == 404


def test_a_regroup_keeps_ids_and_creation_times_for_the_same_partition(tmp_path):
    """`Storyline.regroup` forgets the relate state and streams every article again in one go,
    where no story is published between the two fights: without carrying ids over, the rebuilt
    Rahman story would take a fresh id and the Thompson story the Rahman story's (both seen
    before). The same partition gets the same ids and creation times, and old ids resolve."""
    rahman, thompson = _rahman(), _ecbplus(7, "ecbplus", 6)
    with Storyline(tmp_path / "boxing.db") as sl:
        sl.ingest_articles(rahman)
        sl.ingest_articles(thompson)
        before = {s.id: set(s.article_ids) for s in sl.reader.list_stories()}
        assert sorted(map(len, before.values())) == [3, 6]
        times = {sid: sl.store.story_times(sid)[0] for sid in before}
        known = dict(sl.store.db.execute("SELECT story_id, json_extract(profile, '$.merged_into') FROM relate_stories"))
        sl.regroup()
        assert {s.id: set(s.article_ids) for s in sl.reader.list_stories()} == before
        assert {sid: sl.store.story_times(sid)[0] for sid in before} == times
        for sid, merged_into in known.items():
            assert sl.story(sid).id in before
            assert merged_into or sl.story(sid).id == sid


def test_the_seeds_keep_their_id_after_six_reports_of_talks_in_geneva_a_week_earlier(seeds_storyline):
    """The issue's case with the Geneva reports we have: six AllSides excerpts (left, centre and
    right outlets) on the Biden–Putin summit in Geneva, dated a week before the seeds. The seeds'
    story id still holds the five seeds. (Today's pair model keeps the summit apart from the
    seeds; this guards the id once a model brings Geneva talks closer.)"""
    sl = seeds_storyline
    [seeds] = sl.reader.list_stories()
    rows = [json.loads(line) for line in (SHARED_DATA / "allsides" / "allsides.dev.jsonl").open(encoding="utf-8")]
    wanted = ("Biden, Putin say progress made in Geneva", "Biden snaps at reporter over Putin question")
    events = [r for r in rows if any(a["title"].startswith(wanted) for a in r["articles"])]
    geneva = [
        Article(id="", text=a["text"], title=a["title"], outlet=a["outlet"], url=a["url"], published=datetime(2025, 11, 23, 12))
        for r in events
        for a in r["articles"]
    ]
    assert len(geneva) == 6
    sl.ingest_articles([Article(**{**a.__dict__, "id": article_id(a.text)}) for a in geneva])
    story = sl.story(seeds.id)
    assert story.id == seeds.id and set(seeds.article_ids) <= set(story.article_ids)


def test_the_older_story_keeps_its_id_when_a_larger_younger_one_merges_with_it():
    """The merge rule under a model where words alone decide (as `test_a_bridging_article_merges_
    two_stories`), so it holds whatever the learnt model: the harbour story is older, the school
    story larger; the bridging report merges them and the harbour id survives (before: the
    larger story's id did). The school id is an alias of it, also after a flush."""
    from storyline.relate import MemoryState, StoryClusterer
    from storyline.relate.pairs import FEATURES, PairModel
    from storyline.settings import DEFAULT_SETTINGS
    from tests.relate.test_relate import _record

    model = PairModel(tuple(30.0 if f == "terms" else 0.0 for f in FEATURES), -12.0)
    state = MemoryState()
    clusterer = StoryClusterer(state, DEFAULT_SETTINGS.with_(story_similarity_threshold=0.45), model=model)
    harbour = "harbour council vote dredging budget ferries"
    school = "school district strike teachers salaries classrooms"
    assert clusterer.add(_record("harbour1", [harbour])).new
    clusterer.flush()
    assert clusterer.add(_record("school1", [school])).new
    assert not clusterer.add(_record("school2", [school + " pay"])).new
    assert not clusterer.add(_record("school3", [school + " talks"])).new
    clusterer.flush()
    bridge = clusterer.add(_record("bridge1", [harbour + " " + school]))
    clusterer.flush()
    assert bridge.story_id == "sharbour1" and "sschool1" in bridge.merged
    survivor = StoryClusterer(state, DEFAULT_SETTINGS, model=model).profile("sschool1")
    assert survivor is not None and survivor.id == "sharbour1"
    assert sorted(survivor.article_ids) == ["bridge1", "harbour1", "school1", "school2", "school3"]


def test_articles_dated_in_year_1_and_9999_are_grouped_without_an_overflow(tmp_path):
    # A story's window is its first and last day plus or minus two weeks: from a story dated
    # 0001-01-02, "first day - window" is before year 1. A fuzzed feed with such a date made
    # every later ingest into that store fail (`python -m bench reliability`, path part).
    text = "The city council approved the new harbour budget on Tuesday after a long debate. " * 3
    early = Article(id="early", text=text, title="Council approves harbour budget", published=datetime(1, 1, 2))
    late = Article(id="late", text=text.replace("Tuesday", "Monday"), title="Harbour budget", published=datetime(9999, 12, 30))
    later = Article(id="today", text=text.replace("harbour", "port"), title="Port budget", published=datetime(2025, 11, 30))
    with Storyline(tmp_path / "odd-dates.db") as sl:
        sl.ingest_articles([early])
        sl.ingest_articles([late])
        report = sl.ingest_articles([later])
        assert report.ingested == ["today"]
        assert sl.reader.count_articles() == 3
        assert len({sl.reader.story_of(a) for a in ("early", "late", "today")}) == 3
