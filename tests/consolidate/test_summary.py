"""The "what happened" summary: its citations state what the sentence states (seeds)."""

from __future__ import annotations

import re

from storyline.consolidate.summary import _content_words


def test_the_moscow_sentence_cites_only_sentences_that_mention_moscow(seed_story):
    brief = seed_story.brief("001")
    moscow = [s for s in brief.summary if "Moscow" in s.span.text]
    assert moscow, [s.span.text for s in brief.summary]
    for sentence in moscow:
        assert sentence.supporting, sentence.span.text
        assert all("Moscow" in s.text for s in sentence.supporting), [s.text for s in sentence.supporting]


def test_every_citation_shares_the_sentence_s_actors_and_wording(seed_story):
    brief = seed_story.brief("001")
    people = {e.name for e in brief.entities if e.label == "PERSON"}
    for sentence in brief.summary:
        named = {p for p in people if p.split()[-1] in sentence.span.text}
        words = set(_content_words(sentence.span.text))
        for support in sentence.supporting:
            if named and any(p.split()[-1] in support.text for p in people):
                assert any(p.split()[-1] in support.text for p in named), (sentence.span.text, support.text)
            other = set(_content_words(support.text))
            assert len(words & other) >= 0.5 * min(len(words), len(other)), (sentence.span.text, support.text)


def test_summary_leads_with_a_sentence_of_the_main_event_and_no_sentence_leans_on_another(seed_story):
    brief = seed_story.brief("001")
    lead = next(s for s in brief.summary if s.span.field == "text")  # after the headline
    assert "Florida" in lead.span.text and lead.independent_sources >= 2
    for sentence in brief.summary:
        assert not re.match(r"(?i)(he|she|they|it|this|that)\b", sentence.span.text)
