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
