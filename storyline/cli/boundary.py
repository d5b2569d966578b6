"""The command line's one error boundary: every failure a user can cause or meet is one line on
standard error and an exit status, never a traceback.

Every command runs inside `StorylineGroup.invoke`, so no command needs its own ``try``:

- a `StorylineError` prints its message; the status is its class's ``exit_code`` (1 unless the
  class says otherwise, e.g. 2 for an `InvalidParameter`);
- Ctrl+C prints ``interrupted`` and exits 130 (a command that can say more, like ``ingest``
  with what it kept, says it first);
- an SQLite error no layer below turned into a `StorylineError` (disk full, a locked or
  damaged file) and any other operating-system error print the library's message on one line;
- a closed pipe (``storyline articles --format jsonl | head``) ends quietly.

``storyline/__main__.py`` (the ``storyline`` script and ``python -m storyline``) loads the
commands under the same rule: a Ctrl+C while spaCy and scikit-learn load is ``interrupted`` too.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from typing import Any

import click

from storyline.errors import StorylineError

INTERRUPTED = 130


class OneLineError(click.ClickException):
    """A `click.ClickException` with its own exit status; click prints ``Error: MESSAGE``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(" ".join(message.split()) or "failed")
        self.exit_code = exit_code  # type: ignore[misc]  # click reads it from the instance


class StorylineGroup(click.Group):
    """The ``storyline`` group: runs its commands (and their subgroups') inside the error boundary."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except StorylineError as exc:
            raise OneLineError(str(exc), getattr(exc, "exit_code", 1)) from None
        except KeyboardInterrupt:
            raise OneLineError("interrupted", INTERRUPTED) from None
        except sqlite3.Error as exc:
            raise OneLineError(f"store: {exc}") from None
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(1)
        except OSError as exc:
            raise OneLineError(str(exc)) from None


def _silence_stdout() -> None:
    """The reader went away: point standard output at /dev/null so the final flush cannot fail."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass
