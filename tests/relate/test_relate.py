"""The relate stage on the seeds: stories, near-duplicates, the 001/004 rewrite with evidence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from storyline.cli import cli
from storyline.models import Article, EnrichedArticle, Span
from storyline.relate import (
    Evidence,
    MemoryState,
    NearDuplicates,
    StoryClusterer,
    align_sentences,
    derivation,
    minhash,
)
from storyline.relate.derivation import direction
from tests.conftest import SHARED_DATA, seed_path


def _id(sl, prefix: str) -> str:
    text = seed_path(prefix).read_text(encoding="utf-8")
    for article in sl.reader.iter_articles():
        if article.text[:60] in text:
            return article.id
    raise AssertionError(prefix)


def test_florida_and_geneva_seeds_are_related(seeds_storyline):
    sl = seeds_storyline
    ids = {p: _id(sl, p) for p in ("001", "002", "003", "004")}
    story_of = {p: sl.store.story_of(i) for p, i in ids.items()}
    assert story_of["001"] == story_of["003"] == story_of["004"]
    florida = sl.story(story_of["001"])
    if story_of["002"] != story_of["001"]:
        assert story_of["002"] in florida.linked_story_ids
        assert story_of["001"] in sl.story(story_of["002"]).linked_story_ids
    events = {**florida.article_events, **sl.story(story_of["002"]).article_events}
    assert events[ids["001"]]["place"] == "Florida"
    assert events[ids["002"]]["place"] in {"Geneva", "Switzerland"}


def test_004_rewrites_001_with_aligned_sentences(seeds_storyline):
    sl = seeds_storyline
    a, b = _id(sl, "001"), _id(sl, "004")
    found = [r for r in sl.store.relations_for([a]) if {r.article_id, r.other_id} == {a, b} and r.kind == "derivation"]
    assert found, "the 001/004 rewrite was not found"
    relation = found[0]
    assert len(relation.evidence) >= 8 and relation.score >= 0.2
    texts = {x.article_id: x.text for pair in relation.evidence for x in pair}
    assert set(texts) == {a, b}
    for left, right in relation.evidence:
        assert sl.article(left.article_id).text[left.start : left.end] == left.text
        assert sl.article(right.article_id).text[right.start : right.end] == right.text
    # Both say Witkoff goes to Moscow: that pair must be among the evidence.
    assert any("Witkoff" in l.text and "Moscow" in l.text and "Moscow" in r.text for l, r in relation.evidence)
    # Independent reports of the same talks are not derivations.
    c = _id(sl, "003")
    assert not [r for r in sl.store.relations_for([c]) if r.kind == "derivation"]


def test_related_cli_lists_evidence(seeds_db, runner):
    result = runner.invoke(cli, ["--db", str(seeds_db), "stories", "--format", "json"])
    assert result.exit_code == 0
    with __import__("storyline").Storyline(seeds_db) as sl:
        a = _id(sl, "004")
    result = runner.invoke(cli, ["--db", str(seeds_db), "related", a[:8]])
    assert result.exit_code == 0, result.output
    assert "derivation" in result.output and "Witkoff" in result.output
    data = json.loads(runner.invoke(cli, ["--db", str(seeds_db), "related", a, "--format", "json"]).output)
    assert data and data[0]["evidence"]
    bad = runner.invoke(cli, ["--db", str(seeds_db), "related", "zzzz"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_near_duplicates_survive_reopening(seeds_storyline, tmp_path):
    sl = seeds_storyline
    original = sl.article(_id(sl, "003"))
    copy = Article(id="copy003", text=original.text.replace("Florida", "Florida,", 1), title=original.title)
    report = sl.ingest_articles([copy])
    assert report.ingested == ["copy003"]
    dups = [r for r in sl.store.relations_for(["copy003"]) if r.kind == "near_duplicate"]
    assert [(r.article_id, r.other_id) for r in dups] == [(original.id, "copy003")]
    assert dups[0].score > 0.9
    assert sl.store.story_of("copy003") == sl.store.story_of(original.id)


def test_story_ids_are_stable_when_articles_arrive_later(seeds_storyline):
    sl = seeds_storyline
    before = {s.id: set(s.article_ids) for s in sl.reader.list_stories()}
    original = sl.article(_id(sl, "001"))
    sl.ingest_articles([Article(id="late001", text=original.text + "\nUpdated with more reporting.", title=original.title)])
    after = {s.id: set(s.article_ids) for s in sl.reader.list_stories()}
    for story_id, members in before.items():
        assert members <= after[story_id]


def test_minhash_lsh_finds_only_near_copies():
    text = "Secretary of State Marco Rubio described the talks in Florida as very productive on Sunday evening"
    index = NearDuplicates([])
    assert index.add("a", minhash(text)) == []
    assert index.add("b", minhash("The weather in Geneva was cold and grey all week long, with snow in the hills")) == []
    assert [i for i, _ in index.add("c", minhash(text + " again"))] == ["a"]


def _record(aid: str, sentences: list[str], outlet: str | None = None) -> EnrichedArticle:
    text = "\n".join(sentences)
    spans, at = [], 0
    for s in sentences:
        spans.append(Span(aid, at, at + len(s), s))
        at += len(s) + 1
    return EnrichedArticle(article=Article(id=aid, text=text, outlet=outlet), sentences=spans)


def test_direction_from_an_explicit_credit():
    base = [f"The council voted on the harbour plan number {i} after a long debate in the chamber" for i in range(10)]
    original = _record("orig", base, outlet="Al Jazeera")
    copy = _record("copy", ["The meeting, reported by Al Jazeera, was tense and long."] + base)
    relation = derivation(original, copy)
    assert relation is not None and relation.direction == "article->other"
    assert "credits" in (relation.direction_reason or "")
    pairs, n_a, n_b = align_sentences(original, copy)
    assert len(pairs) == 10 and (n_a, n_b) == (10, 11)
    way, why = direction(_record("x", base), _record("y", base), 10, 10, 10)
    assert way is None and why.startswith("unknown")


def test_clusterer_state_round_trips():
    state = MemoryState()
    from storyline.settings import DEFAULT_SETTINGS

    first = StoryClusterer(state, DEFAULT_SETTINGS)
    a = _record("a1", ["Rubio met Ukrainian officials in Florida for four hours of talks on peace"])
    first.add(a)
    first.flush()
    second = StoryClusterer(state, DEFAULT_SETTINGS)
    assert len(second.index) == 1 and second.df.n == 1
    again = second.add(_record("a2", ["Rubio met Ukrainian officials in Florida for four hours of talks on peace today"]))
    assert not again.new and again.story_id == "sa1"


def test_pair_model_prefers_the_same_meeting(seeds_storyline):
    from storyline.relate.evidence import weigh
    from storyline.relate.idf import DocFreq
    from storyline.relate.pairs import default_model

    sl = seeds_storyline
    model = default_model()
    assert model.trained_on.startswith("ECB+ train")
    records = {p: next(sl.store.iter_enriched([_id(sl, p)])) for p in ("001", "002", "003", "004")}
    evs = {p: Evidence.of(r) for p, r in records.items()}
    df = DocFreq()
    for ev in evs.values():
        df.add(ev.keys())
    w = {p: weigh(ev, df) for p, ev in evs.items()}
    same = model.same_event(w["001"], w["004"])  # one Florida meeting, one a rewrite of the other
    assert same > 0.9
    assert same > model.same_event(w["001"], w["002"])  # Geneva, a week earlier


def test_pair_model_tells_two_look_alike_arrests_apart():
    """ECB+ dev topic 35: two Chargers players arrested for DUI a month apart, two events.

    Same team, same charge, same city: the words agree; who leads the report does not.
    """
    from storyline.enrich import Enricher
    from storyline.relate.evidence import weigh
    from storyline.relate.idf import DocFreq, idf_prior
    from storyline.relate.pairs import FEATURES, default_model, pair_features
    from storyline.settings import DEFAULT_SETTINGS

    wanted = {"35_3ecb", "35_5ecb", "35_2ecbplus", "35_4ecbplus"}  # Vincent Jackson x2, Jamal Williams x2
    rows = [json.loads(line) for line in (SHARED_DATA / "ecbplus" / "ecbplus.dev.jsonl").open(encoding="utf-8")]
    articles = [Article(id=r["doc_id"], text=r["text"], source="ecbplus") for r in rows if r["doc_id"] in wanted]
    records = {r.article.id: r for r in Enricher(DEFAULT_SETTINGS).enrich(articles) if isinstance(r, EnrichedArticle)}
    df = DocFreq(prior=idf_prior())
    evs = {i: Evidence.of(r) for i, r in records.items()}
    for ev in evs.values():
        df.add(ev.keys())
    w = {i: weigh(ev, df) for i, ev in evs.items()}
    assert "jackson" in evs["35_3ecb"].lede_people and "williams" in evs["35_2ecbplus"].lede_people
    conflict = FEATURES.index("lede_people_conflict")
    assert pair_features(w["35_3ecb"], w["35_2ecbplus"])[conflict] == 1.0
    assert pair_features(w["35_3ecb"], w["35_5ecb"])[conflict] == 0.0
    model = default_model()
    same = [model.same_event(w["35_3ecb"], w["35_5ecb"]), model.same_event(w["35_2ecbplus"], w["35_4ecbplus"])]
    crossed = [model.same_event(w["35_3ecb"], w["35_2ecbplus"]), model.same_event(w["35_5ecb"], w["35_4ecbplus"])]
    assert min(same) > 0.95 and min(same) > max(crossed)


def test_the_feature_matrix_of_a_regroup_is_every_pair_features():
    """A regroup scores all its pairs as arrays (`feature_matrix`); each pair's features, and so
    its log-odds, must be what `pair_features` gives that pair (cosines to float rounding)."""
    from storyline.enrich import Enricher
    from storyline.relate.evidence import weigh
    from storyline.relate.idf import DocFreq, idf_prior
    from storyline.relate.pairs import BLOCKS, FEATURES, default_model, feature_matrix, pair_features
    from storyline.settings import DEFAULT_SETTINGS

    rows = [json.loads(line) for line in (SHARED_DATA / "ecbplus" / "ecbplus.dev.jsonl").open(encoding="utf-8")]
    articles = [Article(id=r["doc_id"], text=r["text"], source="ecbplus") for r in rows if r["doc_id"].split("_")[0] in {"34", "35"}][:24]
    records = [r for r in Enricher(DEFAULT_SETTINGS).enrich(articles) if isinstance(r, EnrichedArticle)]
    df = DocFreq(prior=idf_prior())
    evs = [Evidence.of(r) for r in records]
    for ev in evs:
        df.add(ev.keys())
    weighed = [weigh(ev, df) for ev in evs]
    matrix = feature_matrix(weighed)
    expected = np.array([[pair_features(a, b) if a is not b else [0.0] * matrix.shape[2] for b in weighed] for a in weighed])
    for f in range(matrix.shape[2]):
        np.fill_diagonal(matrix[:, :, f], 0.0)
    cosines = [FEATURES.index(name) for name in (*BLOCKS, "sem_lede", "sem_text")]
    flags = [f for f in range(matrix.shape[2]) if f not in cosines]
    assert np.allclose(matrix[:, :, cosines], expected[:, :, cosines], rtol=0, atol=1e-12)
    assert np.array_equal(matrix[:, :, flags], expected[:, :, flags])
    assert expected[:, :, FEATURES.index("sem_lede")].max() > 0.5  # the sentence vectors are there
    # The flags are exercised, not all zero: shared years, protagonists that agree and conflict.
    flags_set = {f for f in flags if expected[:, :, f].any()}
    assert len(flags_set) >= 6, flags_set
    model = default_model()
    logits = model.logit_matrix(matrix)
    assert np.allclose(logits, [[model.logit(row) for row in rows_] for rows_ in expected], rtol=0, atol=1e-9)


def test_batched_scoring_gives_each_pair_its_own_log_odds():
    """The regroup walks each pair's trees once and mirrors the result, and a new article's
    candidates are scored in one batch: both must equal scoring one pair at a time (ECB+ dev
    topics 34 and 35, two look-alike DUI arrests), and the idf kept as per-key logarithms must
    equal the closed formula."""
    import math

    from storyline.enrich import Enricher
    from storyline.relate.evidence import Evidence, weigh
    from storyline.relate.idf import DocFreq, idf_prior
    from storyline.relate.pairs import default_model, pair_features, sigmoid
    from storyline.relate.profile import StoryProfile
    from storyline.relate.scoring import PairScorer
    from storyline.settings import DEFAULT_SETTINGS

    rows = [json.loads(line) for line in (SHARED_DATA / "ecbplus" / "ecbplus.dev.jsonl").open(encoding="utf-8")]
    articles = [Article(id=r["doc_id"], text=r["text"], source="ecbplus") for r in rows if r["doc_id"].split("_")[0] in {"34", "35"}][:16]
    records = [r for r in Enricher(DEFAULT_SETTINGS).enrich(articles) if isinstance(r, EnrichedArticle)]
    prior = idf_prior()
    df = DocFreq(prior=prior)
    evs = {r.article.id: Evidence.of(r) for r in records}
    for ev in evs.values():
        df.add(ev.keys())
    for key in ["police", "chargers", "A:vincent jackson", "no such word"]:
        expected = math.log((df.n + prior.n + 1) / (df.df.get(key, 0) + prior.df.get(key, 0) + 1)) + 1.0
        assert abs(df.idf(key) - expected) < 1e-12
    model = default_model()
    ids = list(evs)
    weighed = {a: weigh(evs[a], df) for a in ids}
    single = np.array([[model.logit(pair_features(weighed[a], weighed[b])) if a != b else -np.inf for b in ids] for a in ids])
    batched = PairScorer(model, df, 4).logit_matrix(ids, evs, {})
    assert np.allclose(batched, single, rtol=0, atol=1e-9) and np.array_equal(batched, batched.T)
    assert (batched[np.isfinite(batched)] > 0).any() and (batched[np.isfinite(batched)] < 0).any()
    stories = []
    for n, members in enumerate((ids[1:4], ids[4:12], ids[12:])):
        story = StoryProfile(id=f"s{n}", born=n)
        for a in members:
            story.remember(a, evs[a])
        stories.append(story)
    scores = PairScorer(model, df, 4).story_scores(ids[0], evs[ids[0]], stories, {})
    expected_scores = [sum(sigmoid(single[0, ids.index(a)]) for a in story.members) / len(story.members) for story in stories]
    assert np.allclose(scores, expected_scores, rtol=0, atol=1e-12)


def test_a_bridging_article_merges_two_stories():
    from storyline.relate.pairs import FEATURES, PairModel
    from storyline.settings import DEFAULT_SETTINGS

    # Words alone decide (p = 0.5 at a word cosine of 0.4), so the test controls the geometry.
    model = PairModel(tuple(30.0 if f == "terms" else 0.0 for f in FEATURES), -12.0)
    clusterer = StoryClusterer(MemoryState(), DEFAULT_SETTINGS.with_(story_similarity_threshold=0.45), model=model)
    harbour = "harbour council vote dredging budget ferries"
    school = "school district strike teachers salaries classrooms"
    first = clusterer.add(_record("harbour1", [harbour]))
    second = clusterer.add(_record("school1", [school]))
    assert first.new and second.new
    bridge = clusterer.add(_record("bridge1", [harbour + " " + school]))
    assert not bridge.new
    assert bridge.merged and set(bridge.merged) | {bridge.story_id} == {"sharbour1", "sschool1"}
    merged = clusterer.profile(bridge.merged[0])
    assert merged is not None and merged.id == bridge.story_id
    assert sorted(merged.article_ids) == ["bridge1", "harbour1", "school1"]
    # Later articles find the surviving story through either id.
    assert clusterer.add(_record("school2", [school + " again"])).story_id == bridge.story_id


def test_profiles_saved_by_older_versions_still_load():
    from storyline.relate import StoryProfile

    saved = StoryProfile(id="s1", article_ids=["a1", "a2"], linked=["s2"]).as_json()
    saved["terms"] = {"rubio": 2.4, "geneva": 1.1}  # word totals older versions kept and nothing read
    loaded = StoryProfile.from_json(saved)
    assert loaded.article_ids == ["a1", "a2"] and loaded.linked == ["s2"]
    assert "terms" not in loaded.as_json()


def test_two_look_alike_arrests_end_in_two_linked_stories(tmp_path):
    """ECB+ dev topic 35 streamed with the two arrests interleaved from the first report on.

    Two Chargers players arrested for drunk driving a month apart: the first reports of each
    share a story; once each arrest has a neighbourhood, the regroup sorts them out, and the store
    (stories, their members, the relate index) follows.
    """
    from itertools import chain, zip_longest

    from storyline.api import Storyline

    rows = [json.loads(line) for line in (SHARED_DATA / "ecbplus" / "ecbplus.dev.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r["topic"] == 35]
    jackson = [r for r in rows if r["subtopic"] == "ecb"]
    williams = [r for r in rows if r["subtopic"] == "ecbplus"]
    interleaved = [r for r in chain.from_iterable(zip_longest(jackson, williams)) if r]
    with Storyline(tmp_path / "arrests.db") as sl:
        sl.ingest_articles([Article(id=r["doc_id"], text=r["text"], source="ecbplus") for r in interleaved])
        gold = {r["text"][:60]: r["event_cluster"] for r in rows}
        event_of = {a.id: gold[a.text[:60]] for a in sl.reader.iter_articles()}
        stories = [s for s in sl.reader.list_stories() if s.article_ids]
        indexed = dict(sl.store.db.execute("SELECT article_id, story_id FROM relate_articles"))
    assert sorted(a for s in stories for a in s.article_ids) == sorted(event_of)  # each article in one story
    assert all(indexed[a] == s.id for s in stories for a in s.article_ids)
    by_event = {}
    for s in stories:
        events = {event_of[a] for a in s.article_ids}
        assert len(events) == 1, s.article_ids  # no story mixes the two arrests
        by_event.setdefault(events.pop(), []).append(s)
    assert set(by_event) == {"35_ecb", "35_ecbplus"}
    biggest = {e: max(ss, key=lambda s: len(s.article_ids)) for e, ss in by_event.items()}
    for event, story in biggest.items():
        assert len(story.article_ids) >= 0.8 * sum(1 for e in event_of.values() if e == event)
    jackson_story, williams_story = biggest["35_ecb"], biggest["35_ecbplus"]
    assert williams_story.id in jackson_story.linked_story_ids and jackson_story.id in williams_story.linked_story_ids


def test_a_sparse_neighbourhood_never_lowers_the_bar():
    from storyline.settings import DEFAULT_SETTINGS

    scorer = StoryClusterer(MemoryState(), DEFAULT_SETTINGS.with_(story_contrast_neighbours=3)).scorer
    text = ["Rubio met Ukrainian officials in Florida for four hours of talks on the peace plan"]
    mine = Evidence.of(_record("a", text))
    others = {name: Evidence.of(_record(name, text)) for name in "bcde"}
    for name, z in (("b", 5.0), ("c", 2.0), ("d", -1.0)):
        scorer.note("a", mine, name, others[name], z)
    assert scorer.bar(mine) == 0.0  # the 3rd nearest is below even odds
    assert scorer.bar(others["b"]) == 0.0  # fewer than 3 neighbours seen yet
    scorer.note("a", mine, "e", others["e"], 3.0)
    assert sorted(mine.near.values()) == [2.0, 3.0, 5.0] and scorer.bar(mine) == 2.0
    scorer.note("a", mine, "e", others["e"], 3.0)  # the same pair again is not a new neighbour
    assert scorer.bar(mine) == 2.0


def test_a_regroup_keeps_reports_far_apart_in_time_apart():
    from storyline.settings import DEFAULT_SETTINGS

    clusterer = StoryClusterer(MemoryState(), DEFAULT_SETTINGS.with_(story_window_days=14))
    text = ["Rubio met Ukrainian officials in Florida for four hours of talks on the peace plan on Sunday"]
    evs = {a: Evidence.of(_record(a, text)) for a in ("a1", "a2", "a3")}
    clusterer.df.add(set().union(*(evs[a].terms for a in evs)))
    same_week = clusterer.regrouper.cluster(["a1", "a2", "a3"], evs, ["2025-11-30", "2025-12-02", None], {})
    assert len(set(same_week)) == 1
    months_apart = clusterer.regrouper.cluster(["a1", "a2", "a3"], evs, ["2025-11-30", "2025-12-02", "2026-02-02"], {})
    assert months_apart[0] == months_apart[1] != months_apart[2]


def test_evidence_round_trips_through_the_store(tmp_path):
    """What the clusterer saves with an article is what a later run's regroup reads back."""
    from storyline.store.sqlite import Store

    text = ["Rubio met Ukrainian officials in Florida on Sunday, 30 November 2025, for four hours of talks"]
    ev = Evidence.of(_record("a1", text))
    ev.note_neighbour("a0", 2.4567, k=8)
    with Store(tmp_path / "s.db") as store:
        store.save_relate_article("a1", "sa1", np.zeros(256, np.float32), {"terms": ev.terms, "evidence": ev.as_json()})
        loaded = Evidence.from_json(store.load_relate_evidence(["a1", "a2"])["a1"])
    assert loaded == ev and loaded.near == {"a0": 2.457} and "2025" in loaded.years and "rubio" in loaded.terms
    older = {k: v for k, v in ev.as_json().items() if k not in ("lede_people", "near")}  # saved before those existed
    assert Evidence.from_json(older).near == {} and Evidence.from_json(older).terms == ev.terms


def test_the_store_keeps_the_relate_state():
    """`Store` is a `RelateState`: every method of the protocol, taking the same arguments."""
    import inspect

    from storyline.relate import RelateState
    from storyline.store.sqlite import Store

    methods = [name for name, value in vars(RelateState).items() if callable(value) and not name.startswith("_")]
    assert "load_relate_evidence" in methods and "save_minhash" in methods
    for name in methods:
        wanted = [p.kind for p in inspect.signature(getattr(RelateState, name)).parameters.values()]
        assert hasattr(Store, name), name
        assert [p.kind for p in inspect.signature(getattr(Store, name)).parameters.values()] == wanted, name
    assert isinstance(MemoryState(), RelateState)


def test_relate_and_enrich_hash_one_vocabulary(seeds_storyline):
    """Without an embedding, relate sketches the very vector the enrich stage stores: same words,
    same actors, same buckets (`storyline.text`)."""
    from storyline.relate.idf import DocFreq
    from storyline.relate.signature import Signature, tf_weights, tfidf_weights
    from storyline.settings import DEFAULT_SETTINGS
    from storyline.text import sketch

    record = next(seeds_storyline.store.iter_enriched([_id(seeds_storyline, "001")]))
    flat_idf = DocFreq()  # an empty store: every idf is 1
    rebuilt = sketch(tfidf_weights(tf_weights(Signature.of(record)), flat_idf, DEFAULT_SETTINGS.story_actor_weight))
    stored = np.asarray(record.embedding, dtype=np.float32)
    assert np.count_nonzero(stored) > 100 and np.allclose(rebuilt, stored, atol=1e-4)


def _learn_script():
    """``scripts/learn_story_model.py`` as a module (it exports the trees the package ships)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "learn_story_model.py"
    spec = importlib.util.spec_from_file_location("learn_story_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_numpy_trees_are_scikit_learns_decision_function():
    """The shipped pair model is scikit-learn's gradient-boosted trees walked with numpy
    (`TreePairModel`): on real feature rows (ECB+ train topics 1 and 3, every pair) the exported
    trees, also after a round trip through JSON, give `decision_function` to 1e-9, one row at a
    time and as a regroup's matrix."""
    from storyline.enrich import Enricher
    from storyline.relate.evidence import weigh
    from storyline.relate.idf import DocFreq
    from storyline.relate.pairs import TreePairModel, feature_matrix, load_model
    from storyline.settings import DEFAULT_SETTINGS

    script = _learn_script()
    rows = [json.loads(line) for line in (SHARED_DATA / "ecbplus" / "ecbplus.train.jsonl").open(encoding="utf-8")]
    chosen = [r for r in rows if r["topic"] in (1, 3)][:40]
    gold = {r["doc_id"]: r["event_cluster"] for r in chosen}
    articles = [Article(id=r["doc_id"], text=r["text"], source="ecbplus") for r in chosen]
    records = [r for r in Enricher(DEFAULT_SETTINGS).enrich(articles) if isinstance(r, EnrichedArticle)]
    df = DocFreq()
    evs = [Evidence.of(r) for r in records]
    for ev in evs:
        df.add(ev.keys())
    matrix = feature_matrix([weigh(ev, df) for ev in evs])
    i, j = np.triu_indices(len(records), 1)
    x = matrix[i, j]
    y = np.array([gold[records[a].article.id] == gold[records[b].article.id] for a, b in zip(i, j, strict=True)])
    assert 0 < y.sum() < len(y)
    fitted = script.fit_trees(x, y)
    model = script.export_trees(fitted, "test")
    expected = fitted.decision_function(x)
    assert np.abs(model.logit_rows(x) - expected).max() <= 1e-9
    again = load_model(json.loads(json.dumps(model.as_json())))
    assert isinstance(again, TreePairModel)
    assert np.abs(again.logit_rows(x) - expected).max() <= 1e-9
    assert all(abs(again.logit(row) - e) <= 1e-9 for row, e in zip(x[:50], expected[:50], strict=True))
    full = again.logit_matrix(matrix)
    assert np.abs(full[i, j] - expected).max() <= 1e-9 and np.allclose(full, full.T, rtol=0, atol=1e-9)
    # Same-event pairs weighed up (as the shipped model is learnt): still scikit-learn's trees, and
    # every pair's log-odds at least as high in the mean.
    weighted = script.fit_trees(x, y, 3.0)
    assert np.abs(script.export_trees(weighted, "test").logit_rows(x) - weighted.decision_function(x)).max() <= 1e-9
    assert weighted.decision_function(x).mean() > expected.mean()
