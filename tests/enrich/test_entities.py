"""Entities with the roles the articles give them, and short forms resolved to full names."""

from __future__ import annotations

from storyline.enrich.components.entities import propagate_people


def roles_of(record, name: str) -> set[str]:
    return {m.role for m in record.entities if m.name == name and m.role}


def test_rubio_roles_as_each_article_gives_them(seed_records):
    assert "U.S. Senator" in roles_of(seed_records["000"], "Marco Rubio")
    assert "Secretary of State" in roles_of(seed_records["001"], "Marco Rubio")


def test_role_spans_point_into_the_text(seed_records):
    for record in seed_records.values():
        for mention in record.entities:
            if mention.role_span is not None:
                span = mention.role_span
                assert record.article.text[span.start : span.end] == span.text == mention.role


def test_titles_and_appositions(seed_records):
    record = seed_records["001"]
    assert "Ukraine’s national security chief" in roles_of(record, "Rustem Umerov")
    assert "Kremlin spokesman" in roles_of(record, "Dmitry Peskov")
    assert "President" in roles_of(record, "Volodymyr Zelenskyy")
    assert "former President" in roles_of(seed_records["003"], "Donald Trump")


def test_short_forms_resolve_and_mislabelled_names_are_people(seed_records):
    record = seed_records["001"]
    umerov = [m for m in record.entities if m.span.text in {"Umerov", "Rustem Umerov"}]
    assert len(umerov) >= 4
    assert {(m.label, m.name) for m in umerov} == {("PERSON", "Rustem Umerov")}
    rubio = [m for m in record.entities if m.span.text == "Rubio"]
    assert rubio and all(m.name == "Marco Rubio" for m in rubio)


def test_missed_surname_occurrences_are_added():
    text = "President Volodymyr Zelenskyy spoke. Later Zelenskyy posted on X."
    mentions = [(10, 29, "PERSON", "Volodymyr Zelenskyy")]
    out = propagate_people(text, mentions)
    assert (43, 52, "PERSON", "Volodymyr Zelenskyy") in out
