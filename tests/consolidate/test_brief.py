from storyline import consolidate
from storyline.consolidate import verify_brief
from storyline.consolidate.verify import iter_spans


def seed_brief(sl):
    story = max(sl.reader.list_stories(), key=lambda s: len(s.article_ids))
    return sl.brief(story.id), {a.id: a for a in sl.reader.iter_articles()}


def test_brief_names_the_protagonists(seeds_storyline):
    brief, _ = seed_brief(seeds_storyline)
    people = {e.name for e in brief.entities if e.label == "PERSON"}
    assert {"Marco Rubio", "Steve Witkoff", "Rustem Umerov", "Volodymyr Zelenskyy"} <= people


def test_summary_sentences_reproduce_their_source_text(seeds_storyline):
    brief, articles = seed_brief(seeds_storyline)
    assert 3 <= len(brief.summary) <= 5
    for sentence in brief.summary:
        article = articles[sentence.span.article_id]
        assert article.field_text(sentence.span.field)[sentence.span.start : sentence.span.end] == sentence.span.text
        assert sentence.independent_sources >= 1
    assert verify_brief(brief, articles) == []


def test_span_check_catches_a_tampered_span(seeds_storyline):
    brief, articles = seed_brief(seeds_storyline)
    spans = list(iter_spans(brief))
    assert spans, "a brief without spans cannot be checked"
    article = articles[brief.summary[0].span.article_id]
    article.text = "X" + article.text  # shift every offset by one
    assert verify_brief(brief, articles)


def test_brief_is_cached_until_the_story_changes(seeds_storyline, monkeypatch):
    built = []
    real = consolidate.build_brief
    monkeypatch.setattr(consolidate, "build_brief", lambda *args, **kwargs: built.append(1) or real(*args, **kwargs))
    first, _ = seed_brief(seeds_storyline)
    before = len(built)
    again, _ = seed_brief(seeds_storyline)
    assert again == first
    assert len(built) == before, "the second read rebuilt the brief instead of reading the cache"
    # Whatever goes into the fingerprint changing (here the builder's version) rebuilds it.
    monkeypatch.setattr(consolidate, "BRIEF_BUILDER_VERSION", "changed")
    rebuilt, _ = seed_brief(seeds_storyline)
    assert len(built) == before + 1
    assert rebuilt == first


def test_a_headline_in_the_summary_is_a_span_of_its_title(seeds_storyline):
    from dataclasses import replace

    brief, articles = seed_brief(seeds_storyline)
    headline = brief.summary[0].span
    assert headline.field == "title" and articles[headline.article_id].title == headline.text
    assert brief.summary[0].supporting and brief.summary[0].independent_sources >= 2
    # The same offsets read in the text are not the headline: the check reads the span's field.
    as_text = replace(brief, summary=[replace(brief.summary[0], span=replace(headline, field="text"))])
    assert [m.span for m in verify_brief(as_text, articles)] == [replace(headline, field="text")]
    unknown = replace(brief, summary=[replace(brief.summary[0], span=replace(headline, field="url"))])
    assert verify_brief(unknown, articles)
