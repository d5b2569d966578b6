"""The event an article reports, read from its lead: the place where it says the event happened,
and the day, when that sentence gives one.

One definition for every stage: the relate stage reads it once per article and keeps it in
`storyline.models.Story.article_events`; the consolidate stage takes it from there, and reads the
lead here itself only when the story lacks it (stores written before the stories kept it, stories
made without the relate stage, articles updated since it read them).
"""

from __future__ import annotations

import re

from storyline.models import Article, ArticleEventJSON, EnrichedArticle
from storyline.text import PLACE_LABELS, SentenceIndex

__all__ = ["LEAD_SENTENCES", "lead_event", "text_id"]

LEAD_SENTENCES = 5
_ELSEWHERE = re.compile(
    r"\b(?:earlier|previous(?:ly)?|last (?:week|month|year)|ago|follows|followed|will|would|due|scheduled|expected|plans?|upcoming|next)\b",
    re.IGNORECASE,
)
"""Words that move a sentence off the article's main event (a past meeting, a planned trip)."""
_EVENT_NOUN = re.compile(r"^[\s’'s]*(?:talks|discussions|meeting|session|summit|negotiations|conference|meetings)\b", re.IGNORECASE)


def text_id(article: Article) -> str:
    """The id of the article's current text: an updated article keeps its id and records its new
    text's content id in ``metadata["content_id"]``, so a reading of an older text shows as such."""
    return str(article.metadata.get("content_id") or article.id)


def lead_event(record: EnrichedArticle) -> ArticleEventJSON:
    """The event the article's lead reports, as `Story.article_events` keeps it (without ``day``).

    The place is the first place entity of the first `LEAD_SENTENCES` sentences that follows "in"
    or "at" or comes before an event noun ("Geneva talks"), in a sentence no word moves to
    another occasion; the date is the first day-resolved time expression of that sentence.
    ``place`` is None when the lead names no such place.
    """
    sentences = sorted(record.sentences, key=lambda s: s.start)
    lead_ends = sentences[:LEAD_SENTENCES][-1].end if sentences else 0
    text = record.article.text
    sentence_of = SentenceIndex([record]).sentence_of

    found: ArticleEventJSON = {"place": None, "place_span": None, "date_span": None, "text_id": text_id(record.article)}
    for mention in sorted(record.entities, key=lambda e: e.span.start):
        if mention.label not in PLACE_LABELS or mention.span.start >= lead_ends:
            continue
        before = text[max(0, mention.span.start - 4) : mention.span.start].lower()
        if not (before.endswith(("in ", "at ")) or _EVENT_NOUN.match(text, mention.span.end)):
            continue
        sentence = sentence_of(mention.span)
        if sentence is None or _ELSEWHERE.search(sentence.text):
            continue
        when = next(
            (t for t in sorted(record.times, key=lambda t: t.span.start) if t.resolved and t.granularity == "day" and sentence_of(t.span) == sentence),
            None,
        )
        found["place"], found["place_span"] = mention.name, mention.span.as_dict()
        found["date_span"] = when.as_dict() if when else None
        break
    return found
