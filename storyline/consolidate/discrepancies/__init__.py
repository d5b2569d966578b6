"""Discrepancies: where the story's sources disagree, and what only one of them reports.

No contradiction model works offline here, and embeddings score contradicting sentences as high
as paraphrases, so every finding rests on structured evidence: the titles written before a name,
numbers with what they count, places, the words around a shared figure, who a statement or a
quote is credited to, and which sentences of two reports state the same fact (``alignment``).
Each side lists every span stating it and how many independent sources (rewrite families) back it;
``nature`` says whether the sides contradict each other, differ in precision or framing, or one
source stands alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import Families
from storyline.consolidate.discrepancies.alignment import AlignedPair, aligned_pairs
from storyline.consolidate.discrepancies.numbers import (
    find_numbers,
    number_discrepancies,
)
from storyline.consolidate.discrepancies.places import (
    event_discrepancies,
    place_discrepancies,
)
from storyline.consolidate.discrepancies.quotes import (
    quote_target_discrepancies,
    speaker_discrepancies,
)
from storyline.consolidate.discrepancies.roles import (
    office,
    role_discrepancies,
    title_holder_discrepancies,
)
from storyline.consolidate.discrepancies.times import date_discrepancies
from storyline.consolidate.discrepancies.uncorroborated import uncorroborated
from storyline.consolidate.discrepancies.wording import (
    attribution_discrepancies,
    characterisation_discrepancies,
)
from storyline.consolidate.entities import Canonical
from storyline.consolidate.events import ArticleEvent
from storyline.models import Claim, Discrepancy, EnrichedArticle, QuoteGroup, Relation

__all__ = ["AlignedPair", "aligned_pairs", "find_discrepancies", "find_numbers", "office"]


NATURES = ["contradiction", "precision", "framing", "uncorroborated"]
"""Most serious first: sides that cannot both be true, then vaguer vs precise, then wording, then lone sources."""


def find_discrepancies(
    records: Sequence[EnrichedArticle],
    table: SentenceTable,
    canonical: Canonical,
    families: Families,
    claims: Sequence[Claim],
    quotes: Sequence[QuoteGroup],
    events: dict[str, ArticleEvent],
    relations: Sequence[Relation] = (),
) -> list[Discrepancy]:
    """Every discrepancy of the story: by nature (``NATURES``), then by severity."""
    pairs = aligned_pairs(table, relations, {aid: ev.place for aid, ev in events.items()})
    found = [
        *role_discrepancies(canonical.entities, families),
        *title_holder_discrepancies(canonical.entities, families),
        *event_discrepancies(records, events, families),
        *number_discrepancies(records, table, pairs, families),
        *place_discrepancies(records, table, pairs, canonical, families),
        *date_discrepancies(records, table, pairs, families),
        *characterisation_discrepancies(table, pairs, families),
        *attribution_discrepancies(records, table, pairs, canonical, families),
        *speaker_discrepancies(quotes, canonical, families),
        *quote_target_discrepancies(records, quotes, canonical, families),
        *uncorroborated(records, claims, quotes, canonical.label_of, families),
    ]
    found.sort(key=lambda d: (NATURES.index(d.nature), -d.severity, d.kind, d.subject))
    return found
