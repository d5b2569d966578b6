"""The commands that read the store: ``articles``, ``stories``, ``show``, ``related`` and ``export``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

import click
from rich.text import Text

from storyline.api import Storyline
from storyline.cli.group import cli, console, err_console, format_option, open_storyline
from storyline.serve.render import article_to_jsonl, brief_to_json, brief_to_markdown, fitted_table, outlet_column, print_brief
from storyline.watch.cli import When


def with_enrichment_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--with-enrichment", is_flag=True, help="jsonl: add each article's enrichment (sentences, entities, quotes, times, numbers).")(func)


def write_jsonl(sl: Storyline, article_ids: list[str] | None, with_enrichment: bool, output: Any) -> None:
    """One full record per line: what `storyline ingest FILE.jsonl` reads back as the same articles."""
    if with_enrichment:
        for enriched in sl.reader.iter_enriched(article_ids):
            output.write(article_to_jsonl(enriched.article, sl.reader.story_of(enriched.article.id), enriched) + "\n")
    else:
        for article in sl.reader.iter_articles(article_ids):
            output.write(article_to_jsonl(article, sl.reader.story_of(article.id)) + "\n")


@cli.command()
@format_option("table", "json", "jsonl")
@click.option("--show-removed", "show_removed", metavar="ID", help="Print what page furniture was removed from this article.")
@with_enrichment_option
@click.pass_context
def articles(ctx: click.Context, fmt: str, show_removed: str | None, with_enrichment: bool) -> None:
    """List stored articles, or what ingest removed from one of them.

    --format jsonl writes every article in full (text, metadata, removed furniture), one per
    line, in a form `storyline ingest` reads back.

    Example: storyline articles --format json; storyline articles --format jsonl > all.jsonl;
    storyline articles --show-removed 848c0234
    """
    sl = open_storyline(ctx)
    if fmt == "jsonl" and not show_removed:
        write_jsonl(sl, None, with_enrichment, sys.stdout)
        return
    if show_removed:
        article = sl.article(show_removed)
        removed = [fragment.as_dict() for fragment in article.removed]
        if fmt == "json":
            click.echo(json.dumps({"id": article.id, "removed": removed}, ensure_ascii=False, indent=2))
            return
        console.print(Text(f"{article.id}  {article.title or '(untitled)'}: {len(removed)} fragment(s) removed"))
        for fragment in article.removed:
            console.print(Text(f"[{fragment.reason}]", style="bold"))
            console.print(Text(fragment.text))
        return
    rows: list[dict[str, Any]] = [
        {
            "id": a.id,
            "title": a.title,
            "outlet": a.outlet,
            "published": a.published.isoformat() if a.published else None,
            "url": a.url,
            "words": len(a.text.split()),
            "story_id": sl.reader.story_of(a.id),
            "source": a.source,
        }
        for a in sl.reader.iter_articles()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    # One line per article at any width: titles and outlets share what the fixed columns leave,
    # and below 120 columns article ids shorten to 8 characters (any unique prefix is accepted back).
    short = console.width < 120
    cells = [
        (
            row["id"][:8] if short else row["id"],
            Text(row["title"] or "(untitled)"),
            Text(row["outlet"] or ""),
            (row["published"] or "")[:10],
            str(row["words"]),
            row["story_id"] or "",
        )
        for row in rows
    ]
    table = fitted_table(("id", "title", "outlet", "published", "words", "story"), cells, flexible={"title": 3, "outlet": 1}, width=console.width)
    console.print(table)


@cli.command()
@format_option("table", "json")
@click.option("--since", type=When(), default=None, help="Only stories new or changed since this time (ISO, UTC unless an offset is given), latest first.")
@click.pass_context
def stories(ctx: click.Context, fmt: str, since: datetime | None) -> None:
    """List stories, largest first.

    Example: storyline stories --format json; storyline stories --since 2025-12-01T08:00
    """
    sl = open_storyline(ctx)
    rows: list[dict[str, Any]] = []
    changed: dict[str, dict[str, Any]] = {}
    if since is not None:
        changed = {c["story"].id: c for c in sl.all_story_changes(since)}
    for story in [c["story"] for c in changed.values()] if since is not None else sl.reader.list_stories():
        named = [a.outlet for a in sl.reader.iter_articles(story.article_ids)]
        outlets = sorted({o for o in named if o})
        rows.append(
            {
                "id": story.id,
                "title": story.title,
                "size": len(story.article_ids),
                "outlets": outlets,
                "unnamed_outlet_articles": sum(1 for o in named if not o),
                "first_seen": story.first_seen.isoformat() if story.first_seen else None,
                "last_seen": story.last_seen.isoformat() if story.last_seen else None,
                "article_ids": story.article_ids,
            }
        )
        if story.id in changed:
            rows[-1]["created_at"] = changed[story.id]["created_at"]
            rows[-1]["updated_at"] = changed[story.id]["updated_at"]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    # One line per story at any width (a title wrapped over 8 lines at 80 columns): the first and
    # last days share a column, titles and outlets share what the fixed columns leave.
    cells = [
        (row["id"], Text(row["title"] or "(untitled)"), str(row["size"]), Text(outlet_column(row["outlets"], row["unnamed_outlet_articles"])), _days(row["first_seen"], row["last_seen"]))
        for row in rows
    ]
    console.print(fitted_table(("id", "title", "size", "outlets", "seen"), cells, flexible={"title": 3, "outlets": 1}, width=console.width))


def _days(first: str | None, last: str | None) -> str:
    """First and last day seen in one short column: "2025-12-01", "2025-11-30…12-01"."""
    a, b = (first or "")[:10], (last or "")[:10]
    if not b or a == b:
        return a
    if not a:
        return b
    return f"{a}…{b[5:]}" if a[:4] == b[:4] else f"{a}…{b}"


@cli.command()
@click.argument("story_id")
@click.pass_context
def show(ctx: click.Context, story_id: str) -> None:
    """Print a story's brief in the terminal.

    Example: storyline show s2695c11a9b6
    """
    sl = open_storyline(ctx)
    brief = sl.brief(story_id)
    if sl.reader.story_alias_target(story_id) is not None:
        # An id published before a merge: say where it leads (on stderr, so the brief stays clean).
        err_console.print(Text(f"{story_id} was merged into {brief.story_id}; showing {brief.story_id}"))
    print_brief(brief, console)


@cli.command()
@click.argument("article_id")
@format_option("table", "json")
@click.option("--pairs", default=5, show_default=True, help="Aligned sentence pairs to show per derivation.")
@click.pass_context
def related(ctx: click.Context, article_id: str, fmt: str, pairs: int) -> None:
    """List an article's near-duplicates and derivations (rewrites, paraphrases) with evidence.

    Example: storyline related 848c0234
    """
    sl = open_storyline(ctx)
    article_id = sl.reader.resolve_article_id(article_id)
    relations = [r for r in sl.reader.relations_for([article_id]) if article_id in (r.article_id, r.other_id)]
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in relations], ensure_ascii=False, indent=2))
        return
    if not relations:
        console.print(Text(f"{article_id}: no near-duplicates or derivations found"))
        return
    for r in relations:
        other = r.other_id if r.article_id == article_id else r.article_id
        if r.direction is None:
            way = "direction unknown"
        else:
            source = r.article_id if r.direction == "article->other" else r.other_id
            way = "this article derives from it" if source == other else "it derives from this article"
        head = f"{r.kind} {other}  score {r.score:.2f}  {way}"
        console.print(Text(head + (f" ({r.direction_reason})" if r.direction_reason else ""), style="bold"))
        for a, b in r.evidence[:pairs]:
            mine, theirs = (a, b) if a.article_id == article_id else (b, a)
            console.print(Text(f"  this:  {mine.text}"))
            console.print(Text(f"  other: {theirs.text}"), style="dim")
        if len(r.evidence) > pairs:
            console.print(Text(f"  ... {len(r.evidence) - pairs} more aligned pairs (--pairs N)"))


@cli.command()
@click.argument("story_id")
@format_option("json", "markdown", "jsonl")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="Write here instead of standard output.")
@with_enrichment_option
@click.pass_context
def export(ctx: click.Context, story_id: str, fmt: str, output: Any, with_enrichment: bool) -> None:
    """Export a story's brief as JSON (versioned schema) or Markdown, or its articles as JSONL.

    Example: storyline export s2695c11a9b6 --format markdown -o brief.md
    """
    sl = open_storyline(ctx)
    if fmt == "jsonl":
        write_jsonl(sl, sl.story(story_id).article_ids, with_enrichment, output)
        return
    brief = sl.brief(story_id)
    output.write(brief_to_json(brief) + "\n" if fmt == "json" else brief_to_markdown(brief))
