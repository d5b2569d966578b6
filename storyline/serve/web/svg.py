"""Layouts for the two pictures of the story page, drawn server-side as inline SVG.

Only geometry is computed here; the templates (``_timeline.html``, ``_graph.html``) write
the SVG, so every label passes through Jinja2's autoescaping like any other text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

CHAR_WIDTH = 6.4
"""Rough width of one character of the 11px label font, for keeping labels apart."""
MAX_LABEL = 46


@dataclass
class TimelineItem:
    when: date
    label: str
    """A short mark label: the entry's number in the timeline list, which carries the words."""
    url: str
    kind: str
    """``event`` (a dated statement of the story) or ``published`` (an article's publication)."""
    detail: str = ""
    """The full text, shown as the mark's tooltip."""
    sources: int = 1


@dataclass
class TimelineMark:
    x: float
    y: float
    label: str
    title: str
    url: str
    kind: str
    date: str
    radius: float
    clipped: bool = False
    """Far outside the other dates: drawn at the axis's edge, past a break, not to scale."""


@dataclass
class Tick:
    x: float
    label: str
    anchor: str = "middle"


@dataclass
class Timeline:
    width: int
    height: int
    axis_y: int
    x0: float
    x1: float
    ticks: list[Tick] = field(default_factory=list)
    marks: list[TimelineMark] = field(default_factory=list)
    breaks: list[tuple[float, float]] = field(default_factory=list)
    """Stretches of axis cut out (drawn dashed, not to scale): outliers sit beyond them."""


def _short(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _core_range(days: list[int]) -> tuple[int, int]:
    """The range of the dates that are not outliers (Tukey's fences at 3 interquartile ranges,
    at least a week wide), so one stray date does not squash the rest into a corner."""
    ordered = sorted(days)
    q1, q3 = ordered[len(ordered) // 4], ordered[(3 * len(ordered)) // 4]
    spread = max(q3 - q1, 7)
    inside = [d for d in ordered if q1 - 3 * spread <= d <= q3 + 3 * spread]
    return inside[0], inside[-1]


TICK_STEPS = (1, 2, 7, 14, 30, 61, 91, 182, 365, 730)


def _tick_label(day: date, with_year: bool) -> str:
    return f"{day.day} {day:%b %Y}" if with_year else f"{day.day} {day:%b}"


def timeline(items: list[TimelineItem], *, width: int = 960) -> Timeline | None:
    """Numbered marks on one date axis, stacked where they crowd; outliers clipped to the edges.
    None when nothing is dated."""
    if not items:
        return None
    items = sorted(items, key=lambda i: (i.when, i.kind != "event"))
    days = [i.when.toordinal() for i in items]
    lo, hi = _core_range(days)
    gutter = 110
    left = gutter if days[0] < lo else 0
    right = gutter if days[-1] > hi else 0
    pad = 44
    x0, x1 = pad + left, width - pad - right
    span = hi - lo

    def x_of(day: int) -> tuple[float, bool]:
        if day < lo:
            return pad, True
        if day > hi:
            return width - pad, True
        return ((x0 + x1) / 2 if span == 0 else x0 + (x1 - x0) * (day - lo) / span), False

    axis_y, radius, lane_h = 30, 10.0, 24
    lanes: list[float] = []
    marks = []
    for item, day in zip(items, days, strict=True):
        x, clipped = x_of(day)
        for lane_no, last in enumerate(lanes):
            if x - last >= 2 * radius + 3:
                lanes[lane_no] = x
                break
        else:
            lanes.append(x)
            lane_no = len(lanes) - 1
        marks.append(
            TimelineMark(
                x=round(x, 1),
                y=axis_y + 22 + lane_no * lane_h,
                label=_short(item.label, 3),
                title=item.detail or item.label,
                url=item.url,
                kind=item.kind,
                date=item.when.isoformat(),
                radius=radius,
                clipped=clipped,
            )
        )
    # Ticks at whole steps, at least ~110 px apart so the full "24 Nov 2025" labels never touch.
    first = date.fromordinal(lo)
    step = next((s for s in TICK_STEPS if span == 0 or (x1 - x0) * s / span >= 110), TICK_STEPS[-1])
    ticks = [Tick(x=x_of(lo)[0], label=_tick_label(first, True), anchor="middle")]
    day = lo + step
    while day <= hi and span:
        x = x_of(day)[0]
        if x1 - x >= 60:
            ticks.append(Tick(x=round(x, 1), label=_tick_label(date.fromordinal(day), False)))
        day += step
    if span:
        ticks.append(Tick(x=x1, label=_tick_label(date.fromordinal(hi), True)))
    for side, edge in ((left, days[0]), (right, days[-1])):
        if side:
            ticks.append(Tick(x=x_of(edge)[0], label=_tick_label(date.fromordinal(edge), True)))
    breaks: list[tuple[float, float]] = ([(float(pad), x0)] if left else []) + ([(x1, float(width - pad))] if right else [])
    height = axis_y + 22 + len(lanes) * lane_h
    return Timeline(width=width, height=height, axis_y=axis_y, x0=x0, x1=x1, ticks=ticks, marks=marks, breaks=breaks)


@dataclass
class Node:
    x: float
    y: float
    n: int
    label: str
    title: str
    url: str


@dataclass
class Edge:
    d: str
    """SVG path data of the arc."""
    kind: str
    directed: bool
    title: str


@dataclass
class Graph:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]


def derivation_graph(columns: list[Any], relations: list[Any], *, radius: float = 13) -> Graph:
    """An arc diagram: articles left to right by publication, an arc from each source to its rewrite.

    ``columns`` are the story's `ArticleColumn`s, ``relations`` its `RelationView`s.
    """
    ordered = sorted(columns, key=lambda c: (c.published or "9999", c.n))
    step = 96
    width = max(480, step * len(ordered) + 40)
    max_h = min(160.0, step * len(ordered) * 0.35)
    xs = {c.id: 20 + step / 2 + i * step for i, c in enumerate(ordered)}
    drawn = [r for r in relations if r.source is not None and r.target is not None]
    # As tall as the tallest arc, so a short arc leaves no empty band above it.
    tallest = max((min(max_h, abs(xs[r.target.id] - xs[r.source.id]) * 0.45 + 12) for r in drawn), default=0.0)
    baseline = tallest + radius + 16
    nodes = [
        Node(x=xs[c.id], y=baseline, n=c.n, label=_short(c.label, 14), title=f"[{c.n}] {c.label}: {c.title or '(untitled)'}", url=c.url)
        for c in ordered
    ]
    edges = []
    for r in relations:
        if r.source is None or r.target is None:
            continue
        xa, xb = xs[r.source.id], xs[r.target.id]
        h = min(max_h, abs(xb - xa) * 0.45 + 12)
        y = baseline - radius
        d = f"M {xa:.1f} {y:.1f} C {xa:.1f} {y - h:.1f} {xb:.1f} {y - h:.1f} {xb:.1f} {y:.1f}"
        verb = "rewritten as" if r.directed else "near-duplicate of" if r.kind == "near_duplicate" else "related to"
        title = f"[{r.source.n}] {verb} [{r.target.n}] ({r.kind}, score {r.score:.2f})" + (f": {r.reason}" if r.reason else "")
        edges.append(Edge(d=d, kind=r.kind, directed=r.directed, title=title))
    return Graph(width=int(width), height=int(baseline + radius + 34), nodes=nodes, edges=edges)
