"""The story page (``/stories/ID``): the brief laid out for reading, every statement linked to its sources."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import quote

from storyline.api import Storyline
from storyline.models import Brief, EnrichedArticle, OutletExclusives, QuoteGroup, QuoteOccurrence, Relation, Span
from storyline.serve.web import svg
from storyline.serve.web.views.contexts import (
    Cite,
    DiscrepancyView,
    EntityView,
    ExclusiveLine,
    MatrixRow,
    OutletOnly,
    QuoteLine,
    RelationView,
    SideView,
    Speaker,
    StoryContext,
    SummaryLine,
)
from storyline.serve.web.views.links import Numbering, entity_url, span_url
from storyline.serve.web.views.timeline import timeline_entries, timeline_picture

NATURE_ORDER = {"contradiction": 0, "precision": 2, "framing": 3}
"""Where outlets disagree: contradictions first, then other natures, then finer wording differences."""
SHOWN_EXCLUSIVES = 3
"""Items shown per outlet in "only one outlet reports"; the rest fold."""


def story_page(sl: Storyline, story_id: str) -> StoryContext:
    brief = sl.brief(story_id)
    numbering = Numbering(list(brief.articles))
    cols = numbering.columns

    summary = [
        SummaryLine(
            text=s.span.text or "",
            url=span_url(s.span),
            independent_sources=int(s.independent_sources or 1),
            cites=_one_cite_per_article([s.span, *s.supporting], numbering),
        )
        for s in brief.summary
    ]

    groups = brief.quote_groups or _quote_groups_from_articles(list(sl.reader.iter_enriched([a.id for a in brief.articles])))
    event_of = {aid: e.label for e in brief.events for aid in e.article_ids}
    speakers = _speakers(groups, numbering, event_of)
    matrix_columns, matrix_of, matrix_rows, single_rows = _claims_matrix(brief, numbering)
    relations = relation_views(brief.relations, numbering)
    entries = timeline_entries(brief, numbering)
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
        timeline=timeline_picture(entries),
        graph=svg.derivation_graph(cols, relations) if relations else None,
        linked_stories=list(brief.linked_story_ids),
        api_url=f"/api/stories/{quote(brief.story_id)}",
        only_one=_only_one(brief.exclusives, numbering),
        timeline_entries=entries,
        independent_sources=len(brief.families) or len(brief.articles),
    )


def _only_one(groups: list[OutletExclusives], numbering: Numbering) -> list[OutletOnly]:
    views = []
    for g in groups:
        # Statements first (they carry the facts; a lone quote is often a fragment like "very
        # productive"), then by importance; a rewrite's copy of the same words once.
        lines: dict[str, ExclusiveLine] = {}
        for item in sorted(g.items, key=lambda i: (i.kind != "statement", -i.importance)):
            text = " ".join((item.span.text or "").split())
            lines.setdefault(text.casefold(), ExclusiveLine(kind=item.kind, text=text, url=span_url(item.span), importance=item.importance))
        ordered = list(lines.values())
        columns = [numbering.by_id[a] for a in g.article_ids if a in numbering.by_id]
        cites = [Cite(n=c.n, label=c.label, url=c.url, text=c.title or "", article_id=c.id) for c in columns]
        views.append(OutletOnly(outlet=g.outlet, cites=cites, statements=g.statements, quotes=g.quotes, shown=ordered[:SHOWN_EXCLUSIVES], folded=ordered[SHOWN_EXCLUSIVES:]))
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


def _level(severity: float) -> str:
    return "high" if severity >= 0.7 else "medium" if severity >= 0.5 else "low"


def _one_cite_per_article(spans: list[Span], numbering: Numbering) -> list[Cite]:
    """One number per article (its first span: a headline, then a sentence of it, is still [1])."""
    first: dict[str, Span] = {}
    for span in spans:
        first.setdefault(span.article_id, span)
    return [numbering.cite(span) for span in first.values()]


def _discrepancies(brief: Brief, numbering: Numbering) -> list[DiscrepancyView]:
    """Where outlets disagree: contradictions first, each kind by severity ("only one outlet
    reports" has its own section)."""
    found = list(brief.discrepancies)
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
            level=_level(float(d.severity or 0)),
        )
        for d in sorted(found, key=lambda d: (NATURE_ORDER.get(d.nature or "contradiction", 1), -float(d.severity or 0)))
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
                url=entity_url(_stored_name(e.name, e.label)),
                articles=len(e.article_ids),
                mentions=int(e.mentions or 0),
                variants=list(e.variants),
                roles=sorted(roles.items()),
            )
        )
    return entities


def _stored_name(name: str, label: str | None) -> str:
    """The name as articles store it: a brief tells two entities of one name apart by their type,
    "Shell Bay Club (FAC)", which no article writes."""
    suffix = f" ({label})"
    return name.removesuffix(suffix) if label and name.endswith(suffix) else name


def _quote_groups_from_articles(records: list[EnrichedArticle]) -> list[QuoteGroup]:
    """Quote groups by exact wording, for a brief that has none (each quote its own group)."""
    groups: dict[tuple[str | None, str], QuoteGroup] = {}
    for record in records:
        for q in record.quotes:
            key = (q.speaker, q.span.text)
            group = groups.setdefault(key, QuoteGroup(id="", text=q.span.text, speaker=q.speaker, occurrences=[], article_ids=[], independent_sources=0))
            group.occurrences.append(QuoteOccurrence(span=q.span, outlet=record.article.outlet))
    return list(groups.values())


def _speakers(groups: list[QuoteGroup], numbering: Numbering, event_of: dict[str, str]) -> list[Speaker]:
    """Quotes by speaker and event (one speaker's quotes at two events are two entries), each
    quote tagged with the events its articles mainly report."""
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
                events=sorted({event_of[c.article_id] for c in cites if c.article_id in event_of}),
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
            # Quotes more sources carry first, then the fuller ones: a one-word fragment says least.
            quotes=sorted(by_speaker[(name, event)], key=lambda q: (-len(q.cites), -len(q.text.split()))),
            events=sorted({e for q in by_speaker[(name, event)] for e in q.events}),
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
