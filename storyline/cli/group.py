"""The ``storyline`` click group and what every command shares: the consoles, ``--format``, the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from storyline.api import Storyline
from storyline.cli.boundary import StorylineGroup
from storyline.serve.render import terminal_console

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
