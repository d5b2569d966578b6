"""One event told by outlets of different leanings is one story; look-alike events stay apart.

Real AllSides and NeuS roundups (``../shared/data/allsides``, ``../shared/data/neus``): a left-,
a centre- and a right-rated outlet's title and ~90-word opening excerpt of one event.
"""

from __future__ import annotations

import json

import pytest

from storyline import Storyline
from storyline.models import EnrichedArticle
from storyline.relate.clusterer import group_stories
from storyline.settings import DEFAULT_SETTINGS
from tests.conftest import SHARED_DATA, seed_path

ALLSIDES = SHARED_DATA / "allsides" / "allsides.dev.jsonl"
NEUS = SHARED_DATA / "neus" / "neus.dev.jsonl"

# Two pairs of same-topic events days apart, each merged into one story before the pair model
# had sentence vectors and publication gaps: Merck's antiviral pill (the trial result on Oct 1,
# the request for emergency approval on Oct 11) and the January 6 panel (Biden waives executive
# privilege on Oct 8, the panel subpoenas Jeffrey Clark on Oct 14).
MERCK = ("allsides-5653", "allsides-5629")
JANUARY_6 = ("allsides-5632", "allsides-5619")
# NeuS events (no dates) whose three excerpts share few words but report one thing, split into
# two or three stories before: Trump mocks Greta Thunberg; the CBO's debt projection; Trump's
# test in the Ohio special election. Two more that split until the pair model compared headlines
# (`sem_title`): explosions at the flooded Texas chemical plant; the bipartisan police-overhaul deal.
NEUS_EVENTS = (81, 268, 297, 48, 150)


def _lines(path, keep):
    return [row for row in (json.loads(line) for line in path.open(encoding="utf-8")) if keep(row)]


@pytest.fixture(scope="module")
def allsides_store(tmp_path_factory: pytest.TempPathFactory):
    """The four AllSides events ingested as a user would: one JSONL file, in date order."""
    wanted = set(MERCK + JANUARY_6)
    rows = _lines(ALLSIDES, lambda row: row["id"] in wanted)
    records = sorted(
        ({"title": a["title"], "text": a["text"], "outlet": a["outlet"], "published": a["date"], "event": row["id"]} for row in rows for a in row["articles"]),
        key=lambda r: r["published"],
    )
    folder = tmp_path_factory.mktemp("allsides")
    source = folder / "roundups.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with Storyline(folder / "allsides.db") as sl:
        report = sl.ingest([str(source)])
        assert report.failed == 0, report.errors
        story_of = {a.metadata["event"] + ":" + (a.outlet or ""): sl.store.story_of(a.id) for a in sl.reader.iter_articles()}
    return story_of


def _stories(story_of: dict[str, str], event: str) -> set[str]:
    return {story for key, story in story_of.items() if key.startswith(event + ":")}


@pytest.mark.parametrize("event", MERCK + JANUARY_6)
def test_an_allsides_event_told_by_three_outlets_is_one_story(allsides_store, event):
    assert len([k for k in allsides_store if k.startswith(event + ":")]) == 3
    assert len(_stories(allsides_store, event)) == 1


@pytest.mark.parametrize("pair", [MERCK, JANUARY_6], ids=["merck-pill", "january-6-panel"])
def test_same_topic_events_days_apart_stay_apart(allsides_store, pair):
    first, second = pair
    assert _stories(allsides_store, first).isdisjoint(_stories(allsides_store, second))


@pytest.fixture(scope="module")
def neus_events() -> list[list[EnrichedArticle]]:
    from storyline.enrich import Enricher
    from storyline.ingest.readers.jsonl import article_from_record

    rows = _lines(NEUS, lambda row: True)
    enricher = Enricher(DEFAULT_SETTINGS)
    events = []
    for index in NEUS_EVENTS:
        articles = [article_from_record({"title": a["title"], "text": a["text"], "outlet": a["outlet"]}, source="neus") for a in rows[index]["articles"]]
        events.append([r for r in enricher.enrich(articles) if isinstance(r, EnrichedArticle)])
    return events


@pytest.mark.parametrize("position", range(len(NEUS_EVENTS)), ids=[f"neus-{i}" for i in NEUS_EVENTS])
def test_a_neus_event_in_a_fresh_store_is_one_story(neus_events, position):
    records = neus_events[position]
    assert len(records) == 3
    stories = group_stories(records, DEFAULT_SETTINGS)
    assert len(stories) == 1, [s.article_ids for s in stories]


def test_evidence_stored_before_the_centring_is_centred_when_weighed():
    """Stores built before the sentence vectors were centred keep uncentred packed vectors (and no
    ``sem_centred``); weighed, they must land where the centred ones of the same texts land, so an
    older store's articles and new ones are compared alike."""
    import base64

    import numpy as np

    from storyline.relate.evidence import Evidence, weigh
    from storyline.relate.idf import DocFreq
    from storyline.relate.semantic import SCALE, raw_vectors, text_vectors, unpack

    texts = [seed_path(p).read_text(encoding="utf-8")[:600] for p in ("001", "002", "003")]
    old = [base64.b64encode(np.round(v * SCALE).astype(np.int8).tobytes()).decode("ascii") for v in raw_vectors(texts)]
    new = text_vectors(texts)
    blocks = {name: {} for name in ("terms", "lede", "per", "act", "pla", "num", "tim")}
    stored = Evidence.from_json({**blocks, "years": [], "sem_lede": old[0], "sem_text": old[1], "sem_title": old[2]})
    fresh = Evidence.from_json({**blocks, "years": [], "sem_lede": new[0], "sem_text": new[1], "sem_title": new[2], "sem_centred": True})
    assert not stored.sem_centred and fresh.sem_centred
    a, b = weigh(stored, DocFreq()), weigh(fresh, DocFreq())
    for x, y in ((a.sem_lede, b.sem_lede), (a.sem_text, b.sem_text), (a.sem_title, b.sem_title)):
        assert float(np.dot(x, y)) > 0.99
    # Unpacked as if centred, the old vectors would be far off: the centring is what the test checks.
    assert float(np.dot(unpack(old[0]), b.sem_lede)) < 0.9
