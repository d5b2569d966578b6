"""The entity page (``/entities/NAME``): every role each outlet gives it, its quotes, its stories."""

from __future__ import annotations

import re
from collections import defaultdict

from storyline.api import Storyline
from storyline.errors import NotFound
from storyline.models import ArticleRef, Brief
from storyline.serve.web.views.links import Numbering, entity_url, iso, story_url
from storyline.serve.web.views.contexts import Cite, StoryRow, QuoteLine, RoleRow, EntityContext

TYPE_SUFFIX = re.compile(r"^(.+) \([A-Z_]+\)$")
"""How a brief tells apart two entities of one name, "Shell Bay Club (FAC)": no article writes it."""


def resolve_entity(sl: Storyline, name: str) -> str:
    """The stored name that ``name`` stands for: itself, itself without a brief's type suffix, or
    the entity whose listed variant it is ("Rubio" -> "Marco Rubio"). NotFound when none."""
    name = " ".join(name.split())
    if sl.reader.entity_articles(name):
        return name
    bare = TYPE_SUFFIX.match(name)
    if bare and sl.reader.entity_articles(bare.group(1)):
        return bare.group(1)
    folded = name.casefold()
    _, hits = sl.reader.search_entities(name, limit=20) if name else (0, [])
    for hit in hits:
        for story_id in _stories_of(sl, hit.name):
            for ent in sl.brief(story_id).entities:
                if folded in {v.casefold() for v in (ent.name, *ent.variants)}:
                    stored = TYPE_SUFFIX.match(ent.name)
                    for candidate in (ent.name, stored.group(1) if stored else None, *ent.variants):
                        if candidate and sl.reader.entity_articles(candidate):
                            return candidate
    raise NotFound(f"no entity {name!r}")


def _stories_of(sl: Storyline, name: str) -> list[str]:
    return list(dict.fromkeys(s for s in (sl.reader.story_of(r.article_id) for r in sl.reader.entity_articles(name)) if s))


def entity_page(sl: Storyline, name: str) -> EntityContext:
    name = resolve_entity(sl, name)
    rows = sl.reader.entity_articles(name)
    # The briefs know which spellings are one entity (Andriy/Andrii Yermak): gather them all.
    names = {name}
    briefs: list[Brief] = [sl.brief(story_id) for story_id in _stories_of(sl, name)]
    for brief in briefs:
        for ent in brief.entities:
            spellings = {ent.name, *ent.variants}
            bare = TYPE_SUFFIX.match(ent.name)
            if bare:
                spellings.add(bare.group(1))
            if name in spellings:
                names.update(spellings)
    rows = [r for n in sorted(names - {name}) for r in sl.reader.entity_articles(n)] + rows
    ids = list(dict.fromkeys(r.article_id for r in rows))
    records = list(sl.reader.iter_enriched(ids))
    # Number the articles as their story pages do: each story's articles in its brief's order.
    refs: dict[str, ArticleRef] = {}
    for brief in briefs:
        for ref in brief.articles:
            refs.setdefault(ref.id, ref)
    numbering = Numbering([*refs.values(), *(r.article for r in records if r.article.id not in refs)])

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
    story_ids = list(dict.fromkeys(s for s in (sl.reader.story_of(aid) for aid in ids) if s))
    stories = []
    for sid in story_ids:
        story = sl.story(sid)
        stories.append(
            StoryRow(
                id=story.id,
                title=story.title,
                size=len(story.article_ids),
                outlets=sorted({a.outlet for a in sl.reader.iter_articles(story.article_ids) if a.outlet}),
                first_seen=iso(story.first_seen),
                last_seen=iso(story.last_seen),
                url=story_url(story.id),
            )
        )
    return EntityContext(
        name=name,
        labels=sorted({r.label for r in rows}),
        variants=sorted(variants, key=str.lower),
        roles=[RoleRow(outlet=o, role=r, cites=c) for (o, r), c in sorted(roles.items(), key=lambda item: (min(c.n for c in item[1]), item[0][1]))],
        quotes=sorted(quotes.values(), key=lambda q: -len(q.cites)),
        stories=stories,
        articles=[c for c in numbering.columns if c.id in set(ids)],
        api_url="/api" + entity_url(name),
    )

