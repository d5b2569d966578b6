"""Discrepancies: where the story's sources disagree, and what only one of them reports.

No contradiction model works offline here, and embeddings score contradicting sentences as high
as paraphrases, so every finding rests on structured evidence: the titles written before a name,
numbers with what they count, places, the words around a shared figure, who a statement or a
quote is credited to, and which sentences of two reports state the same fact (``alignment``).
Each side lists every span stating it and how many independent sources (rewrite families) back it;
``nature`` says whether the sides contradict each other or differ in precision or framing. What
only one outlet carries is not a disagreement: it is `Brief.exclusives`, read from the story's facts.

Every finder is registered by name (`storyline.consolidate.registry.discrepancy_finder`) over the
story context; importing this package registers the finders of its modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storyline.consolidate.discrepancies import (  # noqa: F401  (importing registers the finders)
    numbers,
    places,
    quotes,
    roles,
    times,
    wording,
)
from storyline.consolidate.discrepancies.alignment import AlignedPair, aligned_pairs
from storyline.consolidate.discrepancies.numbers import find_numbers
from storyline.consolidate.discrepancies.roles import office
from storyline.consolidate.registry import DISCREPANCY_FINDERS
from storyline.models import Discrepancy

if TYPE_CHECKING:
    from storyline.consolidate.context import StoryContext

__all__ = ["AlignedPair", "aligned_pairs", "find_discrepancies", "find_numbers", "office"]


NATURES = ["contradiction", "precision", "framing"]
"""Most serious first: sides that cannot both be true, then vaguer vs precise, then wording (what
one outlet alone carries is not a discrepancy but `Brief.exclusives`)."""


def find_discrepancies(story: StoryContext) -> list[Discrepancy]:
    """Every discrepancy every registered finder finds in ``story``: by nature (``NATURES``), then by severity."""
    found = [d for finder in DISCREPANCY_FINDERS.values() for d in finder(story)]
    found.sort(key=lambda d: (NATURES.index(d.nature), -d.severity, d.kind, d.subject))
    return found
