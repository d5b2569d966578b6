"""``storyline ingest``: articles in, with a progress bar and what an interrupted run kept."""

from __future__ import annotations

import sys

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from storyline.cli.group import cli, console, err_console, open_storyline
from storyline.serve.render import terminal_safe


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

        stored_before = sl.reader.count_articles()
        try:
            report = sl.ingest(paths, stdin=stdin, progress=advance, engine=engine, scheduler=scheduler, on_total=set_total)
        except KeyboardInterrupt:
            # The open batch was rolled back; finished batches are stored and a re-run skips them.
            kept = sl.reader.count_articles() - stored_before
            click.secho(f"interrupted: {kept} new articles stored; run the same command again to finish", err=True, fg="yellow")
            ctx.exit(130)
    for error in report.errors:
        click.secho(terminal_safe(f"error: {error}"), err=True, fg="red")
    console.print(report.summary())
    if report.errors:
        ctx.exit(1)
