"""Relate: group articles into stories, find near-duplicates and who rewrote whom."""

from storyline.relate.clusterer import StoryClusterer, group_stories
from storyline.relate.derivation import align_sentences, derivation
from storyline.relate.duplicates import NearDuplicates, minhash
from storyline.relate.evidence import Evidence
from storyline.relate.profile import StoryProfile, story_id_for
from storyline.relate.relater import Relater
from storyline.relate.state import MemoryState, RelateState

__all__ = [
    "Evidence",
    "MemoryState",
    "NearDuplicates",
    "RelateState",
    "Relater",
    "StoryClusterer",
    "StoryProfile",
    "align_sentences",
    "derivation",
    "group_stories",
    "minhash",
    "story_id_for",
]
