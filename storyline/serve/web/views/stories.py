"""The story list (``/``, twin ``/api/stories``): stories filtered, sorted and paged."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from storyline.access import STORY_SORTS
from storyline.dates import iso_utc
from storyline.api import Storyline
from storyline.models import Brief
from storyline.serve.web.views.links import source_name, story_url
from storyline.serve.web.views.contexts import StoryRow, StoryListContext


def story_list(
    sl: Storyline,
    *,
    q: str | None = None,
    outlet: str | None = None,
    sort: str = "size",
    order: str = "desc",
    limit: int = 50,
    offset: int = 0,
    base: str = "/",
    since: datetime | None = None,
) -> StoryListContext:
    total, rows = sl.story_listing(q=q, outlet=outlet, sort=sort, descending=order == "desc", limit=limit, offset=offset, since=since)
    since_iso = iso_utc(since) if since is not None else None
    params = {"q": q or None, "outlet": outlet or None, "sort": sort, "order": order, "limit": limit, "since": since_iso}

    def url(**changes: Any) -> str:
        merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
        return f"{base}?{urlencode(merged)}"

    sort_urls = {
        key: url(sort=key, order=("asc" if sort == key and order == "desc" else "desc"), offset=None)
        for key in STORY_SORTS
    }
    return StoryListContext(
        stories=[_with_brief(StoryRow(**asdict(row), url=story_url(row.id)), sl.reader.last_brief(row.id)) for row in rows],
        total=total,
        q=q,
        outlet=outlet,
        sort=sort,
        order=order,
        limit=limit,
        offset=offset,
        next_url=url(offset=offset + limit) if offset + limit < total else None,
        prev_url=url(offset=max(0, offset - limit) or None) if offset > 0 else None,
        outlets=[name for name, _ in sl.reader.outlets()],
        sort_urls=sort_urls,
        max_size=max((row.size for row in rows), default=1),
    )



def _with_brief(row: StoryRow, brief: Brief | None) -> StoryRow:
    """The row with what helps choose a story: its lede, its independent sources (rewrites
    folded) and how many disagreements it has, from the brief last built (none is built here)."""
    if brief is None:
        return row
    row.lede = brief.summary[0].span.text if brief.summary else None
    refs = {a.id: a for a in brief.articles}
    families = [[refs[i] for i in family if i in refs] for family in brief.families] or [[a] for a in brief.articles]
    families = [f for f in families if f]
    row.independent_sources = len(families)
    row.disagreements = len(brief.discrepancies)
    for family in families:
        # The family goes by its first member with an outlet: the rewrite most likely its source.
        lead = next((a for a in family if a.outlet), family[0])
        row.sources.append(source_name(lead) or "an untitled article")
        row.rewrites += [f"{source_name(a) or 'an untitled article'} (rewrite of {row.sources[-1]})" for a in family if a is not lead]
    return row
