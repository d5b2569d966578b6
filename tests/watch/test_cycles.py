"""Acceptance: watching real feeds served on 127.0.0.1 across cycles.

One scenario (module scope, enrichment is the slow part): cycle 1 reads TPM's real Atom feed
(ETag) and a feed of three seed articles (Last-Modified); cycle 2 finds nothing new; then the
seed feed gains two articles and one article's text changes; cycle 3 stores exactly that.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from storyline import Storyline
from storyline.consolidate import verify_brief
from storyline.serve.web import create_app
from storyline.settings import Settings
from storyline.watch import Watcher
from tests.watch.conftest import TPM, atom_feed, seed_entry
from tests.watch.server import FeedServer

UPDATE = "Update: the delegations agreed to reconvene in Florida after the weekend, an official said."


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("watch") / "watch.db"
    found: dict[str, Any] = {"db": db}
    with FeedServer() as srv, Storyline(db, Settings(allow_private_addresses=True)) as sl:
        tpm = srv.serve("/tpm.atom", TPM.read_bytes(), content_type="application/atom+xml", validators="etag")
        seeds = srv.serve("/seeds.atom", atom_feed([seed_entry(p) for p in ("000", "001", "002")]), content_type="application/atom+xml", validators="last-modified")
        srv.post_status = [500]  # the webhook's first POST fails: the retry must deliver it
        watcher = Watcher(sl, [tpm, seeds], every=0, delay=0, webhook=srv.url("/hook"), sleep=lambda _: None)

        found["cycle1"] = watcher.cycle()
        found["story_ids_1"] = {story.id for story in sl.reader.list_stories()}
        found["seed_story"] = sl.store.story_of(sl.store.find_by_origin("https://news.example/seeds/000"))
        found["articles_1"] = sl.store.count_articles()
        found["bodies_1"] = dict(srv.bodies)

        found["cycle2"] = watcher.cycle()
        found["articles_2"] = sl.store.count_articles()
        found["bodies_2"] = dict(srv.bodies)
        found["not_modified_2"] = dict(srv.not_modified)
        found["brief_before"] = sl.brief(found["seed_story"])

        time.sleep(0.01)
        found["since"] = datetime.now(timezone.utc)
        found["watch"] = sl.add_to_watchlist("Rubio")
        srv.serve(
            "/seeds.atom",
            atom_feed([seed_entry("000"), seed_entry("001", extra=UPDATE), seed_entry("002"), seed_entry("003"), seed_entry("004")]),
            content_type="application/atom+xml",
            validators="last-modified",
            modified=time.time() + 60,
        )
        found["cycle3"] = watcher.cycle()
        found["changed"] = [c["story"].id for c in sl.story_changes(found["since"])[1]]
        found["first_look"] = sl.alerts()
        found["look_again"] = sl.alerts()  # looking marks nothing
        found["acknowledged"] = sl.acknowledge_alerts(a["id"] for a in found["first_look"])
        found["second_look"] = sl.alerts()
        found["cycle4"] = watcher.cycle()
        found["third_look"] = sl.alerts()
        found["posts"] = [json.loads(body) for body in srv.posts]
        found["updated_id"] = sl.store.find_by_origin("https://news.example/seeds/001")
        found["history"] = sl.article_history(found["updated_id"])
        found["article"] = sl.article(found["updated_id"])
        found["brief_after"] = sl.brief(found["seed_story"])
        found["articles_by_id"] = {a.id: a for a in sl.reader.iter_articles()}
        found["articles_3"] = sl.store.count_articles()
        found["seed_story_after"] = sl.store.story_of(sl.store.find_by_origin("https://news.example/seeds/004"))
        found["search"] = sl.reader.search_articles("reconvene Florida")[1]
        watcher.close()
    return found


def test_first_cycle_stores_every_full_text_entry(scenario: dict[str, Any]) -> None:
    report = scenario["cycle1"]
    assert len(report.new) == 20 + 3  # TPM's 20 full-text entries and the three seed articles
    assert report.errors == []
    assert scenario["articles_1"] == 23
    assert scenario["seed_story"] is not None


def test_second_cycle_with_nothing_new_stores_nothing_and_gets_no_bodies(scenario: dict[str, Any]) -> None:
    report = scenario["cycle2"]
    assert report.new == [] and report.updated == [] and report.duplicates == 0
    assert scenario["articles_2"] == scenario["articles_1"]
    # Each feed body was sent once (cycle 1); cycle 2 got 304 Not Modified for both validators.
    assert scenario["bodies_1"] == {"/tpm.atom": 1, "/seeds.atom": 1}
    assert scenario["bodies_2"] == scenario["bodies_1"]
    assert scenario["not_modified_2"] == {"/tpm.atom": 1, "/seeds.atom": 1}
    assert report.not_modified == 2


def test_a_changed_article_becomes_a_new_version_not_a_second_article(scenario: dict[str, Any]) -> None:
    report = scenario["cycle3"]
    assert report.updated == [scenario["updated_id"]]
    assert len(report.new) == 2
    assert scenario["articles_3"] == scenario["articles_1"] + 2
    history = scenario["history"]
    assert [v["version"] for v in history] == [1, 2]
    assert UPDATE not in history[0]["article"]["text"] and UPDATE in history[1]["article"]["text"]
    assert UPDATE in scenario["article"].text
    assert [row.article_id for row in scenario["search"]] == [scenario["updated_id"]]


def test_the_story_keeps_its_id_as_it_grows_and_its_brief_updates(scenario: dict[str, Any]) -> None:
    story_id = scenario["seed_story"]
    assert scenario["seed_story_after"] == story_id
    before, after = scenario["brief_before"], scenario["brief_after"]
    assert before.story_id == after.story_id == story_id
    assert len(after.articles) == len(before.articles) + 2
    assert verify_brief(after, scenario["articles_by_id"]) == []


def test_since_returns_exactly_the_changed_stories(scenario: dict[str, Any]) -> None:
    assert scenario["changed"] == [scenario["seed_story"]]
    assert scenario["cycle4"].new == [] and scenario["cycle4"].updated == []


def test_a_watchlist_alert_fires_once_and_reaches_the_webhook(scenario: dict[str, Any]) -> None:
    assert scenario["watch"]["kind"] == "entity" and scenario["watch"]["name"] == "Marco Rubio"
    first = scenario["first_look"]
    story_alerts = [a for a in first if a["kind"] == "story"]
    assert [a["story_id"] for a in story_alerts] == [scenario["seed_story"]]
    assert all(a["watch"] == "Rubio" for a in first)
    assert scenario["look_again"] == first and scenario["acknowledged"] == len(first)
    assert scenario["second_look"] == [] and scenario["third_look"] == []
    assert scenario["cycle4"].alerts == []
    # One POST per alert, the failed first attempt retried.
    assert sorted(p["id"] for p in scenario["posts"]) == sorted(a["id"] for a in first)


def test_api_and_atom_feed_of_changes(scenario: dict[str, Any]) -> None:
    since = scenario["since"].isoformat()
    with TestClient(create_app(scenario["db"])) as client:
        page = client.get("/api/stories", params={"since": since, "limit": 1}).json()
        assert page["total"] == 1 and [s["id"] for s in page["stories"]] == [scenario["seed_story"]]
        everything = client.get("/api/stories", params={"since": "2000-01-01T00:00", "limit": 2}).json()
        assert everything["total"] == len(scenario["story_ids_1"] | {scenario["seed_story"]}) and everything["next_url"]
        atom = client.get("/stories.atom", params={"since": since})
        assert atom.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(atom.content)
        assert not parsed.bozo
        assert [e.link.rsplit("/", 1)[-1] for e in parsed.entries] == [scenario["seed_story"]]
        assert parsed.entries[0].summary.startswith("updated: 5 articles")
        assert client.get("/api/alerts").json()["alerts"] == []  # already acknowledged through the Python API
