"""Time expressions resolved against a reference date, shared by enrich (an article's own date)
and consolidate (an undated article dated from its story-mates).

Weekday names lean to the past in news ("Sunday" in an article of Monday 2025-12-01 is
2025-11-30) unless the sentence speaks of the future, "this week" / "earlier this year" become
the week or year around the reference date, and explicit dates go through ``dateparser``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
FUTURE = re.compile(r"(\bwill\b|’ll\b|'ll\b|\bshall\b|\b(?:is|are) due\b|\bexpected\b|\bplans? to\b|\b(?:is|are) set to\b|\bscheduled\b|\bnext\b|\bupcoming\b)", re.I)
_NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBER_WORDS.update({"a": 1, "an": 1})
Resolved = tuple[date, date, str]


def _week(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def resolve(expression: str, base: date, *, future: bool = False) -> Resolved | None:
    """``(start, end, granularity)`` for ``expression`` said on ``base``, or None when unsure.

    >>> resolve("Sunday", date(2025, 12, 1))
    (datetime.date(2025, 11, 30), datetime.date(2025, 11, 30), 'day')
    """
    text = re.sub(r"\s+", " ", expression.lower().strip(" .,")).replace("’", "'")
    for _ in range(3):
        text = re.sub(r"^(on|by|since|until|from|in|at|during|the|of|just|only|over|as of)\s+", "", text)
    if text == "weekend":
        text = "last weekend" if base.weekday() < 5 and not future else "this weekend"
    words = text.split()
    if not words:
        return None
    if text in {"today", "tonight", "this morning", "this afternoon", "this evening", "now"}:
        return base, base, "day"
    if text in {"yesterday", "last night"}:
        day = base - timedelta(days=1)
        return day, day, "day"
    if text == "tomorrow":
        day = base + timedelta(days=1)
        return day, day, "day"
    weekday = next((WEEKDAYS[w.rstrip("'s")] for w in words if w.rstrip("'s") in WEEKDAYS), None)
    if weekday is not None and not any(w in MONTHS or w.isdigit() for w in words):
        forward = future or "next" in words or "coming" in words
        if forward:
            delta = (weekday - base.weekday()) % 7 or 7
            day = base + timedelta(days=delta)
        else:
            back = (base.weekday() - weekday) % 7
            if "last" in words and back == 0:
                back = 7
            day = base - timedelta(days=back)
        return day, day, "day"
    m = re.fullmatch(r"(?:(earlier|later) )?(this|last|next|past) (week|month|year|weekend)", text)
    if m:
        _, which, unit = m.groups()
        shift = {"this": 0, "past": 0, "last": -1, "next": 1}[which]
        if unit in {"week", "weekend"}:
            start, end = _week(base + timedelta(weeks=shift))
            if unit == "weekend":
                start = end - timedelta(days=1)
            return start, end, "week"
        if unit == "month":
            month_index = base.year * 12 + base.month - 1 + shift
            return (*_month(month_index // 12, month_index % 12 + 1), "month")
        return date(base.year + shift, 1, 1), date(base.year + shift, 12, 31), "year"
    m = re.fullmatch(r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+) (day|week|month|year)s? (earlier|ago|before|later)", text)
    if m:
        count = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS.get(m.group(1), 1)
        unit = m.group(2)
        sign = 1 if m.group(3) == "later" else -1
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * count * sign
        day = base + timedelta(days=days)
        return day, day, "day" if unit in {"day", "week"} else unit
    m = re.fullmatch(r"(?:(?:the )?(?:end|beginning|start|middle|mid) of |early |late |mid-?)?([a-z]+)\.?(?: (\d{4}))?", text)
    if m and m.group(1) in MONTHS:
        month = MONTHS[m.group(1)]
        if m.group(2):
            year = int(m.group(2))
        else:
            year = base.year if (month <= base.month) != future or month == base.month else base.year + (1 if future else -1)
        return (*_month(year, month), "month")
    year_only = re.fullmatch(r"(?:in |the year )?(\d{4})", text)
    if year_only:
        year = int(year_only.group(1))
        return date(year, 1, 1), date(year, 12, 31), "year"
    if any(w.strip(".") in MONTHS for w in words) or re.search(r"\d{4}-\d{2}-\d{2}", text):
        return _dateparser(expression, base, future=future)
    return None


@lru_cache(maxsize=4096)
def _dateparser(expression: str, base: date, *, future: bool) -> Resolved | None:
    # Memoised: an article repeats its dates, and one parse costs about a millisecond.
    parsed = _date_data_parser(base, future).get_date_data(expression)["date_obj"]
    if parsed is None:
        return None
    return parsed.date(), parsed.date(), "day"


@lru_cache(maxsize=64)
def _date_data_parser(base: date, future: bool) -> Any:
    """dateparser's parser for one reference date and direction, built once (``dateparser.parse``
    builds a new one, with its settings, on every call)."""
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future" if future else "past",
        "REQUIRE_PARTS": ["day", "month"],
    }
    return DateDataParser(languages=["en"], settings=settings)


def speaks_of_future(before: str) -> bool:
    """A future marker ("will", "is due", "scheduled") in the words just before an expression."""
    return bool(FUTURE.search(before))
