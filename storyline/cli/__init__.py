"""The ``storyline`` command line: one command per stage, each a thin shell over `Storyline`.

Importing the package registers every command on `cli`: ``ingest`` (`storyline.cli.ingesting`),
the readers (`storyline.cli.reading`), ``serve`` (`storyline.cli.serving`) and the always-on
commands of `storyline.watch.cli`; `storyline.cli.boundary` is their one error boundary.
"""

from __future__ import annotations

from storyline.cli import ingesting, reading, serving  # noqa: F401 - importing a module registers its commands
from storyline.cli.group import cli, console, err_console, open_storyline
from storyline.watch.cli import register as register_watch_commands

# The always-on commands (issue 14): watch, sources, watchlist, alerts.
register_watch_commands(cli, open_storyline, console, err_console)


def main() -> None:
    cli(prog_name="storyline")


__all__ = ["cli", "console", "err_console", "main"]
