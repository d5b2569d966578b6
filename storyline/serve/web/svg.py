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
    url: str
    kind: str
    """``event`` (a dated statement of the story) or ``published`` (an article's publication)."""
    detail: str = ""
    sources: int = 1


@dataclass
class TimelineMark:
    x: float
    label_x: float
    label_y: float
    anchor: str
    """SVG text-anchor: ``start``, or ``end`` near the right edge."""
    label: str
    title: str
    url: str
    kind: str
    date: str
    radius: float


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    width: int
    height: int
    axis_y: int
    x0: float
    x1: float
    ticks: list[Tick] = field(default_factory=list)
    marks: list[TimelineMark] = field(default_factory=list)


def _short(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def timeline(items: list[TimelineItem], *, width: int = 960) -> Timeline | None:
    """Dated items on one axis, labels stacked in lanes below so none overlap; None when nothing is dated."""
    if not items:
        return None
    items = sorted(items, key=lambda i: (i.when, i.kind != "event"))
    first, last = items[0].when, items[-1].when
    pad = 24
    x0, x1 = pad, width - pad
    span = (last - first).days

    def x_of(day: date) -> float:
        return (x0 + x1) / 2 if span == 0 else x0 + (x1 - x0) * (day - first).days / span

    axis_y = 28
    lanes: list[list[tuple[float, float]]] = []
    marks = []
    for item in items:
        x = x_of(item.when)
        label = _short(item.label)
        w = len(label) * CHAR_WIDTH + 10
        anchor = "start" if x + w <= width else "end"
        lo, hi = (x, x + w) if anchor == "start" else (x - w, x)
        for lane in lanes:
            if all(hi < a or lo > b for a, b in lane):
                lane.append((lo, hi))
                break
        else:
            lanes.append([(lo, hi)])
            lane_no = len(lanes) - 1
        marks.append(
            TimelineMark(
                x=round(x, 1),
                label_x=round(x + (4 if anchor == "start" else -4), 1),
                label_y=axis_y + 26 + lane_no * 18,
                anchor=anchor,
                label=label,
                title=f"{item.when.isoformat()}: {item.label}" + (f" ({item.detail})" if item.detail else ""),
                url=item.url,
                kind=item.kind,
                date=item.when.isoformat(),
                radius=min(9.0, 4.0 + 1.5 * item.sources),
            )
        )
    count = 1 if span == 0 else min(6, span + 1)
    ticks = []
    for k in range(count):
        day = first if count == 1 else date.fromordinal(first.toordinal() + round(span * k / (count - 1)))
        ticks.append(Tick(x=round(x_of(day), 1), label=day.isoformat()))
    return Timeline(width=width, height=axis_y + 26 + len(lanes) * 18 + 8, axis_y=axis_y, x0=x0, x1=x1, ticks=ticks, marks=marks)


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
    baseline = max_h + radius + 16
    xs = {c.id: 20 + step / 2 + i * step for i, c in enumerate(ordered)}
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
