"""Sentence spans from spaCy's sentence boundaries."""

from __future__ import annotations

from spacy.tokens import Doc

from storyline.enrich.registry import component
from storyline.models import EnrichedArticle, Span
from storyline.settings import Settings


@component("sentences", requires=("doc.sents",), assigns=("record.sentences",), spacy_pipes=("senter",))
def sentences(doc: Doc, record: EnrichedArticle, settings: Settings) -> None:
    article_id = record.article.id
    text = record.article.text
    spans = []
    for sent in doc.sents:
        # Paragraph breaks always end a sentence: headlines and subheads have no final stop.
        start = sent.start_char
        for piece in text[sent.start_char : sent.end_char].split("\n"):
            stripped = piece.strip()
            if stripped:
                s = start + piece.index(stripped)
                spans.append(Span(article_id, s, s + len(stripped), stripped))
            start += len(piece) + 1
    record.sentences = spans
