"""The ``storyline watch``, ``sources``, ``watchlist`` and ``alerts`` commands (registered on the
main click group by `storyline.cli`)."""

from __future__ import annotations

import json
import re
import signal
import threading
from datetime import datetime
from typing import Any

import click
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from storyline.api import Storyline
from storyline.dates import parse_time
from storyline.errors import InvalidParameter, StorylineError
from storyline.serve.render import terminal_safe
from storyline.watch.scheduler import CycleReport, Watcher

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


class Duration(click.ParamType):
    """``10m``, ``30s``, ``1.5h``, ``2d`` or plain seconds."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        found = _DURATION.match(str(value))
        if not found:
            self.fail(f"{value!r} is not a duration (e.g. 10m, 30s, 1h)", param, ctx)
        return float(found.group(1)) * _UNITS[found.group(2)]


class When(click.ParamType):
    """An ISO 8601 date or time (``2025-12-01T08:00``; UTC unless it has an offset)."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        try:
            return parse_time(value)
        except InvalidParameter as exc:
            self.fail(str(exc), param, ctx)


def status_table(watcher: Watcher, last: CycleReport | None) -> Group:
    table = Table(show_edge=False, title=None)
    for column in ("source", "kind", "status", "detail"):
        table.add_column(column, overflow="ellipsis", no_wrap=True, max_width=70 if column in ("source", "detail") else None)
    styles = {"new": "green", "unchanged": "dim", "failed": "red", "waiting": "yellow"}
    for status in watcher.statuses.values():
        # The live display is drawn outside the console's render hook: strip here.
        table.add_row(Text(terminal_safe(status.name)), status.kind, Text(status.status, style=styles.get(status.status, "")), Text(terminal_safe(status.detail)))
    head = Text(terminal_safe(last.line()) if last else "first cycle…", style="bold")
    return Group(head, table)


def install_stop_handlers(stop: threading.Event, err: Console) -> dict[int, Any]:
    """First SIGINT/SIGTERM: finish the cycle under way, then stop. Second: stop now (the open
    batch rolls back; stored batches stay, and the next run reads again what was not stored)."""

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        err.print(f"{signal.Signals(signum).name}: stopping after this cycle (again to stop now)")

    previous: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, handler)
    return previous


def run_watch(
    sl: Storyline,
    sources: list[str],
    *,
    every: float,
    cycles: int | None,
    delay: float,
    webhook: str | None,
    quiet: bool,
    console: Console,
    err: Console,
) -> int:
    """Run the watch loop in the foreground; returns the exit status."""
    watcher = Watcher(sl, sources, every=every, delay=delay, webhook=webhook)
    if not watcher.source_names():
        raise click.UsageError("nothing to watch: name feeds, files or folders, or keep some with: storyline sources add URL")
    stop = threading.Event()
    previous = install_stop_handlers(stop, err)
    live_on = err.is_terminal and not quiet
    failed_any = False
    try:
        with Live(status_table(watcher, None), console=err, refresh_per_second=2, transient=False, auto_refresh=live_on) if live_on else _Null() as live:

            def on_cycle(report: CycleReport) -> None:
                nonlocal failed_any
                failed_any = failed_any or bool(report.errors)
                click.echo(terminal_safe(report.line()))
                for error in report.errors:
                    err.print(Text(f"error: {error}", style="red"))
                for alert in report.alerts:
                    console.print(Text(f"alert [{alert['watch']}] {alert['kind']}: {alert.get('text') or ''}", style="yellow"))
                if live is not None:
                    live.update(status_table(watcher, report))

            ran = watcher.run(cycles=cycles, stop=stop, on_cycle=on_cycle)
    except KeyboardInterrupt:
        err.print(Text("interrupted: the open batch was rolled back; stored batches are kept and the next run reads the rest", style="yellow"))
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        watcher.close()
    if stop.is_set():
        err.print(f"stopped after {ran} cycles")
    return 1 if failed_any and cycles is not None else 0


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def register(cli: click.Group, open_storyline: Any, console: Console, err_console: Console) -> None:
    """Add the always-on commands to ``cli``."""

    @cli.command()
    @click.argument("sources", nargs=-1)
    @click.option("--every", type=Duration(), default="10m", show_default=True, help="Time between cycles (10m, 30s, 1h).")
    @click.option("--once", is_flag=True, help="Run one cycle and exit.")
    @click.option("--cycles", type=click.IntRange(1), default=None, help="Run this many cycles and exit.")
    @click.option("--delay", type=Duration(), default="1s", show_default=True, help="Pause between two requests to one host (robots.txt Crawl-delay wins when larger).")
    @click.option("--webhook", metavar="URL", help="POST each new alert as JSON to this URL (retried).")
    @click.option("--fetch-links", is_flag=True, help="Feed entries with only a summary: fetch and extract the linked page.")
    @click.option("--allow-private", is_flag=True, help="Allow URLs on loopback, private and link-local addresses.")
    @click.option("--quiet", "-q", is_flag=True, help="No live status: one line per cycle.")
    @click.pass_context
    def watch(ctx: click.Context, sources: tuple[str, ...], every: float, once: bool, cycles: int | None, delay: float, webhook: str | None, fetch_links: bool, allow_private: bool, quiet: bool) -> None:
        """Follow feeds, OPML lists, files and folders, ingesting only what is new or changed.

        Each cycle sends conditional requests (ETag, Last-Modified), honours robots.txt, waits
        between requests to one host and backs off from failing sources. Sources kept with
        `storyline sources add` are watched too. Ctrl+C finishes the cycle under way.

        Example: storyline watch https://example.org/feed.xml feeds.opml drops/ --every 10m
        """
        sl = open_storyline(ctx)
        if fetch_links or allow_private:
            sl.settings = sl.settings.with_(
                fetch_links=fetch_links or sl.settings.fetch_links,
                allow_private_addresses=allow_private or sl.settings.allow_private_addresses,
            )
        status = run_watch(sl, list(sources), every=every, cycles=1 if once else cycles, delay=delay, webhook=webhook, quiet=quiet, console=console, err=err_console)
        ctx.exit(status)

    @cli.group()
    def sources() -> None:
        """Sources kept in the store for `storyline watch` (feeds, OPML files, folders)."""

    @sources.command("add")
    @click.argument("names", nargs=-1, required=True)
    @click.pass_context
    def sources_add(ctx: click.Context, names: tuple[str, ...]) -> None:
        """Keep sources to watch. Example: storyline sources add https://example.org/feed.xml"""
        sl = open_storyline(ctx)
        for name in names:
            new = sl.watch_book.keep_source(name)
            click.echo(f"{'added' if new else 'already kept'}: {name}")

    @sources.command("list")
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
    @click.pass_context
    def sources_list(ctx: click.Context, fmt: str) -> None:
        """List kept sources with their last state."""
        sl = open_storyline(ctx)
        rows = sl.reader.watch_sources()
        if fmt == "json":
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table(show_edge=False)
        for column in ("source", "added", "failures", "last error"):
            table.add_column(column, overflow="fold")
        for row in rows:
            state = row["state"]
            table.add_row(Text(row["source"]), row["added_at"][:16], str(state.get("failures", 0)), Text(state.get("last_error", "")))
        console.print(table)

    @sources.command("remove")
    @click.argument("names", nargs=-1, required=True)
    @click.pass_context
    def sources_remove(ctx: click.Context, names: tuple[str, ...]) -> None:
        """Stop keeping sources (their stored articles stay)."""
        sl = open_storyline(ctx)
        missing = []
        for name in names:
            if sl.watch_book.forget_source(name):
                click.echo(f"removed: {name}")
            else:
                missing.append(name)
        if missing:
            raise StorylineError(f"not kept: {', '.join(missing)}")

    @cli.group()
    def watchlist() -> None:
        """People, organisations, places or keywords to be alerted about."""

    @watchlist.command("add")
    @click.argument("terms", nargs=-1, required=True)
    @click.pass_context
    def watchlist_add(ctx: click.Context, terms: tuple[str, ...]) -> None:
        """Watch names (resolved to stored entities when known) or keywords.

        Example: storyline watchlist add "Marco Rubio" drones
        """
        sl = open_storyline(ctx)
        for term in terms:
            entry = sl.add_to_watchlist(term)
            what = f"entity {entry['name']!r}" if entry["kind"] == "entity" else f"keyword {entry['name']!r}"
            click.echo(f"{'watching' if entry['new'] else 'already watching'} {what} (#{entry['id']})")

    @watchlist.command("list")
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
    @click.pass_context
    def watchlist_list(ctx: click.Context, fmt: str) -> None:
        """List watched entities and keywords."""
        sl = open_storyline(ctx)
        rows = sl.reader.watchlist()
        if fmt == "json":
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            console.print(Text(f"#{row['id']}  {row['kind']:<8} {row['name']}" + (f"  (as typed: {row['term']})" if row["term"] != row["name"] else "")))

    @watchlist.command("remove")
    @click.argument("terms", nargs=-1, required=True)
    @click.pass_context
    def watchlist_remove(ctx: click.Context, terms: tuple[str, ...]) -> None:
        """Stop watching (by term, name or #id)."""
        sl = open_storyline(ctx)
        for term in terms:
            removed = sl.remove_from_watchlist(term.lstrip("#"))
            if not removed:
                raise StorylineError(f"not on the watchlist: {term}")
            click.echo(f"removed: {term}")

    @cli.command()
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
    @click.option("--ack", "--mark-seen", "ack", is_flag=True, help="Mark the alerts shown as seen, so the next look does not show them.")
    @click.option("--peek", is_flag=True, hidden=True, help="Kept for old scripts: looking never marks anything now.")
    @click.pass_context
    def alerts(ctx: click.Context, fmt: str, ack: bool, peek: bool) -> None:
        """New stories, quotes and discrepancies matching the watchlist, not acknowledged yet.

        Looking marks nothing: --ack marks the alerts shown as seen (or POST /api/alerts/ack).
        Example: storyline alerts --format json; storyline alerts --ack
        """
        sl = open_storyline(ctx)
        rows = sl.alerts()
        if ack and rows:
            sl.acknowledge_alerts([row["id"] for row in rows])
        if fmt == "json":
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            console.print("no new alerts")
            return
        for row in rows:
            where = row.get("story_id") or row.get("article_id") or ""
            console.print(Text(f"[{row['watch']}] {row['kind']} {where}  {row.get('title') or ''}", style="bold"))
            console.print(Text(f"  {row.get('speaker') + ': ' if row.get('speaker') else ''}{row.get('text') or ''}"))
        if ack:
            console.print(Text(f"{len(rows)} marked seen", style="dim"))
