"""Storyline's exceptions.

    StorylineError            every error Storyline raises on purpose; the CLI prints its message
    ├── InputError            one input (file, line, URL, record) cannot be ingested; the batch goes on
    ├── StoreError            the store cannot be opened or is not a Storyline store
    └── NotFound              an article or story id that is not in the store
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class: the message is one line meant for the user, never a traceback."""


class InputError(StorylineError):
    """One input cannot be ingested. ``source`` names it (path, ``path:line``, URL)."""

    def __init__(self, source: str, reason: str) -> None:
        # Library messages (warcio, lxml) span lines; the user gets one line per input.
        reason = " ".join(reason.split())
        super().__init__(" ".join(f"{source}: {reason}".split()))
        self.source = source
        self.reason = reason

    def __reduce__(self):
        # Pickle with both arguments: errors travel back from worker processes and Dask workers.
        return (type(self), (self.source, self.reason))


class InvalidParameter(StorylineError):
    """A value a person typed (an option, a query parameter) that Storyline cannot use."""

    exit_code = 2  # click's status for a bad option
    http_status = 400


class StoreError(StorylineError):
    """The store cannot be opened, migrated or written."""


class NotFound(StorylineError):
    """An id that the store does not hold."""
