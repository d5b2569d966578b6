"""Relate: group articles into stories, find near-duplicates and who rewrote whom."""

from storyline.relate.derivation import align_sentences, derivation
from storyline.relate.duplicates import NearDuplicates, minhash
from storyline.relate.relater import Relater
from storyline.relate.stories import MemoryState, StoryClusterer, group_stories, story_id_for

__all__ = [
    "MemoryState",
    "NearDuplicates",
    "Relater",
    "StoryClusterer",
    "align_sentences",
    "derivation",
    "group_stories",
    "minhash",
    "story_id_for",
]
