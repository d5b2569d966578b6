"""The per-article work every engine runs, in whichever process it lands.

This is the one function shipped to workers: plain `Article` batches in, `EnrichedArticle`s
(or an `InputError` per failed article) back, in order. Each process builds its `Enricher`
once per settings and keeps it (spaCy takes seconds to load; a batch takes less).
"""

from __future__ import annotations

import threading
from datetime import datetime
from collections.abc import Sequence

from storyline.errors import InputError
from storyline.models import Article, EnrichedArticle
from storyline.settings import Settings

_ENRICHERS: dict[str, object] = {}
_LOCK = threading.Lock()


def worker_settings(settings: Settings) -> Settings:
    """The settings a worker runs with: the engine owns the processes, so spaCy runs one."""
    return settings if settings.spacy_processes == 1 else settings.with_(spacy_processes=1)


def enricher_for(settings: Settings):
    """This process's `Enricher` for ``settings``, built on first use."""
    from storyline.enrich import Enricher  # imported here so an engine module stays cheap to import

    key = repr(settings)  # Settings holds a dict, so it is not hashable
    with _LOCK:
        enricher = _ENRICHERS.get(key)
        if enricher is None:
            enricher = _ENRICHERS[key] = Enricher(settings)
    return enricher


def enrich_batch(articles: Sequence[Article], settings: Settings) -> list[EnrichedArticle | InputError]:
    """Enrich one batch; one result per article, in order."""
    if not articles:
        return []
    try:
        return enricher_for(worker_settings(settings)).enrich(list(articles))
    except Exception as exc:  # the worker must answer for every article, never lose a batch
        return [InputError(a.source or a.id, f"enrichment failed: {exc}") for a in articles]


_WARM_UP = Article(
    id="warm-up",
    text=(
        "WASHINGTON — Secretary of State Marco Rubio said on Sunday, March 1, 2020, that 122 drones had struck Kyiv.\n\n"
        "“We are close to a deal,” he told reporters, according to the ministry."
    ),
    published=datetime(2020, 3, 2),
)
"""One article that takes every component through its first-call costs (dateparser builds its
regexes on the first explicit date it reads: a third of a second)."""


def warm(settings: Settings) -> None:
    """Load the enricher and run it once now: in a worker when it starts, so the first batch is
    not slow, or in the ingest process before it forks its workers, so they share all of it."""
    enricher_for(worker_settings(settings)).enrich([_WARM_UP])
