"""The story page (``/stories/ID``): the brief laid out for reading, every statement linked to its sources."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from storyline.api import Storyline
from storyline.models import Brief, EnrichedArticle, QuoteGroup, QuoteOccurrence, Relation, Span
from storyline.serve.web import svg
from storyline.serve.web.views.contexts import (
    Cite,
    DiscrepancyView,
    EntityView,
    ExclusivesView,
    MatrixRow,
    QuoteLine,
    RelationView,
    SideView,
    Speaker,
    StoryContext,
    SummaryLine,
)
from storyline.serve.web.views.links import Numbering, entity_url, span_url


def story_page(sl: Storyline, story_id: str) -> StoryContext:
    brief = sl.brief(story_id)
    numbering = Numbering(list(brief.articles))
    cols = numbering.columns

    summary = [
        SummaryLine(
            text=s.span.text or "",
            url=span_url(s.span),
            independent_sources=int(s.independent_sources or 1),
            cites=[numbering.cite(x) for x in [s.span, *s.supporting]],
        )
        for s in brief.summary
    ]

    groups = brief.quote_groups or _quote_groups_from_articles(list(sl.enriched_articles([a.id for a in brief.articles])))
    speakers = _speakers(groups, numbering)
    matrix_columns, matrix_of, matrix_rows, single_rows = _claims_matrix(brief, numbering)
    relations = relation_views(brief.relations, numbering)
    return StoryContext(
        story_id=brief.story_id,
        title=brief.title,
        articles=cols,
        summary=summary,
        speakers=speakers,
        matrix_columns=matrix_columns,
        matrix_rows=matrix_rows,
        matrix_of=matrix_of,
        single_source_rows=single_rows,
        discrepancies=_discrepancies(brief, numbering),
        entities=_entities(brief, numbering),
        relations=relations,
        timeline=svg.timeline(_timeline_points(brief, numbering)),
        graph=svg.derivation_graph(cols, relations) if relations else None,
        linked_stories=list(brief.linked_story_ids),
        api_url=f"/api/stories/{quote(brief.story_id)}",
        exclusives=_exclusives(brief, numbering),
    )


EXCLUSIVES_SHOWN = 3


def _exclusives(brief: Brief, numbering: Numbering) -> list[ExclusivesView]:
    views = []
    for ex in brief.exclusives:
        cites = [numbering.cite(item.span) for item in ex.items]
        for cite, item in zip(cites, ex.items, strict=True):
            cite.label = item.kind
        views.append(
            ExclusivesView(
                outlet=ex.outlet,
                articles=[numbering.by_id[a].n for a in ex.article_ids if a in numbering.by_id],
                statements=ex.statements,
                quotes=ex.quotes,
                top=cites[:EXCLUSIVES_SHOWN],
                rest=cites[EXCLUSIVES_SHOWN:],
            )
        )
    return views


def _claims_matrix(brief: Brief, numbering: Numbering) -> tuple[list[str], str, list[MatrixRow], list[MatrixRow]]:
    """Claims x outlets: one column per outlet (articles without an outlet get their own); rows
    two or more articles make, then those only one makes. Summary sentences stand in for claims."""
    column_keys: list[str] = []
    for c in numbering.columns:
        key = c.outlet or c.label
        if key not in column_keys:
            column_keys.append(key)
    column_of = {c.id: column_keys.index(c.outlet or c.label) for c in numbering.columns}
    claims: list[tuple[str, list[Span], int]] = [(c.text, c.spans, c.independent_sources) for c in brief.claims]
    matrix_of = "claims" if claims else "summary"
    if not claims:
        claims = [(s.span.text, [s.span, *s.supporting], s.independent_sources) for s in brief.summary]
    matrix_rows: list[MatrixRow] = []
    single_rows: list[MatrixRow] = []
    for text, spans, independent_sources in claims:
        if not spans:
            continue
        cells: list[list[Cite]] = [[] for _ in column_keys]
        for span in spans:
            if span.article_id in column_of:
                cells[column_of[span.article_id]].append(numbering.cite(span))
        rows = matrix_rows if len({c.article_id for cell in cells for c in cell}) > 1 else single_rows
        rows.append(MatrixRow(text=text or spans[0].text or "", url=span_url(spans[0]), independent_sources=int(independent_sources or 1), cells=cells))
    matrix_rows.sort(key=lambda r: -r.independent_sources)
    return column_keys, matrix_of, matrix_rows, single_rows


def _discrepancies(brief: Brief, numbering: Numbering) -> list[DiscrepancyView]:
    return [
        DiscrepancyView(
            kind=d.kind or "",
            nature=d.nature or "contradiction",
            subject=d.subject or "",
            description=d.description or "",
            severity=float(d.severity or 0),
            sides=[
                SideView(
                    value=side.value or "",
                    independent_sources=int(side.independent_sources or len(side.article_ids)),
                    better_supported=d.better_supported == i,
                    cites=[numbering.cite(x) for x in side.spans],
                )
                for i, side in enumerate(d.sides)
            ],
        )
        for d in sorted(brief.discrepancies, key=lambda d: -float(d.severity or 0))
    ]


def _entities(brief: Brief, numbering: Numbering) -> list[EntityView]:
    entities = []
    for e in brief.entities:
        roles: dict[str, list[Cite]] = defaultdict(list)
        for r in e.roles:
            if r.role:
                roles[r.role].append(numbering.cite(r.span))
        entities.append(
            EntityView(
                name=e.name,
                label=e.label or "",
                url=entity_url(e.name),
                articles=len(e.article_ids),
                mentions=int(e.mentions or 0),
                variants=list(e.variants),
                roles=sorted(roles.items()),
            )
        )
    return entities


def _quote_groups_from_articles(records: list[EnrichedArticle]) -> list[QuoteGroup]:
    """Quote groups by exact wording, for a brief that has none (each quote its own group)."""
    groups: dict[tuple[str | None, str], QuoteGroup] = {}
    for record in records:
        for q in record.quotes:
            key = (q.speaker, q.span.text)
            group = groups.setdefault(key, QuoteGroup(id="", text=q.span.text, speaker=q.speaker, occurrences=[], article_ids=[], independent_sources=0))
            group.occurrences.append(QuoteOccurrence(span=q.span, outlet=record.article.outlet))
    return list(groups.values())


def _speakers(groups: list[QuoteGroup], numbering: Numbering) -> list[Speaker]:
    # One speaker's quotes at two events (Geneva, then Florida) are two entries.
    by_speaker: dict[tuple[str | None, str | None], list[QuoteLine]] = defaultdict(list)
    outlets: dict[tuple[str | None, str | None], list[str]] = defaultdict(list)
    for g in groups:
        key = (g.speaker, g.event)
        cites = list({o.span.article_id: numbering.cite(o.span) for o in g.occurrences}.values())
        differences = sorted({d for o in g.occurrences for d in o.differences})
        by_speaker[key].append(
            QuoteLine(
                text=g.text or (cites[0].text if cites else ""),
                variation=g.variation or "exact",
                # Groups made here from the articles count their sources from the citations.
                independent_sources=int(g.independent_sources or len({c.article_id for c in cites}) or 1),
                cites=cites,
                differences=differences,
            )
        )
        for c in cites:
            if c.label not in outlets[key]:
                outlets[key].append(c.label)
    ordered = sorted(by_speaker, key=lambda k: (k[0] is None, -len(by_speaker[k]), k[0] or "", k[1] or ""))
    events = {name: sum(1 for k in by_speaker if k[0] == name) for name, _ in by_speaker}
    return [
        Speaker(
            name=name,
            url=entity_url(name) if name else None,
            anchor=f"speaker-{i}",
            outlets=outlets[(name, event)],
            quotes=sorted(by_speaker[(name, event)], key=lambda q: -len(q.cites)),
            event=event if events[name] > 1 else None,
        )
        for i, (name, event) in enumerate(ordered, start=1)
    ]


def relation_views(relations: list[Relation], numbering: Numbering) -> list[RelationView]:
    """The relations between numbered articles, each drawn from its source to the one derived from it."""
    views = []
    for r in relations:
        a, b = numbering.by_id.get(r.article_id), numbering.by_id.get(r.other_id)
        if a is None or b is None:
            continue
        source, target = (b, a) if r.direction == "other->article" else (a, b)
        views.append(
            RelationView(
                kind=r.kind or "",
                score=float(r.score or 0),
                source=source,
                target=target,
                directed=r.direction in ("article->other", "other->article"),
                reason=r.direction_reason,
                evidence=[(numbering.cite(pair[0]), numbering.cite(pair[1])) for pair in r.evidence if len(pair) == 2],
            )
        )
    return views


def _timeline_points(brief: Brief, numbering: Numbering) -> list[svg.TimelineItem]:
    items = []
    for event in brief.timeline:
        when = _to_date(event.date)
        if when is None:
            continue
        expressions = [x.expression for x in event.expressions if x.expression]
        items.append(
            svg.TimelineItem(
                when=when,
                label=event.text or event.span.text or "",
                url=span_url(event.span),
                kind="event",
                detail=", ".join(dict.fromkeys(expressions)),
                sources=len(set(event.article_ids or [event.span.article_id])),
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
