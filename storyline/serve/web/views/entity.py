"""The entity page (``/entities/NAME``): every role each outlet gives it, its quotes, its stories."""

from __future__ import annotations

from collections import defaultdict

from storyline.api import Storyline
from storyline.errors import NotFound
from storyline.serve.web.views.links import Numbering, entity_url, iso, story_url
from storyline.serve.web.views.contexts import Cite, StoryRow, QuoteLine, RoleRow, EntityContext


def entity_page(sl: Storyline, name: str) -> EntityContext:
    rows = sl.entity_occurrences(name)
    if not rows:
        raise NotFound(f"no entity {name!r}")
    # The briefs know which spellings are one entity (Andriy/Andrii Yermak): gather them all.
    names = {name}
    for story_id in dict.fromkeys(s for s in (sl.story_of(r.article_id) for r in rows) if s):
        for ent in sl.brief(story_id).entities:
            if ent.name == name or name in ent.variants:
                names.update([ent.name, *ent.variants])
    rows = [r for n in sorted(names - {name}) for r in sl.entity_occurrences(n)] + rows
    ids = list(dict.fromkeys(r.article_id for r in rows))
    records = list(sl.enriched_articles(ids))
    numbering = Numbering([r.article for r in records])

    roles: dict[tuple[str, str], list[Cite]] = defaultdict(list)
    variants: set[str] = set()
    quotes: dict[str, QuoteLine] = {}
    for record in records:
        column = numbering.by_id[record.article.id]
        for e in record.entities:
            if e.name not in names:
                continue
            if e.span.text != name:
                variants.add(e.span.text)
            if e.role:
                roles[(column.outlet or column.label, e.role)].append(numbering.cite(e.role_span or e.span))
        for q in record.quotes:
            if q.speaker in names:
                line = quotes.setdefault(q.span.text, QuoteLine(text=q.span.text, variation="exact", independent_sources=0, cites=[]))
                line.cites.append(numbering.cite(q.span))
                line.independent_sources = len({c.article_id for c in line.cites})
    story_ids = list(dict.fromkeys(s for s in (sl.story_of(aid) for aid in ids) if s))
    stories = []
    for sid in story_ids:
        story = sl.story(sid)
        stories.append(
            StoryRow(
                id=story.id,
                title=story.title,
                size=len(story.article_ids),
                outlets=sorted({a.outlet for a in sl.articles(story.article_ids) if a.outlet}),
                first_seen=iso(story.first_seen),
                last_seen=iso(story.last_seen),
                url=story_url(story.id),
            )
        )
    return EntityContext(
        name=name,
        labels=sorted({r.label for r in rows}),
        variants=sorted(variants, key=str.lower),
        roles=[RoleRow(outlet=o, role=r, cites=c) for (o, r), c in sorted(roles.items())],
        quotes=sorted(quotes.values(), key=lambda q: -len(q.cites)),
        stories=stories,
        articles=numbering.columns,
        api_url="/api" + entity_url(name),
    )

