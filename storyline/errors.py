"""Storyline's exceptions.

    StorylineError            every error Storyline raises on purpose; the CLI prints its message
    ├── InputError            one input (file, line, URL, record) cannot be ingested; the batch goes on
    ├── StoreError            the store cannot be opened or is not a Storyline store
    │   ├── StoreFull         the disk (or the store's size limit) is full            exit 74, HTTP 507
    │   ├── StoreBusy         another process held the write lock past the timeout    exit 75, HTTP 503
    │   └── StoreReadOnly     a write to a store opened read-only                     exit 77, HTTP 503
    └── NotFound              an article or story id that is not in the store
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class: the message is one line meant for the user, never a traceback.

    ``exit_code`` is the CLI's exit status for it and ``http_status`` the server's answer."""

    exit_code: int = 1
    http_status: int = 400


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

    http_status = 503


class StoreFull(StoreError):
    """SQLite found the disk (or ``max_page_count``) full: the open transaction was rolled back."""

    exit_code = 74  # sysexits EX_IOERR
    http_status = 507


class StoreBusy(StoreError):
    """Another process held the store's write lock longer than ``Settings.store_lock_timeout``."""

    exit_code = 75  # sysexits EX_TEMPFAIL: try again later
    http_status = 503


class StoreReadOnly(StoreError):
    """A write to a store that is read-only on disk (it opens for browsing only)."""

    exit_code = 77  # sysexits EX_NOPERM
    http_status = 503


class NotFound(StorylineError):
    """An id that the store does not hold."""

    http_status = 404
