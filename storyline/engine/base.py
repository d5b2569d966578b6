"""The engine interface: ordered, bounded mapping of article batches to enriched results."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any

from storyline.errors import InputError, StorylineError
from storyline.models import Article, EnrichedArticle
from storyline.settings import Settings

Batch = list[Article]
Results = list[EnrichedArticle | InputError]


class EngineError(StorylineError):
    """The engine could not run a batch (a worker died, lacks Storyline, the scheduler went away).

    Every batch stored before it stays stored; running the ingest again carries on from there.
    """


class Engine(ABC):
    """Runs `storyline.engine.work.enrich_batch` over batches of articles.

    ``map_batches`` yields ``(batch, results)`` in the order the batches were given, so the
    store receives articles in the same order whatever the engine; only a bounded number of
    batches is in flight at once, so memory stays flat on long inputs.

    >>> with get_engine("local", Settings()) as engine:  # doctest: +SKIP
    ...     for batch, results in engine.map_batches([articles]):
    ...         ...
    """

    name = "engine"
    workers = 1

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def map_batches(self, batches: Iterable[Sequence[Article]], *, expected: int | None = None) -> Iterator[tuple[Batch, Results]]:
        """Yield ``(batch, results)`` in the given order; ``expected`` is the article count, when known."""

    def close(self) -> None:  # noqa: B027 - a hook: an engine without workers has nothing to release
        """Release workers; safe to call twice."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, "workers": self.workers}


def ordered_map(
    submit: Callable[[Batch], Future],
    batches: Iterable[Sequence[Article]],
    in_flight: int,
) -> Iterator[tuple[Batch, Results]]:
    """Submit up to ``in_flight`` batches ahead and yield their results in submission order."""
    window: deque[tuple[Batch, Future]] = deque()
    try:
        for batch in batches:
            batch = list(batch)
            window.append((batch, submit(batch)))
            if len(window) >= in_flight:
                done, future = window.popleft()
                yield done, _result(future, done)
        while window:
            done, future = window.popleft()
            yield done, _result(future, done)
    finally:
        for _, future in window:  # stopped early (Ctrl-C, an error): drop the work not yet collected
            future.cancel()


def _result(future: Future, batch: Batch) -> Results:
    try:
        return future.result()
    except StorylineError:
        raise
    except Exception as exc:  # a worker's failure, not one article's: name it in one line
        first = batch[0].source or batch[0].id if batch else "?"
        raise EngineError(f"the engine failed on the batch starting at {first}: {type(exc).__name__}: {exc}") from exc
