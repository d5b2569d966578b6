"""Run the enrich components over articles, one spaCy pass per batch."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence

from spacy.tokens import Doc

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
        limit = self.settings.enrich_chunk_chars
        short = [a.text for a in articles if len(a.text) <= limit]
        docs = iter(self.nlp.pipe(short, batch_size=16, n_process=self.settings.spacy_processes))
        for article in articles:
            doc = next(docs) if len(article.text) <= limit else self._long_doc(article.text)
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

    def _long_doc(self, text: str) -> Doc:
        """One `Doc` for a text longer than ``enrich_chunk_chars``, annotated chunk by chunk.

        The pipeline's memory grows with the length of the text it is given at once (its layers
        hold every token's vectors): one 200k-character line took 0.7 GB over the model, a 4.5 MB
        one 13 GB. Chunks end at a paragraph, else a sentence, else a space, and are joined back
        into one Doc whose text is the article's, so every offset stays true.
        """
        chunks = list(_chunks(text, self.settings.enrich_chunk_chars))
        doc = Doc.from_docs(list(self.nlp.pipe(chunks, batch_size=1)), ensure_whitespace=False)
        if doc.text != text:  # never seen; a wrong offset would be worse than the memory
            return self.nlp(text)
        return doc


_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"[.!?][\"'’”)]*\s"), re.compile(r"\s"))


def _chunks(text: str, size: int) -> Iterator[str]:
    """``text`` in consecutive pieces of at most ``size`` characters (more only when a piece has no
    space at all), each ending after a paragraph break, else a sentence end, else a space."""
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        end = 0
        for pattern in _BREAKS:
            found = [m.end() for m in pattern.finditer(window, size // 2)]
            if found:
                end = found[-1]
                break
        if end == 0:
            space = re.search(r"\s", text[start + size :])
            end = size + space.end() if space else len(text) - start
        yield text[start : start + end]
        start += end
    if start < len(text):
        yield text[start:]
