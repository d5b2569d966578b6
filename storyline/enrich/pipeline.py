"""Run the enrich components over articles, one spaCy pass per batch."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from storyline.enrich.nlp import load_nlp, model_name, needed_pipes
from storyline.enrich.registry import build_pipeline
from storyline.errors import InputError
from storyline.models import Article, EnrichedArticle
from storyline.settings import Settings

log = logging.getLogger(__name__)


class Enricher:
    """Enriches articles with the components named in ``settings.enrich_components``.

    >>> enricher = Enricher(Settings())  # doctest: +SKIP
    >>> [e.entities[0].name for e in enricher.enrich(articles)]  # doctest: +SKIP
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.components = build_pipeline(settings.enrich_components)
        self.nlp = load_nlp(settings.spacy_models, needed_pipes(c.spacy_pipes for c in self.components))
        self.names = [model_name(self.nlp)] + [c.name for c in self.components]

    def enrich(self, articles: Sequence[Article]) -> list[EnrichedArticle | InputError]:
        """One result per article, in order; an article that fails becomes an `InputError`, the rest go on."""
        results: list[EnrichedArticle | InputError] = []
        docs = self.nlp.pipe((a.text for a in articles), batch_size=16, n_process=self.settings.spacy_processes)
        for article, doc in zip(articles, docs, strict=True):
            record = EnrichedArticle(article=article, pipeline=list(self.names))
            try:
                for comp in self.components:
                    comp.func(doc, record, self.settings)
            except Exception as exc:  # one bad article must not stop the batch
                log.exception("enrich failed for %s", article.id)
                results.append(InputError(article.source or article.id, f"enrichment failed: {exc}"))
                continue
            results.append(record)
        return results
