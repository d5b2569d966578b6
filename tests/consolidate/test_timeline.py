"""The timeline: dates at the precision the text gives, totals left out, each event dated by what it reports."""

from __future__ import annotations

import json
import re

import pytest

from storyline.consolidate.timeline import dates_an_event
from tests.conftest import SEEDS

DATA = SEEDS.parent


def _sentence_with(path, fragment: str) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        for article in json.loads(line).get("articles") or [json.loads(line)]:
            text = article["text"]
            if fragment in text:
                start = text.index(fragment)
                begin = max(text.rfind(". ", 0, start) + 2, 0) if text.rfind(". ", 0, start) >= 0 else 0
                finish = text.find(". ", start)
                return text[begin : finish + 1 if finish >= 0 else len(text)]
    raise AssertionError(f"{fragment!r} not in {path}")


def _dates(sentence: str, expression: str) -> bool:
    start = sentence.index(expression)
    return dates_an_event(sentence, 0, start, start + len(expression))


def test_a_total_over_a_period_is_not_an_event_on_real_text():
    neus = DATA / "neus" / "neus.dev.jsonl"
    so_far = _sentence_with(neus, "border so far this year")
    assert not _dates(so_far, "this year")
    seed = next(p for p in SEEDS.glob("*.txt") if "This week alone" in p.read_text(encoding="utf-8"))
    text = seed.read_text(encoding="utf-8")
    alone = text[text.index("This week alone") :]
    assert not dates_an_event(alone, 0, 0, len("This week"))


def test_a_later_clause_s_date_does_not_date_the_sentence_but_an_after_clause_keeps_it():
    seed = next(p for p in SEEDS.glob("*.txt") if "Peskov" in p.read_text(encoding="utf-8"))
    text = seed.read_text(encoding="utf-8")
    peskov = next(s for s in re.split(r"(?<=\.)\s+", text) if "Peskov" in s and "Thursday" in s)
    assert not _dates(peskov, "Thursday")
    ecb = _sentence_with(DATA / "ecbplus" / "ecbplus.dev.jsonl", "after rescuing a merchant vessel that was being hijacked on Saturday")
    assert _dates(ecb, "Saturday")
    assert _dates("Missile and drone strikes around Kyiv on Saturday killed at least three people.", "Saturday")


@pytest.fixture(scope="module")
def timeline(seed_story):
    return seed_story.brief("001").timeline


def test_seed_timeline_gives_no_made_up_day(timeline):
    by_expression = {t.expression: e for e in timeline for t in e.expressions}
    earlier = by_expression["Earlier this year"]
    assert earlier.granularity == "range" and earlier.date.isoformat() == "2025-01-01" and earlier.date_end > earlier.date
    week = by_expression["just a week earlier"]
    # Geneva was Sunday 2025-11-23: the week given holds it, and no single day is claimed.
    assert week.granularity == "week" and week.date.isoformat() <= "2025-11-23" <= week.date_end.isoformat()
    later = by_expression["later this week"]
    assert later.granularity == "range" and later.date < later.date_end
    for entry in timeline:
        if entry.date is not None:
            assert entry.granularity in {"day", "week", "month", "year", "range"}
            assert entry.date_end is not None and entry.date <= entry.date_end
            assert (entry.granularity == "day") == (entry.date == entry.date_end)


def test_seed_timeline_leaves_out_totals_and_the_departure_date(timeline):
    texts = [e.text for e in timeline]
    assert not any("This week alone" in t for t in texts)
    assert not any("Peskov" in t and e.date is not None and e.date.isoformat() == "2025-12-04" for t, e in zip(texts, timeline, strict=True))


def test_real_expressions_resolve_at_the_precision_they_give():
    from datetime import date, datetime

    from storyline.enrich import Enricher
    from storyline.models import Article, EnrichedArticle
    from storyline.settings import DEFAULT_SETTINGS

    neus = DATA / "neus" / "neus.dev.jsonl"
    sentences = [
        _sentence_with(neus, "They now go to the Senate to sync up later this week"),
        _sentence_with(neus, "It follows a memo from Mr Trump earlier this month"),
        _sentence_with(neus, "decrease from the 151,000 case average two weeks ago"),
    ]
    published = datetime(2020, 9, 9)  # a Wednesday
    articles = [Article(id=f"neus-{i}", text=s, published=published) for i, s in enumerate(sentences)]
    records = [r for r in Enricher(DEFAULT_SETTINGS).enrich(articles) if isinstance(r, EnrichedArticle)]
    found = {t.expression.lower(): t for r in records for t in r.times}
    later = found["later this week"]
    assert (later.resolved, later.resolved_end, later.granularity) == (date(2020, 9, 9), date(2020, 9, 13), "range")
    earlier = found["earlier this month"]
    assert (earlier.resolved, earlier.resolved_end, earlier.granularity) == (date(2020, 9, 1), date(2020, 9, 9), "range")
    weeks = found["two weeks ago"]
    assert weeks.granularity == "week" and weeks.resolved <= date(2020, 8, 26) <= weeks.resolved_end
