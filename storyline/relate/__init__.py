"""Relate: group articles into stories, find near-duplicates and who rewrote whom."""

from storyline.relate.stories import group_stories

__all__ = ["group_stories"]
