"""Consolidate runs as registered components over one story context; finders are registered by name."""

from __future__ import annotations

import pytest

from storyline.consolidate import build_brief
from storyline.consolidate.brief import BRIEF_PIPELINE
from storyline.consolidate.registry import DISCREPANCY_FINDERS, build_pipeline, discrepancy_finder
from storyline.models import Discrepancy, DiscrepancySide


def test_a_pipeline_whose_component_lacks_its_input_is_refused():
    with pytest.raises(ValueError, match="'claims' requires .*table"):
        build_pipeline(["canonical", "claims"])
    with pytest.raises(ValueError, match="no consolidate component named 'nope'"):
        build_pipeline([*BRIEF_PIPELINE, "nope"])
    assert [c.name for c in build_pipeline(BRIEF_PIPELINE)] == list(BRIEF_PIPELINE)


def test_every_registered_finder_runs_and_names_are_unique(seeds_storyline, monkeypatch):
    assert {"numbers", "places", "dates", "role_conflicts", "title_holders", "attribution"} <= set(DISCREPANCY_FINDERS)
    with pytest.raises(ValueError, match="already registered"):
        discrepancy_finder("numbers")(lambda story: [])
    story = max(seeds_storyline.reader.list_stories(), key=lambda s: len(s.article_ids))
    records = list(seeds_storyline.reader.iter_enriched(story.article_ids))
    planted = Discrepancy(kind="test", subject="planted", description="", severity=1.0, nature="contradiction",
                          sides=[DiscrepancySide(value="x", spans=[], article_ids=[], independent_sources=1)])
    monkeypatch.setitem(DISCREPANCY_FINDERS, "planted", lambda context: [planted])
    brief = build_brief(story, records, seeds_storyline.settings)
    assert brief.discrepancies[0] == planted
