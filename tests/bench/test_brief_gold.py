"""The discrepancy scorer of ``python -m bench brief``: matching predicted sides against gold spans."""

from __future__ import annotations

import pytest

from bench import brief_gold as gold
from storyline.models import Discrepancy, DiscrepancySide, Span

# Two real ECB+ train sentences (19_5ecb, 19_4ecb) and one more from 19_9ecb.
TEXTS = {
    "a": "The killing of Grigoropoulos has sparked the worst rioting Greece has seen in decades, with at least 70 people injured in cities across the country.",
    "b": "About 100 people have been injured. Property damage is an estimated $2 million.",
    "c": "The riots in cities throughout the country has left at least 70 people injured.",
}
INJURED = {
    "kind": "number",
    "nature": "contradiction",
    "note": "injured: at least 70 vs about 100",
    "sides": [
        {"doc_id": "a", "text": "at least 70 people injured", "value": "70"},
        {"doc_id": "c", "text": "at least 70 people injured", "value": "70"},
        {"doc_id": "b", "text": "About 100 people have been injured", "value": "100"},
    ],
}


def span(article_id: str, phrase: str) -> Span:
    start = TEXTS[article_id].index(phrase)
    return Span(article_id, start, start + len(phrase), phrase)


def predicted(*sides: list[Span], kind: str = "number") -> Discrepancy:
    return Discrepancy(
        kind=kind,
        subject="people injured",
        description="",
        severity=0.5,
        sides=[DiscrepancySide(value=s[0].text, spans=s, article_ids=[x.article_id for x in s], independent_sources=1) for s in sides],
    )


@pytest.fixture()
def injured() -> gold.GoldItem:
    return gold.gold_item(INJURED, TEXTS)


def test_sides_overlapping_two_gold_values_in_two_articles_match(injured):
    assert gold.matches(predicted([span("a", "70 people")], [span("b", "100 people")]), injured)


def test_sides_stating_the_same_gold_value_do_not_match(injured):
    # 70 in one article against 70 in another is agreement, whatever the predictor calls it.
    assert not gold.matches(predicted([span("a", "70 people")], [span("c", "70 people")]), injured)


def test_a_side_that_only_touches_the_gold_span_does_not_match(injured):
    gold_start = TEXTS["b"].index("About 100")
    after = Span("b", gold_start + len("About 100 people have been injured"), gold_start + len("About 100 people have been injured") + 1, ".")
    assert not gold.matches(predicted([span("a", "70 people")], [after]), injured)


def test_both_sides_in_one_article_do_not_match(injured):
    assert not gold.matches(predicted([span("b", "About 100")], [span("b", "$2 million")]), injured)


def test_score_counts_matches_false_positives_and_traps(injured):
    trap = gold.gold_item(
        {"kind": "number", "nature": "contradiction", "note": "different things", "sides": [{"doc_id": "b", "text": "$2 million"}, {"doc_id": "c", "text": "70 people"}]},
        TEXTS,
    )
    hit = predicted([span("c", "at least 70")], [span("b", "About 100")])
    trapped = predicted([span("b", "$2 million")], [span("c", "70 people")])
    score = gold.score_cluster([hit, trapped], [injured], [trap])
    assert (score.predicted, score.matched_predicted, score.gold, score.matched_gold, score.trap_hits) == (2, 1, 1, 1, 1)
    assert score.false_positives[0]["trap"][0]["note"] == "different things"
    assert score.misses == []


def test_a_gold_text_missing_from_its_article_is_an_error():
    with pytest.raises(ValueError, match="not in"):
        gold.gold_item({**INJURED, "sides": [{"doc_id": "a", "text": "killed 7"}, {"doc_id": "b", "text": "About 100"}]}, TEXTS)


def test_covered_chars_counts_overlaps_once():
    assert gold.covered_chars([(0, 10), (5, 15), (20, 25)]) == 20


def test_a_basil_phrase_is_placed_by_its_offset_within_the_sentence():
    text = "He said no. Later he said no again."
    assert gold.locate_phrase(text, "no", 8) == (8, 10)
    assert gold.locate_phrase(text, "no", 14) == (26, 28)


def test_the_ecbplus_gold_is_valid():
    from bench.gold.validate import problems

    assert problems() == []
