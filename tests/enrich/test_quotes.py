"""Direct quotes and their speakers on the seed articles."""

from __future__ import annotations

import pytest

from storyline.enrich import Enricher
from storyline.enrich.components.quotes import find_marked
from storyline.models import Article, EnrichedArticle
from storyline.settings import Settings


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(Settings())


def quote_containing(record: EnrichedArticle, words: str):
    found = [q for q in record.quotes if words in q.span.text]
    assert found, f"no quote containing {words!r} in {[q.span.text[:40] for q in record.quotes]}"
    return found[0]


def test_every_quote_span_points_into_the_stored_text(seed_records):
    for record in seed_records.values():
        text = record.article.text
        for quote in record.quotes:
            for span in (quote.span, quote.cue_span, quote.speaker_span):
                if span is not None:
                    assert text[span.start : span.end] == span.text


def test_much_work_remains_is_rubio(seed_records):
    quote = quote_containing(seed_records["001"], "Much work remains.")
    assert quote.span.text == "Much work remains."  # the words, without the marks
    assert quote.speaker == "Marco Rubio"
    assert quote.cue_span.text == "cautioned"
    assert quote.speaker_span.text == "Rubio"
    assert not quote.inferred and not quote.partial


def test_quote_split_by_attribution_shares_cue_and_speaker(seed_records):
    first = quote_containing(seed_records["001"], "U.S. is hearing us,")
    second = quote_containing(seed_records["001"], "U.S. is supporting us.")
    assert first.speaker == second.speaker == "Rustem Umerov"
    assert first.cue_span == second.cue_span
    assert first.cue_span.text == "said"


@pytest.mark.parametrize("seed", ["001", "004"])
def test_zelenskyy_pronoun_resolved_in_both_articles(seed_records, seed):
    quote = quote_containing(seed_records[seed], "We need real, reliable solutions that will help end the war,")
    assert quote.speaker == "Volodymyr Zelenskyy"
    assert quote.speaker_span.text.lower() == "he"


def test_pronoun_after_a_clause_with_another_subject_is_the_main_subject(seed_records):
    # "Rubio revealed that Steve Witkoff … will outline …  He emphasized …: “There are a lot of moving parts"
    quote = quote_containing(seed_records["001"], "There are a lot of moving parts")
    assert quote.speaker == "Marco Rubio"


def test_partial_quote_is_kept_and_marked(seed_records):
    quote = quote_containing(seed_records["001"], "very productive,")
    assert quote.partial
    assert quote.speaker == "Marco Rubio"
    assert quote.cue_span.text == "described"


def test_scare_quotes_are_not_quotes(seed_records):
    # "downplayed as merely a “concept” or “map” in need of being “fine-tuned”": nobody is said to speak
    texts = {q.span.text for q in seed_records["001"].quotes}
    assert not texts & {"concept", "map", "fine-tuned"}


def test_organisation_speaker(seed_records):
    quote = quote_containing(seed_records["001"], "We view what has occurred")
    assert quote.speaker == "Kazakhstan’s Foreign Ministry"


def test_uncued_quote_next_to_one_speaker_inherits_it(seed_records):
    inferred = [q for q in seed_records["002"].quotes if q.inferred]
    assert inferred, "002 has quotes with no cue of their own"
    for quote in inferred:
        assert quote.cue_span is None and quote.speaker


def test_marks_straight_curly_single_and_multi_paragraph():
    text = (
        "He said \"it works,\" and left. ‘Fine words,’ she wrote.\n"
        "“First paragraph of a long quote.\n"
        "“Second paragraph of it,” he said. Russia’s view didn’t change."
    )
    marked = find_marked(text)
    quoted = [text[m.start : m.end] for m in marked]
    assert quoted == ["it works,", "Fine words,", "First paragraph of a long quote.", "Second paragraph of it,"]
    assert marked[2].continues and marked[3].continued


def test_two_apostrophe_marks_are_double_quotes():
    text = "''This isn't tax reform,'' said Mr. Holtz-Eakin."
    (m,) = find_marked(text)
    assert text[m.start : m.end] == "This isn't tax reform,"


def test_speaker_is_the_subject_of_the_cue_not_of_a_later_clause(seed_records):
    # 002: "Secretary of State Marco Rubio hailed peace talks in Geneva as “productive and
    # meaningful” as the US continues to try to bring an end to the war"
    quote = quote_containing(seed_records["002"], "productive and meaningful")
    assert quote.speaker == "Marco Rubio"
    assert quote.cue_span.text == "hailed"


def test_according_to_names_the_reporter_and_the_verb_names_the_speaker(seed_records):
    # 003: "According to Al Jazeera, Putin has already signalled that Washington’s unpublished
    # draft could serve as a “basis for future agreements”"
    quote = quote_containing(seed_records["003"], "basis for future agreements")
    assert quote.speaker == "Vladimir Putin"
    assert quote.speaker_span.text == "Putin"
    assert quote.cue_span.text == "signalled"


def test_according_to_without_a_statement_verb_keeps_its_source(enricher):
    article = Article(id="a1", text="Two people were killed overnight, and the strikes were “the worst this month for the capital,” according to Ukrainian officials.")
    (record,) = enricher.enrich([article])
    (quote,) = record.quotes
    assert quote.speaker_span.text == "Ukrainian officials"
    assert quote.cue_span.text == "according to"


def test_a_capital_as_the_voice_of_its_government_is_typed_a_place(seed_records):
    # 003: "what Washington calls “reliable security guarantees”": Washington, the subject of the
    # cue, speaks for the US government; it is the speaker, and an entity typed GPE, never PERSON.
    record = seed_records["003"]
    quote = quote_containing(record, "reliable security guarantees")
    assert quote.speaker == "Washington"
    (mention,) = [m for m in record.entities if m.span == quote.speaker_span]
    assert mention.label == "GPE"


def test_no_speaker_from_a_subject_holding_the_quote_or_an_aspectual_verb(seed_records):
    # 000: "The world continues to watch, hoping that today’s “productive” discussions …" and
    # "The emphasis on “more work needed” suggests …": neither "The world" nor "The emphasis" speaks.
    speakers = {q.speaker for q in seed_records["000"].quotes}
    assert not speakers & {"The world", "The emphasis"}
    # "A Conversation Marked by Cautious Optimism" is a heading, not the "He" of the next paragraph.
    assert quote_containing(seed_records["000"], "honest, strategic").speaker == "Marco Rubio"
