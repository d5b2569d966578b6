"""``storyline serve``: the web UI and JSON API, optionally with a watcher in the background."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click
from rich.text import Text

from storyline.api import Storyline
from storyline.cli.group import cli, err_console
from storyline.serve.render import terminal_safe
from storyline.watch.cli import Duration


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
