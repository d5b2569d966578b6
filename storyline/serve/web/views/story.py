"""The story page (``/stories/ID``): the brief laid out for reading, every statement linked to its sources."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from storyline.api import Storyline
from storyline.models import EnrichedArticle
from storyline.serve.web import svg
from storyline.serve.web.views.links import Numbering, entity_url, is_span, span_url
from storyline.serve.web.views.contexts import Cite, SummaryLine, QuoteLine, Speaker, MatrixRow, SideView, DiscrepancyView, EntityView, RelationView, StoryContext


def story_page(sl: Storyline, story_id: str) -> StoryContext:
    brief = sl.brief(story_id)
    data = brief.as_dict()
    numbering = Numbering(data.get("articles") or [])
    cols = numbering.columns

    summary = [
        SummaryLine(
            text=s["span"].get("text") or "",
            url=span_url(s["span"]),
            independent_sources=int(s.get("independent_sources") or 1),
            cites=[numbering.cite(x) for x in [s["span"], *(s.get("supporting") or [])]],
        )
        for s in data.get("summary") or []
    ]

    groups = data.get("quote_groups") or []
    if not groups:
        groups = _quote_groups_from_articles(list(sl.enriched_articles([a.id for a in brief.articles])))
    speakers = _speakers(groups, numbering)

    # Claims x outlets: one column per outlet (articles without an outlet get their own).
    column_keys: list[str] = []
    for c in cols:
        key = c.outlet or c.label
        if key not in column_keys:
            column_keys.append(key)
    column_of = {c.id: column_keys.index(c.outlet or c.label) for c in cols}
    claims = data.get("claims") or []
    matrix_of = "claims" if claims else "summary"
    if not claims:
        claims = [
            {"text": s["span"].get("text"), "spans": [s["span"], *(s.get("supporting") or [])], "independent_sources": s.get("independent_sources")}
            for s in data.get("summary") or []
        ]
    matrix_rows: list[MatrixRow] = []
    single_rows: list[MatrixRow] = []
    for claim in claims:
        spans = [x for x in claim.get("spans") or [] if is_span(x)]
        if not spans:
            continue
        cells: list[list[Cite]] = [[] for _ in column_keys]
        for span in spans:
            if span["article_id"] in column_of:
                cells[column_of[span["article_id"]]].append(numbering.cite(span))
        rows = matrix_rows if len({c.article_id for cell in cells for c in cell}) > 1 else single_rows
        rows.append(
            MatrixRow(
                text=claim.get("text") or spans[0].get("text") or "",
                url=span_url(spans[0]),
                independent_sources=int(claim.get("independent_sources") or 1),
                cells=cells,
            )
        )

    matrix_rows.sort(key=lambda r: -r.independent_sources)
    discrepancies = []
    for d in sorted(data.get("discrepancies") or [], key=lambda d: -float(d.get("severity") or 0)):
        better = d.get("better_supported")
        discrepancies.append(
            DiscrepancyView(
                kind=str(d.get("kind") or ""),
                nature=str(d.get("nature") or "contradiction"),
                subject=str(d.get("subject") or ""),
                description=str(d.get("description") or ""),
                severity=float(d.get("severity") or 0),
                sides=[
                    SideView(
                        value=str(side.get("value") or ""),
                        independent_sources=int(side.get("independent_sources") or len(side.get("article_ids") or [])),
                        better_supported=better == i,
                        cites=[numbering.cite(x) for x in side.get("spans") or [] if is_span(x)],
                    )
                    for i, side in enumerate(d.get("sides") or [])
                ],
            )
        )

    entities = []
    for e in data.get("entities") or []:
        roles: dict[str, list[Cite]] = defaultdict(list)
        for r in e.get("roles") or []:
            if r.get("role"):
                span = r.get("span") if is_span(r.get("span")) else None
                roles[r["role"]].append(numbering.cite(span) if span else numbering.cite({"article_id": r.get("article_id", ""), "start": 0, "end": 0}))
        entities.append(
            EntityView(
                name=e["name"],
                label=e.get("label") or "",
                url=entity_url(e["name"]),
                articles=len(e.get("article_ids") or []),
                mentions=int(e.get("mentions") or 0),
                variants=list(e.get("variants") or []),
                roles=sorted(roles.items()),
            )
        )

    relations = relation_views(data.get("relations") or [], numbering)
    timeline = svg.timeline(_timeline_points(data, numbering))
    graph = svg.derivation_graph(cols, relations) if relations else None
    return StoryContext(
        story_id=brief.story_id,
        title=brief.title,
        articles=cols,
        summary=summary,
        speakers=speakers,
        matrix_columns=column_keys,
        matrix_rows=matrix_rows,
        matrix_of=matrix_of,
        single_source_rows=single_rows,
        discrepancies=discrepancies,
        entities=entities,
        relations=relations,
        timeline=timeline,
        graph=graph,
        linked_stories=list(data.get("linked_story_ids") or []),
        api_url=f"/api/stories/{quote(brief.story_id)}",
    )


def _quote_groups_from_articles(records: list[EnrichedArticle]) -> list[dict[str, Any]]:
    """Quote groups by exact wording, for briefs built before quote grouping existed."""
    groups: dict[tuple[str | None, str], dict[str, Any]] = {}
    for record in records:
        for q in record.quotes:
            key = (q.speaker, q.span.text)
            group = groups.setdefault(key, {"speaker": q.speaker, "text": q.span.text, "occurrences": [], "variation": "exact"})
            group["occurrences"].append({"span": q.span.as_dict(), "outlet": record.article.outlet})
    return list(groups.values())


def _speakers(groups: list[dict[str, Any]], numbering: Numbering) -> list[Speaker]:
    by_speaker: dict[str | None, list[QuoteLine]] = defaultdict(list)
    outlets: dict[str | None, list[str]] = defaultdict(list)
    for g in groups:
        occurrences = g.get("occurrences") or []
        cites = list({o["span"]["article_id"]: numbering.cite(o["span"]) for o in occurrences if is_span(o.get("span"))}.values())
        differences = sorted({d for o in occurrences for d in o.get("differences") or []})
        by_speaker[g.get("speaker")].append(
            QuoteLine(
                text=g.get("text") or (cites[0].text if cites else ""),
                variation=g.get("variation") or "exact",
                independent_sources=int(g.get("independent_sources") or len({c.article_id for c in cites}) or 1),
                cites=cites,
                differences=differences,
            )
        )
        for c in cites:
            if c.label not in outlets[g.get("speaker")]:
                outlets[g.get("speaker")].append(c.label)
    ordered = sorted(by_speaker, key=lambda s: (s is None, -len(by_speaker[s]), s or ""))
    return [
        Speaker(
            name=name,
            url=entity_url(name) if name else None,
            anchor=f"speaker-{i}",
            outlets=outlets[name],
            quotes=sorted(by_speaker[name], key=lambda q: -len(q.cites)),
        )
        for i, name in enumerate(ordered, start=1)
    ]


def relation_views(relations: list[dict[str, Any]], numbering: Numbering) -> list[RelationView]:
    views = []
    for r in relations:
        a, b = numbering.by_id.get(r["article_id"]), numbering.by_id.get(r["other_id"])
        if a is None or b is None:
            continue
        direction = r.get("direction")
        source, target = (b, a) if direction == "other->article" else (a, b)
        views.append(
            RelationView(
                kind=r.get("kind") or "",
                score=float(r.get("score") or 0),
                source=source,
                target=target,
                directed=direction in ("article->other", "other->article"),
                reason=r.get("direction_reason"),
                evidence=[
                    (numbering.cite(pair[0]), numbering.cite(pair[1]))
                    for pair in r.get("evidence") or []
                    if len(pair) == 2 and is_span(pair[0]) and is_span(pair[1])
                ],
            )
        )
    return views


def _timeline_points(data: dict[str, Any], numbering: Numbering) -> list[svg.TimelineItem]:
    items = []
    for event in data.get("timeline") or []:
        when = _to_date(event.get("date"))
        span = event.get("span")
        if when is None or not is_span(span):
            continue
        expressions = [x.get("expression") for x in event.get("expressions") or [] if x.get("expression")]
        items.append(
            svg.TimelineItem(
                when=when,
                label=event.get("text") or span.get("text") or "",
                url=span_url(span),
                kind="event",
                detail=", ".join(dict.fromkeys(expressions)),
                sources=len(set(event.get("article_ids") or [span["article_id"]])),
            )
        )
    for column in numbering.columns:
        when = _to_date(column.published)
        if when is not None:
            items.append(
                svg.TimelineItem(when=when, label=f"[{column.n}] {column.label} published", url=column.url, kind="published", detail=column.title or "", sources=1)
            )
    return items


def _to_date(value: Any) -> date | None:
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

