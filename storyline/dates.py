"""Time expressions resolved against a reference date, shared by enrich (an article's own date)
and consolidate (an undated article dated from its story-mates).

Weekday names lean to the past in news ("Sunday" in an article of Monday 2025-12-01 is
2025-11-30) unless the sentence speaks of the future, "this week" becomes the week around the
reference date, "earlier this year" the range from the year's start to the reference date,
"a week earlier" the seven days around a week back, and explicit dates go through ``dateparser``.

A resolved expression is ``(start, end, granularity)``, both ends inclusive, at the precision the
text gives and never finer: ``"day"`` (start == end), ``"week"`` (seven days: a calendar week, or
the seven days around "a week earlier"), ``"month"`` (a calendar month), ``"year"`` (a calendar
year) or ``"range"`` (any other span, e.g. "earlier this year": from 1 January to the reference day).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from storyline.errors import InvalidParameter

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
FUTURE = re.compile(r"(\bwill\b|’ll\b|'ll\b|\bshall\b|\b(?:is|are) due\b|\bexpected\b|\bplans? to\b|\b(?:is|are) set to\b|\bscheduled\b|\bnext\b|\bupcoming\b)", re.I)
_NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBER_WORDS.update({"a": 1, "an": 1})
Resolved = tuple[date, date, str]

# The patterns of `resolve`, compiled once (``re``'s own cache costs a lookup per call).
_SPACES = re.compile(r"\s+")
_LEADING_WORD = re.compile(r"^(on|by|since|until|from|in|at|during|the|of|just|only|over|as of)\s+")
_THIS_PERIOD = re.compile(r"(?:(earlier|later) )?(this|last|next|past) (week|month|year|weekend)")
_PERIODS_AGO = re.compile(r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+) (day|week|month|year)s? (earlier|ago|before|later)")
_MONTH_NAME = re.compile(r"(?:(?:the )?(?:end|beginning|start|middle|mid) of |early |late |mid-?)?([a-z]+)\.?(?: (\d{4}))?")
_YEAR_ONLY = re.compile(r"(?:in |the year )?(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _week(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def resolve(expression: str, base: date, *, future: bool = False) -> Resolved | None:
    """``(start, end, granularity)`` for ``expression`` said on ``base``, or None when unsure
    (see the module docstring for the granularities).

    >>> resolve("Sunday", date(2025, 12, 1))
    (datetime.date(2025, 11, 30), datetime.date(2025, 11, 30), 'day')
    """
    text = _SPACES.sub(" ", expression.lower().strip(" .,")).replace("’", "'")
    for _ in range(3):
        text = _LEADING_WORD.sub("", text)
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
    m = _THIS_PERIOD.fullmatch(text)
    if m:
        side, which, unit = m.groups()
        shift = {"this": 0, "past": 0, "last": -1, "next": 1}[which]
        if unit in {"week", "weekend"}:
            start, end = _week(base + timedelta(weeks=shift))
            if unit == "weekend":
                start = end - timedelta(days=1)
            granularity = "week"
        elif unit == "month":
            month_index = base.year * 12 + base.month - 1 + shift
            start, end = _month(month_index // 12, month_index % 12 + 1)
            granularity = "month"
        else:
            start, end, granularity = date(base.year + shift, 1, 1), date(base.year + shift, 12, 31), "year"
        if side and shift == 0:
            # "earlier this year" is the part of the year before the reference day, "later this
            # week" the part after it: a range, never the period's first day.
            return (start, base, "range") if side == "earlier" else (base, end, "range")
        return start, end, granularity
    m = _PERIODS_AGO.fullmatch(text)
    if m:
        count = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS.get(m.group(1), 1)
        unit = m.group(2)
        sign = 1 if m.group(3) == "later" else -1
        day = base + timedelta(days={"day": 1, "week": 7, "month": 30, "year": 365}[unit] * count * sign)
        if unit == "day":
            return day, day, "day"
        if unit == "week":
            # "a week earlier" says the week, not the day: the seven days around a week back.
            return day - timedelta(days=3), day + timedelta(days=3), "week"
        if unit == "month":
            return (*_month(day.year, day.month), "month")
        return date(day.year, 1, 1), date(day.year, 12, 31), "year"
    m = _MONTH_NAME.fullmatch(text)
    if m and m.group(1) in MONTHS:
        month = MONTHS[m.group(1)]
        if m.group(2):
            year = int(m.group(2))
        else:
            year = base.year if (month <= base.month) != future or month == base.month else base.year + (1 if future else -1)
        return (*_month(year, month), "month")
    year_only = _YEAR_ONLY.fullmatch(text)
    if year_only:
        year = int(year_only.group(1))
        return date(year, 1, 1), date(year, 12, 31), "year"
    if any(w.strip(".") in MONTHS for w in words) or _ISO_DATE.search(text):
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


def parse_time(value: str | datetime) -> datetime:
    """A time a person gave (ISO 8601; UTC unless it has an offset) as an aware UTC datetime.

    The one parser for ``--since`` and ``?since=``: a value that is not ISO, or that leaves the
    calendar once moved to UTC ("0001-01-01T00:00+14:00"), is an `InvalidParameter`.

    >>> parse_time("2025-12-01T08:00+01:00").isoformat()
    '2025-12-01T07:00:00+00:00'
    """
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidParameter(f"{text!r} is not an ISO time such as 2025-12-01T08:00") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise InvalidParameter(f"{value!s} is out of range once moved to UTC (years 1 to 9999)") from None


def iso_utc(value: datetime) -> str:
    """``value`` in the form change times are stored in (naive means UTC), so strings compare as times."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")
