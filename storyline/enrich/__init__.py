"""Enrich: sentences, entities, quotes, time expressions, numbers and embeddings for each article.

Each step is a registered component (``storyline.enrich.registry.component``); the pipeline
is the list of names in ``Settings.enrich_components``.
"""

from storyline.enrich import components as _components  # noqa: F401  (registers built-ins)
from storyline.enrich.pipeline import Enricher
from storyline.enrich.registry import COMPONENTS, Component, build_pipeline, component

__all__ = ["COMPONENTS", "Component", "Enricher", "build_pipeline", "component"]
