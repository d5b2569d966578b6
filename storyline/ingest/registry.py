"""The reader registry: each input kind is a named reader with a content sniffer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.models import Article

if TYPE_CHECKING:
    from storyline.errors import InputError
    from storyline.ingest.source import Source
    from storyline.settings import Settings

ReadResult = Iterator["Article | InputError"]


@dataclass(frozen=True)
class Reader:
    """A registered reader.

    ``sniff(source)`` says whether this reader can read the source; higher ``priority`` wins
    when several say yes. ``read(source, settings)`` yields an `Article` per article found and an
    `InputError` for each part that could not be read (one bad JSONL line, one bad WARC record),
    so the rest of the input goes on. It raises `InputError` when nothing of the input is usable.
    """

    name: str
    sniff: Callable[[Source], bool]
    read: Callable[[Source, Settings], ReadResult]
    priority: int = 0


READERS: dict[str, Reader] = {}


def reader(name: str, *, sniff: Callable[[Source], bool], priority: int = 0):
    """Register ``func(source, settings)`` as the reader called ``name``."""

    def register(func: Callable[[Source, Settings], ReadResult]):
        existing = READERS.get(name)
        if existing is not None and existing.read is not func:
            raise ValueError(f"a reader named {name!r} is already registered")
        READERS[name] = Reader(name=name, sniff=sniff, read=func, priority=priority)
        return func

    return register


def reader_for(source: Source) -> Reader | None:
    """The highest-priority reader whose sniffer accepts ``source``, or None."""
    matches = [r for r in READERS.values() if r.sniff(source)]
    return max(matches, key=lambda r: r.priority) if matches else None
