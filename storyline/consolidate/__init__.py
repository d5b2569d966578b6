"""Consolidate: turn a story's enriched articles into one source-attributed `Brief`."""

from storyline.consolidate.brief import BRIEF_BUILDER_VERSION, build_brief
from storyline.consolidate.verify import SpanMismatch, verify_brief

__all__ = ["BRIEF_BUILDER_VERSION", "SpanMismatch", "build_brief", "verify_brief"]
