"""Engines: where the per-article work (enrichment, embeddings) runs.

``local`` enriches in this process, or in a pool of worker processes when the input is large;
``dask`` sends the same batches to a ``dask.distributed`` cluster. Either way the results
come back in input order and go through the same relate/consolidate/store path.

    >>> with get_engine("dask", settings, scheduler="tcp://10.0.0.5:8786") as engine:  # doctest: +SKIP
    ...     for batch, results in engine.map_batches(batches):
    ...         ...
"""

from __future__ import annotations

from storyline.engine.base import Engine, EngineError, ordered_map
from storyline.engine.local import LocalEngine, cpu_count
from storyline.engine.work import enrich_batch
from storyline.errors import StorylineError
from storyline.settings import Settings

ENGINES = ("local", "dask")


def get_engine(name: str, settings: Settings, *, scheduler: str | None = None, workers: int | None = None) -> Engine:
    """The engine called ``name`` (``local`` or ``dask``); ``scheduler`` is a Dask scheduler address."""
    if name == "local":
        if scheduler:
            raise StorylineError("--scheduler is for the dask engine")
        return LocalEngine(settings, workers=workers)
    if name == "dask":
        from storyline.engine.dask import DaskEngine  # distributed takes a second to import

        return DaskEngine(settings, scheduler=scheduler, workers=workers)
    raise StorylineError(f"no engine named {name!r}; known: {', '.join(ENGINES)}")


__all__ = ["ENGINES", "Engine", "EngineError", "LocalEngine", "cpu_count", "enrich_batch", "get_engine", "ordered_map"]
