"""Time expressions resolved against the published date; numbers with what they count."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.enrich.components.numbers import parse_value
from storyline.enrich.components.times import resolve

MONDAY = date(2025, 12, 1)


def test_sunday_in_003_resolves_to_the_day_before_publication(dated_003):
    sundays = [t for t in dated_003.times if t.expression == "Sunday"]
    assert sundays
    assert all(t.resolved == date(2025, 11, 30) and t.granularity == "day" for t in sundays)
    for t in dated_003.times:
        assert dated_003.article.text[t.span.start : t.span.end] == t.span.text


def test_undated_article_keeps_expressions_unresolved(seed_records):
    times = seed_records["001"].times
    assert any(t.expression == "Sunday" for t in times)
    if seed_records["001"].article.published is None:
        assert all(t.resolved is None for t in times)


@pytest.mark.parametrize(
    ("expression", "future", "expected"),
    [
        ("Sunday", False, (date(2025, 11, 30), date(2025, 11, 30), "day")),
        ("Saturday night", False, (date(2025, 11, 29), date(2025, 11, 29), "day")),
        ("Thursday", True, (date(2025, 12, 4), date(2025, 12, 4), "day")),
        ("this week", False, (date(2025, 12, 1), date(2025, 12, 7), "week")),
        ("earlier this year", False, (date(2025, 1, 1), date(2025, 12, 1), "range")),
        ("Earlier this year", False, (date(2025, 1, 1), date(2025, 12, 1), "range")),
        ("later this week", False, (date(2025, 12, 1), date(2025, 12, 7), "range")),
        ("last year", False, (date(2024, 1, 1), date(2024, 12, 31), "year")),
        ("two months ago", False, (date(2025, 10, 1), date(2025, 10, 31), "month")),
        ("at the end of October", False, (date(2025, 10, 1), date(2025, 10, 31), "month")),
        ("a week earlier", False, (date(2025, 11, 21), date(2025, 11, 27), "week")),
        ("just a week earlier", False, (date(2025, 11, 21), date(2025, 11, 27), "week")),
        ("three days ago", False, (date(2025, 11, 28), date(2025, 11, 28), "day")),
        ("Nov. 30", False, (date(2025, 11, 30), date(2025, 11, 30), "day")),
        ("the coming days", False, None),
    ],
)
def test_resolve(expression, future, expected):
    assert resolve(expression, MONDAY, future=future) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,400", 1400), ("$100 million", 1e8), ("nineteen", 19), ("twenty eight", 28), ("at least three", 3), ("66", 66)],
)
def test_parse_value(text, value):
    assert parse_value(text) == value


def test_numbers_with_what_they_count(seed_records):
    found = {(n.value, n.unit) for n in seed_records["001"].numbers}
    assert (122.0, "strike drones") in found
    assert (1400.0, "strike drones") in found
    assert (1e8, "USD") in found
    assert (4.0, "hours") in found
    assert (3.0, "people") in found
    assert (19.0, "points") in {(n.value, n.unit) for n in seed_records["003"].numbers}
