"""The ``storyline`` command line: one command per stage, each a thin shell over `Storyline`."""

from __future__ import annotations

import ipaddress
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from storyline.api import Storyline
from storyline.cli_boundary import StorylineGroup
from storyline.serve.render import article_to_jsonl, brief_to_json, brief_to_markdown, fitted_table, outlet_column, print_brief, terminal_console, terminal_safe
from storyline.watch.cli import Duration, When
from storyline.watch.cli import register as register_watch_commands

# Both strip control characters from what they print: titles and text come from articles.
console = terminal_console()
err_console = terminal_console(stderr=True)


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help="Output format.")


def open_storyline(ctx: click.Context) -> Storyline:
    sl = Storyline(ctx.obj["db"])
    ctx.call_on_close(sl.close)
    return sl


@click.group(cls=StorylineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="STORYLINE_DB",
    default="storyline.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The SQLite store (also STORYLINE_DB).",
)
@click.version_option(package_name="storyline")
@click.pass_context
def cli(ctx: click.Context, db: str) -> None:
    """Storyline: many outlets' articles in, one source-attributed account per story out.

    Example: storyline ingest ../shared/data/seeds && storyline stories
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only errors and the summary.")
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where enrichment runs: this machine's cores, or a Dask cluster.",
)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786); without it --engine dask starts a LocalCluster.")
@click.option("--workers", type=int, default=None, help="Worker processes (local pool or LocalCluster); default: one per CPU (local), 2 (dask).")
@click.option("--fetch-links", is_flag=True, help="Feed entries with only a summary: fetch and extract the linked page.")
@click.option("--allow-private", is_flag=True, help="Allow fetching URLs on loopback, private and link-local addresses.")
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    quiet: bool,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    fetch_links: bool,
    allow_private: bool,
) -> None:
    """Ingest articles from files, folders, globs, URLs, or - (JSONL on standard input).

    Reads plain text, JSONL, HTML pages, RSS/Atom feeds, WARC/ARC archives, URLs and files
    of URLs, chosen by content.

    Example: storyline ingest ../shared/data/seeds articles.jsonl https://example.org/feed.xml
    """
    sl = open_storyline(ctx)
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if workers is not None:
        sl.settings = sl.settings.with_(workers=workers)
    if fetch_links or allow_private:
        sl.settings = sl.settings.with_(
            fetch_links=fetch_links or sl.settings.fetch_links,
            allow_private_addresses=allow_private or sl.settings.allow_private_addresses,
        )
    columns = (
        SpinnerColumn(),
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, disable=quiet or not err_console.is_terminal, transient=True) as bar:
        task = bar.add_task("ingest", total=None, rate="")

        def advance(n: int) -> None:
            bar.advance(task, n)
            done = bar.tasks[0].completed
            elapsed = bar.tasks[0].elapsed or 0
            bar.update(task, rate=f"{done / elapsed:.1f} articles/s" if elapsed else "")

        def set_total(total: int) -> None:
            bar.update(task, total=total)

        stored_before = sl.article_count()
        try:
            report = sl.ingest(paths, stdin=stdin, progress=advance, engine=engine, scheduler=scheduler, on_total=set_total)
        except KeyboardInterrupt:
            # The open batch was rolled back; finished batches are stored and a re-run skips them.
            kept = sl.article_count() - stored_before
            click.secho(f"interrupted: {kept} new articles stored; run the same command again to finish", err=True, fg="yellow")
            ctx.exit(130)
    for error in report.errors:
        click.secho(terminal_safe(f"error: {error}"), err=True, fg="red")
    console.print(report.summary())
    if report.errors:
        ctx.exit(1)


def with_enrichment_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--with-enrichment", is_flag=True, help="jsonl: add each article's enrichment (sentences, entities, quotes, times, numbers).")(func)


def write_jsonl(sl: Storyline, article_ids: list[str] | None, with_enrichment: bool, output: Any) -> None:
    """One full record per line: what `storyline ingest FILE.jsonl` reads back as the same articles."""
    if with_enrichment:
        for enriched in sl.enriched_articles(article_ids):
            output.write(article_to_jsonl(enriched.article, sl.story_of(enriched.article.id), enriched) + "\n")
    else:
        for article in sl.articles(article_ids):
            output.write(article_to_jsonl(article, sl.story_of(article.id)) + "\n")


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
            "story_id": sl.story_of(a.id),
            "source": a.source,
        }
        for a in sl.articles()
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
    for story in [c["story"] for c in changed.values()] if since is not None else sl.stories():
        named = [a.outlet for a in sl.articles(story.article_ids)]
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
    print_brief(sl.brief(story_id), console)


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
    article_id = sl.resolve_article_id(article_id)
    relations = [r for r in sl.relations([article_id]) if article_id in (r.article_id, r.other_id)]
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


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind; the default serves this machine only.")
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--base-url", envvar="STORYLINE_BASE_URL", metavar="URL", help="Where readers reach the site, for the Atom feed's links (also STORYLINE_BASE_URL); default http://HOST:PORT.")
@click.option("--get", "get_path", metavar="PATH", help="Print the response for PATH (e.g. /api/stories) and exit, without starting a server.")
@click.option("--watch", "watch_sources", multiple=True, metavar="SOURCE", help="Also watch this feed, OPML file or folder in the background (repeatable).")
@click.option("--every", type=Duration(), default="10m", show_default=True, help="With --watch: time between cycles.")
@click.option("--allow-private", is_flag=True, help="With --watch: allow URLs on loopback, private and link-local addresses.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, base_url: str | None, get_path: str | None, watch_sources: tuple[str, ...], every: float, allow_private: bool) -> None:
    """Browse the store in a web browser: stories, briefs, articles, entities, search, JSON API.

    Example: storyline serve --port 8000  (then open http://127.0.0.1:8000/)
    """
    db = Path(ctx.obj["db"])
    if watch_sources and not db.exists():
        Storyline(db).close()  # the watcher fills a new store
    if not db.exists():
        raise click.ClickException(f"{db}: no such store; create it with: storyline --db {db} ingest PATH")
    from storyline.serve.web import create_app  # FastAPI loads only for this command

    app = create_app(db, base_url=base_url or f"http://{_url_host(host)}:{port}")
    if get_path is not None:
        from fastapi.testclient import TestClient

        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get(get_path)
        click.echo(terminal_safe(response.text))
        if response.status_code >= 400:
            ctx.exit(1)
        return
    import uvicorn

    if not _is_loopback(host):
        err_console.print(
            f"warning: serving on {host}, beyond this machine: anyone who can reach it reads the whole store (there is no login)."
            + ("" if base_url else " Set --base-url to the address readers use, for the Atom feed's links.")
        )
    err_console.print(f"Serving {db} at http://{_url_host(host)}:{port}/  (Ctrl+C to stop)")
    if not watch_sources:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    from storyline.watch.background import BackgroundWatcher

    with BackgroundWatcher(db, list(watch_sources), every=every, allow_private=allow_private, log=lambda line: err_console.print(Text(line))):
        uvicorn.run(app, host=host, port=port, log_level="warning")


def _is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


# The always-on commands (issue 14): watch, sources, watchlist, alerts.
register_watch_commands(cli, open_storyline, console, err_console)


def main() -> None:
    cli(prog_name="storyline")


__all__ = ["cli", "main"]
