from datetime import datetime, timezone

from storyline.models import Article, EnrichedArticle, EntityMention, Relation, RemovedFragment, Span


def test_records_round_trip_through_json_dicts():
    article = Article(
        id="abc",
        text="Rubio said talks were productive.",
        title="Talks",
        published=datetime(2025, 11, 30, 12, tzinfo=timezone.utc),
        authors=["A. Writer"],
        removed=[RemovedFragment("Leave a Reply", "comment footer")],
        metadata={"k": [1, 2]},
    )
    enriched = EnrichedArticle(
        article=article,
        sentences=[Span("abc", 0, 33, article.text)],
        entities=[EntityMention(Span("abc", 0, 5, "Rubio"), "PERSON", "Marco Rubio")],
        embedding=[0.5, 0.25],
    )
    assert EnrichedArticle.from_dict(enriched.as_dict()) == enriched
    relation = Relation("a", "b", "derivation", 0.8, evidence=[(Span("a", 0, 1, "x"), Span("b", 2, 3, "y"))])
    assert Relation.from_dict(relation.as_dict()) == relation


def test_a_record_that_does_not_fit_its_types_is_refused_not_read_raw():
    """The reader validates by each field's type (pydantic): a start that is no number, or a
    mention whose span is a list, raises instead of coming back as a record holding raw data."""
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Span.from_dict({"article_id": "a", "start": "the third word", "end": 3})
    with pytest.raises(ValidationError):
        EntityMention.from_dict({"span": ["a", 0, 5], "label": "PERSON", "name": "Rubio"})
    # What fits is converted: an evidence pair read back is a pair of Spans, a time a datetime.
    relation = Relation.from_dict(
        {
            "article_id": "a",
            "other_id": "b",
            "kind": "derivation",
            "score": 0.8,
            "evidence": [[{"article_id": "a", "start": 0, "end": 1, "text": "x"}, {"article_id": "b", "start": 2, "end": 3, "text": "y"}]],
        }
    )
    assert relation.evidence == [(Span("a", 0, 1, "x"), Span("b", 2, 3, "y"))]
    assert Article.from_dict({"id": "x", "text": "t", "published": "2025-11-30T12:00:00+00:00"}).published == datetime(2025, 11, 30, 12, tzinfo=timezone.utc)


def test_a_story_reads_back_with_every_key_of_its_article_events():
    from storyline.models import Story

    story = Story(id="s", article_ids=["a"], article_events={"a": {"day": "2025-11-30", "lede_places": {"Kyiv": 2}, "place": "Kyiv", "text_id": "t"}})
    assert Story.from_dict(story.as_dict()) == story
