"""Scoring a brief's discrepancies against hand-annotated gold, and BASIL's bias spans against a brief.

Gold items and traps (``bench/gold/ecbplus_train_discrepancies.jsonl``, see ``bench/gold/README.md``)
name each side by an exact substring of one article, with the ``value`` it states. A predicted
discrepancy *matches* a gold item when two of its sides, in different articles, each have a span
overlapping a gold side, and those two gold sides state different values. The rule asks for the
disputed values, not the wording around them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.models import Brief, Discrepancy, Span

KINDS = ("role", "title_holder", "number", "place", "date", "characterisation", "attribution", "claim")
NATURES = ("contradiction", "precision", "framing")


@dataclass
class GoldSide:
    article_id: str
    text: str
    spans: list[tuple[int, int]]
    """Every occurrence of ``text`` in the article (the text is short; any occurrence counts)."""
    value: str
    """Sides stating the same version share a value; a match needs two different values."""


@dataclass
class GoldItem:
    kind: str
    nature: str
    note: str
    sides: list[GoldSide]
    cluster: str = ""


@dataclass
class ClusterScore:
    predicted: int = 0
    matched_predicted: int = 0
    gold: int = 0
    matched_gold: int = 0
    trap_hits: int = 0
    matched: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)


def nature_of(d: Discrepancy) -> str:
    """The discrepancy's nature (contradiction, precision, framing, uncorroborated)."""
    return d.nature


def gold_item(raw: Mapping[str, Any], texts: Mapping[str, str], id_of=lambda doc_id: doc_id, cluster: str = "") -> GoldItem:
    """A gold record with each side's text located in its article (``ValueError`` if it is not there)."""
    sides = []
    for i, side in enumerate(raw["sides"]):
        aid = id_of(side["doc_id"])
        text = texts[aid]
        spans = [(m.start(), m.start() + len(side["text"])) for m in re.finditer(re.escape(side["text"]), text)]
        if not side["text"] or not spans:
            raise ValueError(f"{cluster}: {side['text']!r} is not in {side['doc_id']}")
        sides.append(GoldSide(aid, side["text"], spans, str(side.get("value", f"#{i}"))))
    if len({s.article_id for s in sides}) < 2:
        raise ValueError(f"{cluster}: gold item {raw.get('note')!r} needs sides in two articles")
    return GoldItem(raw["kind"], raw.get("nature", "contradiction"), raw.get("note", ""), sides, cluster)


def _overlaps(span: Span, side: GoldSide) -> bool:
    return span.article_id == side.article_id and any(span.start < end and start < span.end for start, end in side.spans)


def matches(predicted: Discrepancy, gold: GoldItem) -> bool:
    """Two predicted sides, in different articles, each overlap a gold side, the two gold sides
    stating different values (sides without a value each count as their own)."""
    hits = []  # (predicted side index, article, gold value)
    for i, side in enumerate(predicted.sides):
        for span in side.spans:
            for gside in gold.sides:
                if _overlaps(span, gside):
                    hits.append((i, span.article_id, gside.value))
    return any(a[0] != b[0] and a[1] != b[1] and a[2] != b[2] for a in hits for b in hits)


def describe(d: Discrepancy) -> dict[str, Any]:
    """A predicted discrepancy as a person reads it in the results."""
    return {
        "kind": d.kind,
        "nature": nature_of(d),
        "subject": d.subject,
        "description": d.description,
        "sides": [{"value": s.value, "spans": [f"{sp.article_id}[{sp.start}:{sp.end}] {sp.text!r}" for sp in s.spans[:3]]} for s in d.sides],
    }


def _describe_gold(g: GoldItem) -> dict[str, Any]:
    return {"cluster": g.cluster, "kind": g.kind, "nature": g.nature, "note": g.note, "sides": [f"{s.article_id}: {s.text!r}" for s in g.sides]}


def score_cluster(predicted: Sequence[Discrepancy], gold: Sequence[GoldItem], traps: Sequence[GoldItem]) -> ClusterScore:
    """Match one brief's (non-uncorroborated) discrepancies against one cluster's gold and traps."""
    score = ClusterScore(predicted=len(predicted), gold=len(gold))
    gold_hit = [False] * len(gold)
    for d in predicted:
        hit = [i for i, g in enumerate(gold) if matches(d, g)]
        trapped = [t for t in traps if matches(d, t)]
        for i in hit:
            gold_hit[i] = True
        if hit:
            score.matched_predicted += 1
            score.matched.append({"predicted": describe(d), "gold": [_describe_gold(gold[i]) for i in hit]})
        else:
            entry = describe(d)
            if trapped:
                score.trap_hits += 1
                entry["trap"] = [_describe_gold(t) for t in trapped]
            score.false_positives.append(entry)
    score.matched_gold = sum(gold_hit)
    score.misses = [_describe_gold(g) for g, ok in zip(gold, gold_hit) if not ok]
    return score


def per_kind(pairs: Iterable[tuple[str, bool]]) -> dict[str, dict[str, float | int]]:
    """``{kind: {"n", "matched", "share"}}`` from (kind, matched) pairs."""
    n: Counter[str] = Counter()
    ok: Counter[str] = Counter()
    for kind, matched in pairs:
        n[kind] += 1
        ok[kind] += matched
    return {k: {"n": n[k], "matched": ok[k], "share": round(ok[k] / n[k], 3)} for k in sorted(n)}


def ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


# --- BASIL ----------------------------------------------------------------------------------


def locate_phrase(text: str, phrase: str, offset_in_unit: int) -> tuple[int, int] | None:
    """Where a BASIL phrase sits in the article text.

    BASIL's ``start`` counts from the start of the phrase's sentence, not the article, so among
    several occurrences prefer one that many characters after a line or sentence start.
    """
    found = [m.start() for m in re.finditer(re.escape(phrase), text)]
    if not found:
        found = [m.start() for m in re.finditer(re.escape(phrase), text, re.IGNORECASE)]
    if not found:
        return None

    def fits(pos: int) -> bool:
        unit = pos - offset_in_unit
        return unit == 0 or (unit > 0 and (text[unit - 1] in "\n " and (unit < 2 or text[unit - 2] in "\n.?!\"”'")))

    pos = next((p for p in found if fits(p)), found[0])
    return pos, pos + len(phrase)


def flagged_spans(discrepancies: Iterable[Discrepancy]) -> dict[str, list[tuple[int, int]]]:
    """Every side span of every discrepancy, per article."""
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for d in discrepancies:
        for side in d.sides:
            for span in side.spans:
                out[span.article_id].append((span.start, span.end))
    return out


def exclusive_spans(brief: Brief) -> dict[str, list[tuple[int, int]]]:
    """Every item of the brief's "only one outlet carries" section, per article."""
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for ex in brief.exclusives:
        for item in ex.items:
            out[item.span.article_id].append((item.span.start, item.span.end))
    return out


def overlaps_any(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def covered_chars(spans: Iterable[tuple[int, int]]) -> int:
    """Characters under the union of ``spans``."""
    total = 0
    last = -1
    for s, e in sorted(spans):
        s = max(s, last)
        if e > s:
            total += e - s
            last = e
    return total
