"""The local engine: in this process, or a pool of worker processes on this machine."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from storyline.engine.base import Batch, Engine, Results, ordered_map
from storyline.engine.work import enrich_batch, warm
from storyline.models import Article
from storyline.settings import Settings

log = logging.getLogger(__name__)


def cpu_count() -> int:
    """CPUs this process may run on (a container's quota, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _die_with_parent() -> None:
    """Linux: have the kernel end this worker when the ingest process dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _init_worker(settings: Settings) -> None:
    # Ctrl-C is the ingest process's to handle: it stops submitting and rolls back the open batch.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    warm(settings)


class LocalEngine(Engine):
    """Enriches in this process, or in ``workers`` processes when there is enough work.

    Each worker process loads the spaCy pipeline once and keeps it for every batch it gets.
    """

    name = "local"

    def __init__(self, settings: Settings, *, workers: int | None = None) -> None:
        super().__init__(settings)
        wanted = settings.workers if workers is None else workers
        self.workers = max(1, wanted or cpu_count())
        self._pool: ProcessPoolExecutor | None = None

    def _start_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork shares the already-imported code (and a loaded model) with the workers at no cost.
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            if method == "fork":
                # Load and warm the pipeline once, here: every forked worker then starts with it,
                # instead of each loading the model and paying the components' first-call costs.
                warm(self.settings)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_init_worker,
                initargs=(self.settings,),
            )
        return self._pool

    def map_batches(self, batches: Iterable[Sequence[Article]], *, expected: int | None = None) -> Iterator[tuple[Batch, Results]]:
        """Yield ``(batch, results)`` in order; ``expected`` (articles) decides whether a pool pays off."""
        small = expected is not None and expected < self.settings.parallel_min_articles
        if self.workers <= 1 or small:
            for batch in batches:
                batch = list(batch)
                yield batch, enrich_batch(batch, self.settings)
            return
        pool = self._start_pool()

        def submit(batch: Batch) -> Future:
            return pool.submit(enrich_batch, batch, self.settings)

        yield from ordered_map(submit, batches, in_flight=2 * self.workers + 1)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
