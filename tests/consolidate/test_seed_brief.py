"""Acceptance of the story brief on the five seed articles (offsets are never hard-coded)."""

from __future__ import annotations

from dataclasses import replace

from storyline.consolidate.common import normalize
from storyline.models import ExclusiveItem, OutletExclusives
from tests.consolidate.consistency import (
    citations_without_the_actors,
    consistency_problems,
    exclusives_shown_as_shared,
    outlets_misattributed,
)

ZELENSKYY_QUOTE = "We need real, reliable solutions that will help end the war,"


def test_rubio_title_discrepancy_has_both_sides_with_spans(seed_story):
    brief = seed_story.brief("001")
    found = [d for d in brief.discrepancies if d.kind == "role" and d.subject.startswith("Marco Rubio")]
    assert len(found) == 1, [d.subject for d in brief.discrepancies]
    (d,) = found
    senator = next(s for s in d.sides if "Senator" in s.value)
    assert seed_story.seeds(senator.article_ids) == {"000"}
    assert [s.text for s in senator.spans] == ["U.S. Senator"]
    secretary = next(s for s in d.sides if "Secretary of State" in s.value)
    story_seeds = seed_story.seeds(a.id for a in brief.articles)
    assert seed_story.seeds(secretary.article_ids) == story_seeds & {"001", "002", "003", "004"}
    assert all("Secretary of State" in s.text for s in secretary.spans)
    assert d.better_supported == d.sides.index(secretary)
    assert secretary.independent_sources > senator.independent_sources


def test_former_president_error_in_003_is_reported(seed_story):
    brief = seed_story.brief("003")
    d = next(d for d in brief.discrepancies if d.kind == "role" and d.subject.startswith("Donald Trump"))
    former = next(s for s in d.sides if "former" in s.value.lower())
    assert seed_story.seeds(former.article_ids) == {"003"}
    assert [s.text for s in former.spans] == ["former President"]
    sitting = [s for s in d.sides if s is not former]
    assert sitting and all(not any("former" in sp.text.lower() for sp in s.spans) for s in sitting)
    assert d.better_supported == d.sides.index(max(d.sides, key=lambda s: s.independent_sources))
    assert d.severity >= 0.8


def test_geneva_and_florida_are_different_events_not_contradictions(seed_story):
    brief = seed_story.brief("001")
    geneva = {seed_story.by_seed["002"]}
    for d in brief.discrepancies:
        if d.kind in ("place", "date"):
            assert not any(set(side.article_ids) <= geneva for side in d.sides), d.description
    if seed_story.by_seed["002"] in {a.id for a in brief.articles}:
        covered = {ev.place: seed_story.seeds(ev.article_ids) for ev in brief.events}
        assert covered.get("Geneva") == {"002"} or "002" in covered.get("Geneva", set())
        assert {"001", "003", "004"} <= covered["Florida"]
        # No claim merges a Geneva sentence with a Florida sentence.
        for claim in brief.claims:
            texts = " ".join(s.text for s in claim.spans)
            assert not ("Geneva" in texts and "Florida" in texts and len(claim.spans) > 1 and "earlier" not in texts)
    else:
        geneva = seed_story.story_of("002")
        assert geneva.id in brief.linked_story_ids or seed_story.story_of("001").id in geneva.linked_story_ids


def test_yermak_is_one_entity_with_both_spellings(seed_story):
    brief = seed_story.brief("001")
    yermaks = [e for e in brief.entities if any("Yermak" in n for n in [e.name, *e.variants])]
    assert len(yermaks) == 1
    names = {yermaks[0].name, *yermaks[0].variants}
    assert {"Andriy Yermak", "Andrii Yermak"} <= names
    assert seed_story.seeds(yermaks[0].article_ids) >= {"001", "004"}
    zelenskyy = [e for e in brief.entities if any(n.startswith("Zelensk") or " Zelensk" in n for n in [e.name, *e.variants])]
    assert len(zelenskyy) == 1


def test_zelenskyy_quote_is_one_group_carried_by_001_and_004(seed_story):
    brief = seed_story.brief("001")
    groups = [g for g in brief.quote_groups if normalize(ZELENSKYY_QUOTE) in normalize(g.text)]
    assert len(groups) == 1
    (group,) = groups
    assert seed_story.seeds(group.article_ids) == {"001", "004"}
    assert group.variation == "exact"
    assert all(o.span.text.strip(" ,") == ZELENSKYY_QUOTE.strip(" ,") for o in group.occurrences)
    assert group.independent_sources == 1  # 004 rewrites 001
    assert group.speaker == "Volodymyr Zelenskyy"


def test_rewrite_family_counts_once(seed_story):
    brief = seed_story.brief("001")
    family = next(f for f in brief.families if seed_story.by_seed["001"] in f)
    assert seed_story.by_seed["004"] in family
    only_001_004 = [c for c in brief.claims if seed_story.seeds(c.article_ids) == {"001", "004"}]
    assert len(only_001_004) >= 3
    assert all(c.independent_sources == 1 for c in only_001_004)
    wider = [c for c in brief.claims if {"001", "004"} < seed_story.seeds(c.article_ids)]
    assert wider and all(c.independent_sources == len(seed_story.seeds(c.article_ids)) - 1 for c in wider)


def test_summary_cites_every_supporting_article_and_prefers_corroboration(seed_story):
    brief = seed_story.brief("001")
    assert 3 <= len(brief.summary) <= 5
    claim_of = {(s.article_id, s.start): c for c in brief.claims for s in c.spans}
    for sentence in brief.summary:
        if sentence.span.field == "title":  # a headline cites what states the same; it is no claim
            assert sentence.independent_sources >= 2 and {s.article_id for s in sentence.supporting} <= {a.id for a in brief.articles}
            continue
        claim = claim_of[(sentence.span.article_id, sentence.span.start)]
        cited = {sentence.span.article_id, *(s.article_id for s in sentence.supporting)}
        assert cited <= set(claim.article_ids)
        assert sentence.independent_sources == claim.independent_sources
    assert any(s.independent_sources >= 2 for s in brief.summary)


def test_roles_cover_every_outlet_with_spans(seed_story):
    brief = seed_story.brief("001")
    rubio = next(e for e in brief.entities if e.name == "Marco Rubio")
    roles = {seed_story.seeds([r.article_id]).pop(): r.span.text for r in rubio.roles}
    assert roles["000"] == "U.S. Senator"
    assert roles["001"] == "Secretary of State"
    assert "Rubio" in rubio.variants


FLORIDA = {"001", "003", "004"}


def _found(brief, seed_story, kind, *fragments):
    """Discrepancies of ``kind`` whose spans hold every fragment (each in some side)."""
    out = []
    for d in brief.discrepancies:
        texts = [" ".join(s.text for s in side.spans) for side in d.sides]
        if d.kind == kind and all(any(f in t for t in texts) for f in fragments):
            out.append(d)
    return out


def test_discrepancies_cover_the_kinds_a_careful_reader_finds(seed_story):
    brief = seed_story.brief("001")
    kinds = {d.kind for d in brief.discrepancies}
    assert len(brief.discrepancies) >= 11, [d.description for d in brief.discrepancies]
    assert len(kinds) >= 5, kinds
    # 122 drones overnight (001) vs over 120 in recent days (004): a difference of precision.
    (drones,) = _found(brief, seed_story, "number", "122 strike drones", "over 120 strike drones")
    assert drones.nature == "precision" and "recent days" in drones.description
    # Wounded "many more" (001) vs "dozens more" (004).
    assert _found(brief, seed_story, "number", "many more", "dozens more")
    # Deaths "around Kyiv" (001) vs "in Kyiv" (004): the same strikes, placed more or less precisely.
    (kyiv,) = _found(brief, seed_story, "place", "around Kyiv", "in Kyiv")
    assert kyiv.nature == "precision"
    # The $100m case: a kickback scheme that siphoned vs embezzled.
    (money,) = _found(brief, seed_story, "characterisation", "kickback", "embezzled")
    assert money.nature == "framing"
    # Negotiators say changes were made (001) vs Rubio confirmed updates (004).
    (credit,) = _found(brief, seed_story, "attribution", "Negotiators", "Rubio")
    assert seed_story.seeds(credit.sides[0].article_ids) | seed_story.seeds(credit.sides[1].article_ids) == {"001", "004"}
    # Zelenskyy's "constructive approach": said of the U.S. side (001, 003) vs of "both sides" (004).
    (target,) = _found(brief, seed_story, "attribution", "both sides")
    us_side = next(s for s in target.sides if "both sides" not in s.value)
    assert seed_story.seeds(us_side.article_ids) == {"001", "003"}
    assert us_side.independent_sources == 2 and target.better_supported == target.sides.index(us_side)
    # "presidential adviser" is Bevz's in 001 and Kushner's in 003: advisers of two presidents, no conflict.
    assert not [d for d in brief.discrepancies if d.kind == "title_holder"]
    # What one outlet alone carries is not a disagreement: it is listed per outlet, ranked.
    assert not [d for d in brief.discrepancies if d.nature == "uncorroborated"]
    (lone,) = [ex for ex in brief.exclusives if seed_story.seeds(ex.article_ids) == {"000"}]
    assert any("heading in the right direction" in item.span.text for item in lone.items if item.kind == "quote")
    assert lone.statements + lone.quotes == len(lone.items)
    assert [i.importance for i in lone.items] == sorted((i.importance for i in lone.items), reverse=True)
    # The serious ones first: every contradiction ranks above every difference of precision or framing.
    natures = [d.nature for d in brief.discrepancies]
    assert max(i for i, n in enumerate(natures) if n == "contradiction") < min(i for i, n in enumerate(natures) if n != "contradiction")


def test_no_false_alarms_on_the_three_traps(seed_story):
    brief = seed_story.brief("001")
    for d in brief.discrepancies:
        spans = " ".join(s.text for side in d.sides for s in side.spans)
        # The 20-point Gaza plan is not the 28-point Ukraine plan.
        assert not (d.kind == "number" and "20-point" in spans), d.description
        # Yermak active at Geneva and resigned by Florida is a later status, not a conflict.
        assert "Yermak" not in d.subject, d.description
        # Two different remarks (Geneva's and Florida's) are not one statement told two ways.
        if d.kind in ("number", "place", "attribution", "characterisation"):
            sides = [seed_story.seeds(side.article_ids) for side in d.sides]
            assert not ({"002"} in sides and any(s & FLORIDA for s in sides)), d.description


def test_summary_says_what_happened_first(seed_story):
    brief = seed_story.brief("001")
    first = brief.summary[0]
    assert seed_story.seeds([first.span.article_id]) != {"000"}
    assert first.independent_sources >= 2
    # A corroborated headline leads, then the main event's sentence says where it happened.
    assert first.span.field == "title" and "Rubio" in first.span.text
    opening = " ".join(s.span.text for s in brief.summary[:3])
    assert "Florida" in opening and "Moscow" in opening
    assert sum(name in opening for name in ("Rubio", "Witkoff", "Kushner", "Umerov")) >= 2
    assert all(seed_story.seeds([s.span.article_id]) != {"000"} or s.independent_sources > 1 for s in brief.summary[:3])


def test_timeline_lists_dated_events_and_dates_001_from_its_story_mates(seed_story):
    brief = seed_story.brief("001")
    dated = [e for e in brief.timeline if e.date is not None]
    assert 4 <= len(dated) <= 12
    assert [e.date for e in dated] == sorted(e.date for e in dated)
    assert brief.timeline[len(dated) :] == [e for e in brief.timeline if e.date is None]
    written = {t.expression.lower() for e in brief.timeline for t in e.expressions}
    assert not written & {"four hours", "100 days", "daily", "every day", "years", "fourth year", "recent days"}
    sunday_talks = next(
        e for e in dated if any("Sunday talks opened" in s.text for s in [e.span, *e.supporting])
    )
    assert sunday_talks.date.isoformat() == "2025-11-30"
    assert seed_story.seeds(sunday_talks.dated_from) == {"003"}
    assert {"001", "003"} <= seed_story.seeds(sunday_talks.article_ids)


def test_the_consistency_checks_catch_a_brief_that_contradicts_itself(seed_story):
    brief = seed_story.brief("001")
    shared = next(c for c in brief.claims if len(c.article_ids) > 1)
    lone = OutletExclusives(outlet="Matzav.com", article_ids=[shared.spans[0].article_id], statements=1, quotes=0,
                            items=[ExclusiveItem(kind="statement", span=shared.spans[0], importance=1.0)])
    assert exclusives_shown_as_shared(replace(brief, exclusives=[lone]))
    moscow = next(s for s in brief.summary if "Moscow" in s.span.text)
    others = ("Witkoff", "Putin", "Trump", "Rubio", "Kushner")
    unrelated = next(s for c in brief.claims for s in c.spans if "Zelenskyy" in s.text and not any(n in s.text for n in others))
    wrong = replace(brief, summary=[replace(moscow, supporting=[unrelated])])
    assert citations_without_the_actors(wrong)  # cites a sentence about someone else
    one_outlet = replace(brief, articles=[replace(a, outlet="Matzav.com") for a in brief.articles])
    assert outlets_misattributed(one_outlet) == []


def test_the_moscow_summary_sentence_cites_sentences_about_moscow(seed_story):
    brief = seed_story.brief("001")
    (moscow,) = [s for s in brief.summary if "Moscow" in s.span.text]
    assert moscow.supporting and all("Moscow" in s.text for s in moscow.supporting)
    assert all(consistency_problems(seed_story.sl.brief(story.id)) == [] for story in seed_story.sl.reader.list_stories())
