"""Time expressions resolved against the article's published date.

spaCy finds the expressions (DATE and TIME entities); they are resolved here: weekday names
lean to the past in news ("Sunday" in an article of Monday 2025-12-01 is 2025-11-30) unless
the sentence speaks of the future, "this week" / "earlier this year" become the week or year
around the published date, and explicit dates go through ``dateparser``. Without a published
date an expression is kept unresolved, with its text.
"""

from __future__ import annotations

from datetime import date, datetime

from spacy.tokens import Doc, Span as SpacySpan

from storyline.dates import resolve, speaks_of_future
from storyline.enrich.registry import component
from storyline.models import EnrichedArticle, Span, TimeMention
from storyline.settings import Settings


def _published(record: EnrichedArticle) -> date | None:
    published = record.article.published
    if published is None:
        return None
    return published.date() if isinstance(published, datetime) else published


def _speaks_of_future(ent: SpacySpan) -> bool:
    """A future marker in the few words before the expression: "will host Witkoff … on Thursday"."""
    window = ent.doc[max(ent.sent.start, ent.start - 8) : ent.start].text
    return speaks_of_future(window)


@component("times", requires=("doc.ents",), assigns=("record.times",), spacy_pipes=("ner",))
def times(doc: Doc, record: EnrichedArticle, settings: Settings) -> None:
    article_id = record.article.id
    text = record.article.text
    base = _published(record)
    out = []
    for ent in doc.ents:
        if ent.label_ not in {"DATE", "TIME"}:
            continue
        ent_text = ent.text  # (`Span.text` joins the tokens again at each call)
        expression = ent_text.strip()
        if not any(c.isalnum() for c in expression):
            continue
        resolved = None
        if base is not None:
            try:
                resolved = resolve(expression, base, future=_speaks_of_future(ent))
            except (ValueError, OverflowError):
                resolved = None
        start = ent.start_char
        end = start + len(ent_text.rstrip())
        mention = TimeMention(span=Span(article_id, start, end, text[start:end]), expression=expression)
        if resolved is not None:
            mention.resolved, mention.resolved_end, mention.granularity = resolved
        out.append(mention)
    record.times = out
