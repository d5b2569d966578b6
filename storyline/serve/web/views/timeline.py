"""The story's timeline as a list first (dates at the precision known, events, citing outlets), and
the points of its picture."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from storyline.models import Brief
from storyline.serve.web import svg
from storyline.serve.web.views.contexts import TimelineEntry
from storyline.serve.web.views.links import Numbering, span_url


def when_label(start: date, end: date | None = None, granularity: str | None = None) -> str:
    """A date written as precisely as it is known.

    >>> when_label(date(2025, 1, 1), date(2025, 12, 31), "year")
    '2025'
    >>> when_label(date(2025, 11, 1), None, "month")
    'Nov 2025'
    >>> when_label(date(2025, 11, 24), date(2025, 11, 30), "week")
    'week of 24 Nov 2025'
    >>> when_label(date(2025, 11, 24), date(2025, 11, 30), "range")
    '24–30 Nov 2025'
    >>> when_label(date(2025, 11, 28), date(2025, 12, 3), "range")
    '28 Nov – 3 Dec 2025'
    >>> when_label(date(2025, 11, 24), None, None)
    '24 Nov 2025'
    """
    day = f"{start.day} {start:%b %Y}"
    if granularity == "year":
        return str(start.year)
    if granularity == "month":
        return f"{start:%b %Y}"
    if granularity == "week":
        return f"week of {day}"
    if granularity == "range" and end is not None and end > start:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {end:%b %Y}"
        if start.year == end.year:
            return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
        return f"{day} – {end.day} {end:%b %Y}"
    return day


def timeline_entries(brief: Brief, numbering: Numbering) -> list[TimelineEntry]:
    """Dated events and article publications, oldest first (an event before a publication on one day)."""
    rows: list[tuple[date, int, TimelineEntry]] = []
    for event in brief.timeline:
        start = to_date(event.date)
        if start is None:
            continue
        cites = list({s.article_id: numbering.cite(s) for s in [event.span, *event.supporting]}.values())
        granularity = event.granularity or "day"
        entry = TimelineEntry(
            n=0,
            date=start.isoformat(),
            when=when_label(start, to_date(event.date_end), granularity),
            granularity=granularity,
            text=event.text or event.span.text or "",
            url=span_url(event.span),
            kind="event",
            cites=sorted(cites, key=lambda c: c.n),
            expressions=list(dict.fromkeys(x.expression for x in event.expressions if x.expression)),
        )
        rows.append((start, 0, entry))
    for column in numbering.columns:
        start = to_date(column.published)
        if start is not None:
            title = f"“{column.title}”" if column.title else ""
            text = f"[{column.n}] {column.outlet} published {title}" if column.outlet else f"[{column.n}] {title or column.label} published"
            rows.append((start, 1, TimelineEntry(n=0, date=start.isoformat(), when=when_label(start), granularity="day", text=text, url=column.url, kind="published")))
    rows.sort(key=lambda r: (r[0], r[1]))
    entries = [r[2] for r in rows]
    for i, entry in enumerate(entries, start=1):
        entry.n = i
    return entries


def timeline_picture(entries: list[TimelineEntry]) -> svg.Timeline | None:
    """The picture of the list: one numbered mark per entry (the list carries the words)."""
    items = [
        svg.TimelineItem(when=date.fromisoformat(e.date), label=str(e.n), url=e.url, kind=e.kind, detail=f"{e.when}: {e.text}", sources=max(1, len(e.cites)))
        for e in entries
    ]
    return svg.timeline(items)


def to_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            return None
    return None
