"""Quote groups: the same quote carried by several articles, exact, trimmed or lightly edited."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence

from rapidfuzz import fuzz

from storyline.consolidate.common import Families, UnionFind, normalize, words
from storyline.consolidate.entities import Canonical
from storyline.models import EnrichedArticle, Quote, QuoteGroup, QuoteOccurrence, Span

EDITED_SIMILARITY = 85
"""rapidfuzz ratio (0-100) of the normalised wordings above which two quotes are one, lightly edited."""
MIN_SHARED_WORDS = 4
"""A trimmed quote must keep at least this many words to be matched inside a longer one."""
SHORT_QUOTE_WORDS = 6
"""Quotes shorter than this ("productive") only group with the same words from the same speaker."""


def _relation(a: str, b: str) -> str | None:
    """How two normalised wordings relate: ``exact``, ``trimmed``, ``edited`` or None."""
    if a == b:
        return "exact"
    short, long_ = sorted((a, b), key=len)
    if len(short.split()) >= MIN_SHARED_WORDS and f" {short} " in f" {long_} ":
        return "trimmed"
    if min(len(a.split()), len(b.split())) >= MIN_SHARED_WORDS:
        if fuzz.ratio(a, b) >= EDITED_SIMILARITY:
            return "edited"
        if len(short.split()) >= 8 and fuzz.partial_ratio(short, long_) >= 92:
            return "trimmed"
    return None


def differences(reference: str, text: str) -> list[str]:
    """Word-level differences of ``text`` from ``reference``: ``- word``, ``+ word``, ``a -> b``."""
    ref, got = words(reference), words(text)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ref, b=got, autojunk=False).get_opcodes():
        if op == "delete":
            out.append("- " + " ".join(ref[i1:i2]))
        elif op == "insert":
            out.append("+ " + " ".join(got[j1:j2]))
        elif op == "replace":
            out.append(" ".join(ref[i1:i2]) + " -> " + " ".join(got[j1:j2]))
    return out


_QUOTED = re.compile(r"“([^“”]{3,600}?)”|\"([^\"\n]{3,600}?)\"")


def find_quotes(record: EnrichedArticle) -> list[Quote]:
    """Quoted passages of at least four words, without speakers: a fallback for records enriched without quotes."""
    text, aid = record.article.text, record.article.id
    found = []
    for m in _QUOTED.finditer(text):
        group = 1 if m.group(1) is not None else 2
        if len(m.group(group).split()) >= MIN_SHARED_WORDS:
            found.append(Quote(span=Span(aid, m.start(group), m.end(group), m.group(group))))
    return found


SPEAKER_LABELS = ("PERSON", "ORG", "NORP")
"""Who can be a quote's speaker: a person, an organisation, a people; not a place ("Washington said"
is a government speaking through a place name, which names no one to hold to the words)."""


def quote_groups(
    records: Sequence[EnrichedArticle], canonical: Canonical, families: Families, event_of: dict[str, str] | None = None
) -> list[QuoteGroup]:
    """Group every quote of the story's articles; groups carried by more articles come first.

    ``event_of`` maps an article to the place of the event it reports: quotes of articles about two
    different events are never grouped, and each group says its event."""
    event_of = event_of or {}
    order = {r.article.id: i for i, r in enumerate(records)}
    outlet = {r.article.id: r.article.outlet for r in records}
    items: list[tuple[Quote, str, str | None]] = []  # quote, normalised words, canonical speaker
    for record in records:
        quotes = record.quotes if _has(record, "quote") else find_quotes(record)
        for q in quotes:
            norm = normalize(q.span.text)
            if norm:
                speaker = canonical.name(record.article.id, q.speaker)
                # A speaker that is no named entity of the story ("The emphasis", a subhead) is a
                # misattribution: show the quote as unattributed rather than invent a speaker.
                items.append((q, norm, speaker if canonical.label_of.get(speaker or "") in SPEAKER_LABELS else None))

    uf = UnionFind(str(i) for i in range(len(items)))
    for i, (qa, na, sa) in enumerate(items):
        for j in range(i + 1, len(items)):
            qb, nb, sb = items[j]
            if qa.span.article_id == qb.span.article_id:
                continue
            ea, eb = event_of.get(qa.span.article_id), event_of.get(qb.span.article_id)
            if ea and eb and ea != eb:
                continue
            short = min(len(na.split()), len(nb.split())) < SHORT_QUOTE_WORDS
            if short and (na != nb or sa is None or sa != sb):
                continue
            if _relation(na, nb) is not None:
                uf.union(str(i), str(j))

    groups: list[QuoteGroup] = []
    for members in uf.groups():
        idx = sorted((int(m) for m in members), key=lambda k: (order[items[k][0].span.article_id], items[k][0].span.start))
        reference = max(idx, key=lambda k: len(items[k][1]))
        ref_text = items[reference][0].span.text
        speakers = Counter(items[k][2] for k in idx if items[k][2] and not items[k][0].inferred)
        if not speakers:
            speakers = Counter(items[k][2] for k in idx if items[k][2])
        # Prefer a speaker that is a known person when articles disagree (NER mislabels on cues).
        speaker = (
            max(speakers, key=lambda s: (speakers[s], canonical.label_of.get(s or "") == "PERSON", s)) if speakers else None
        )
        variation = "exact"
        norms = {items[k][1] for k in idx}
        if len(norms) > 1:
            variation = "trimmed" if all(_relation(items[reference][1], n) in ("exact", "trimmed") for n in norms) else "edited"
        occurrences = [
            QuoteOccurrence(
                span=items[k][0].span,
                outlet=outlet.get(items[k][0].span.article_id),
                speaker=items[k][2],
                speaker_span=items[k][0].speaker_span,
                differences=differences(ref_text, items[k][0].span.text) if k != reference else [],
            )
            for k in idx
        ]
        article_ids = sorted({o.span.article_id for o in occurrences}, key=order.__getitem__)
        groups.append(
            QuoteGroup(
                id="",
                text=ref_text,
                speaker=speaker,
                occurrences=occurrences,
                article_ids=article_ids,
                independent_sources=families.count(article_ids),
                variation=variation,
                event=next((event_of[a] for a in article_ids if a in event_of), None),
            )
        )
    groups.sort(key=lambda g: (-len(g.article_ids), order[g.occurrences[0].span.article_id], g.occurrences[0].span.start))
    for i, group in enumerate(groups, start=1):
        group.id = f"q{i}"
    return groups


def _has(record: EnrichedArticle, component: str) -> bool:
    """Whether the record's enrich run included a component whose name contains ``component``."""
    return any(component in name for name in record.pipeline)
