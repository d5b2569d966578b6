"""Wording: aligned sentences that characterise the same fact differently, or credit it to different sources.

No offline model tells framing from paraphrase, so both rest on anchors the two sentences share.
Characterisation: around a shared figure or name, each side uses charged words the other does not
("a kickback scheme that siphoned $100 million" / "$100 million embezzled"); ordinary paraphrase
(``expressed gratitude`` / ``expressing appreciation``) carries no charged word and is left alone.
Attribution: in a rewrite, the subject of the reporting verb changed ("Negotiators say changes have
been made" / "Rubio confirmed that updates ..."); a named source against an unnamed group is a
difference of precision, two different named sources a contradiction. Independent reports are
left alone: they quote different officials on one fact as a matter of course (ECB+ train gold).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import re
from collections.abc import Sequence

from storyline.consolidate.claims import SentenceTable
from storyline.consolidate.common import Families
from storyline.consolidate.discrepancies.alignment import AlignedPair
from storyline.consolidate.discrepancies.sides import better, gist, side, support_bonus
from storyline.consolidate.entities import Canonical
from storyline.models import Discrepancy, EnrichedArticle, Span
from storyline.text import ENGLISH_STOP_WORDS
from storyline.consolidate.registry import discrepancy_finder

if TYPE_CHECKING:
    from storyline.consolidate.context import StoryContext

CHARGED = (
    # wrongdoing and its legal status
    "corrupt", "kickback", "embezzl", "siphon", "brib", "fraud", "scandal", "scheme", "graft", "launder",
    "steal", "stole", "theft", "loot", "extort", "smuggl", "illegal", "unlawful", "alleg", "accus",
    "confess", "admit", "guilty", "crimin",
    # violence and who does it
    "massacr", "slaughter", "murder", "assassin", "terror", "militant", "insurgen", "rebel", "extremis",
    "regime", "invasi", "invad", "occup", "aggress", "annex", "riot", "mob", "thug", "unrest", "crackdown",
    "brutal", "atrocit", "genocid", "coup",
    # verdicts on an outcome or a claim
    "surrender", "capitulat", "concession", "appeas", "humiliat", "propaganda", "disinform", "hoax", "sham",
    "rigged", "controvers", "radical", "hardline",
)
"""Stems of words that judge what they describe: crime, violence, verdicts. Chosen by meaning, not tuned."""
ANCHOR_WINDOW = 6
"""Words either side of the shared figure or name that belong to its description."""
_TOKEN = re.compile(r"\$?\d[\d,.]*(?:\s+(?:million|billion|thousand|trillion))?|[A-Za-z][\w’'-]*")
_REPORTING = re.compile(
    r"\b(says?|said|confirm(?:s|ed)?|told|tells?|announc(?:es|ed)|report(?:s|ed)|stated?|warn(?:s|ed)|insist(?:s|ed)|"
    r"claim(?:s|ed)|not(?:es|ed)|argu(?:es|ed)|acknowledg(?:es|ed)|reveal(?:s|ed)|indicat(?:es|ed)|assert(?:s|ed)|"
    r"maintain(?:s|ed))\b"
)
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "this"}
_CLAUSE = re.compile(r"[,;:—–(]|\b(?:and|but|although|while|after|as|because|when|that|which|who)\b")


def _stem(word: str) -> str:
    return word.lower()[:6]


def _charged(word: str) -> bool:
    w = word.lower()
    return any(w.startswith(stem) for stem in CHARGED)


def _content(tokens: list[re.Match[str]]) -> list[re.Match[str]]:
    return [t for t in tokens if t.group()[0].islower() and t.group().lower() not in ENGLISH_STOP_WORDS and len(t.group()) > 2]


_FIGURE = re.compile(r"\$?\d[\d,.]*(?:\s+(?:million|billion|thousand|trillion))?")


def _anchors(table: SentenceTable, i: int, j: int) -> list[tuple[str, str]]:
    """Figures written in digits in both sentences, as (text in i, text in j)."""
    out = []
    figures_i = {}
    for n in table.numbers[i]:
        m = _FIGURE.search(n.text)
        if m:
            figures_i[re.sub(r"\D", "", m.group())] = m.group()
    for n in table.numbers[j]:
        m = _FIGURE.search(n.text)
        if m and re.sub(r"\D", "", m.group()) in figures_i:
            out.append((figures_i[re.sub(r"\D", "", m.group())], m.group()))
    return out


def _window(sentence: Span, anchor: str) -> list[re.Match[str]] | None:
    """The words around the anchor's first occurrence, or None when it is not written there."""
    tokens = list(_TOKEN.finditer(sentence.text))
    at = next((k for k, t in enumerate(tokens) if anchor in t.group() or t.group() in anchor and t.group()[:1].isdigit()), None)
    if at is None:
        return None
    return tokens[max(0, at - ANCHOR_WINDOW) : at + ANCHOR_WINDOW + 1]


def characterisation_discrepancies(table: SentenceTable, pairs: Sequence[AlignedPair], families: Families) -> list[Discrepancy]:
    """The same figure described in charged words one side uses and the other does not."""
    out = []
    for pair in pairs:
        a, b = table.spans[pair.left], table.spans[pair.right]
        for anchor_a, anchor_b in _anchors(table, pair.left, pair.right):
            wa, wb = _window(a, anchor_a), _window(b, anchor_b)
            if wa is None or wb is None:
                continue
            ca, cb = _content(wa), _content(wb)
            stems_a, stems_b = {_stem(t.group()) for t in ca}, {_stem(t.group()) for t in cb}
            only_a = [t for t in ca if _stem(t.group()) not in stems_b]
            only_b = [t for t in cb if _stem(t.group()) not in stems_a]
            if not only_a or not only_b or not any(_charged(t.group()) for t in only_a + only_b):
                continue
            cover_a, cover_b = _cover(a, wa, only_a), _cover(b, wb, only_b)
            built = [side(cover_a.text, [cover_a], families), side(cover_b.text, [cover_b], families)]
            words_a = ", ".join(t.group() for t in only_a)
            words_b = ", ".join(t.group() for t in only_b)
            out.append(
                Discrepancy(
                    kind="characterisation",
                    subject=f"how {anchor_a} is described",
                    description=f"The same {anchor_a} is described as “{words_a}” and as “{words_b}”.",
                    severity=0.45 + support_bonus(built, len(families.groups)),
                    sides=built,
                    better_supported=better(built),
                    nature="framing",
                )
            )
    return out


def _cover(sentence: Span, window: list[re.Match[str]], words: list[re.Match[str]]) -> Span:
    """The stretch of the sentence from the first to the last of the window's distinctive words and the anchor."""
    start, end = min(t.start() for t in words), max(t.end() for t in words)
    anchor_tokens = [t for t in window if t.group()[:1] in "$0123456789"]
    if anchor_tokens:
        start = min(start, anchor_tokens[0].start())
        end = max(end, anchor_tokens[-1].end())
    return Span(sentence.article_id, sentence.start + start, sentence.start + end, sentence.text[start:end])


# --- who a statement is credited to -----------------------------------------------------------------


_SKIP = {"has", "have", "had", "is", "was", "are", "were", "will", "would", "also", "later", "previously",
         "recently", "again", "reportedly", "publicly", "then", "meanwhile", "however", "first", "since", "earlier"}
_WORDS = re.compile(r"[A-Za-z][\w.’'-]*")


def _source(record: EnrichedArticle, sentence: Span, canonical: Canonical) -> tuple[Span, str | None] | None:
    """Who the sentence's first reporting verb credits: the subject's span, and its canonical name if named."""
    verb = _REPORTING.search(sentence.text)
    if verb is None:
        return None
    words = list(_WORDS.finditer(sentence.text[: verb.start()]))
    while words and words[-1].group().lower() in _SKIP:
        words.pop()
    if not words:
        return None
    head = words[-1]
    if head.group().lower() in _PRONOUNS:
        return None
    start, end = sentence.start + head.start(), sentence.start + head.end()
    for m in record.entities:
        if m.span.start <= start < m.span.end and m.label in ("PERSON", "ORG", "GPE", "NORP"):
            name = canonical.name(record.article.id, m.name) or m.name
            return m.span, name
    if not head.group().lower().endswith("s") or head.group().lower() in ENGLISH_STOP_WORDS:
        return None  # only a plural group ("Negotiators", "Kremlin officials") stands for an unnamed source
    first = head
    for w in reversed(words[:-1]):
        gap = sentence.text[w.end() : first.start()]
        if gap.strip() or w.group().lower() in ENGLISH_STOP_WORDS or len(sentence.text[w.start() : head.end()].split()) > 3:
            break
        first = w
    span = Span(sentence.article_id, sentence.start + first.start(), end, sentence.text[first.start() : head.end()])
    return span, None


def _content_stems(text: str) -> set[str]:
    return {_stem(w.group()) for w in _WORDS.finditer(text) if w.group().lower() not in ENGLISH_STOP_WORDS and len(w.group()) > 3}


def attribution_discrepancies(
    records: Sequence[EnrichedArticle], table: SentenceTable, pairs: Sequence[AlignedPair], canonical: Canonical, families: Families
) -> list[Discrepancy]:
    """A statement a rewrite credits to another source than the report it rewrites."""
    by_id = {r.article.id: r for r in records}
    out = []
    for pair in pairs:
        if not pair.rewrite:
            continue  # independent reports quote different officials on one fact as a matter of course
        a, b = table.spans[pair.left], table.spans[pair.right]
        sa, sb = _source(by_id[a.article_id], a, canonical), _source(by_id[b.article_id], b, canonical)
        if sa is None or sb is None:
            continue
        (span_a, named_a), (span_b, named_b) = sa, sb
        if not (_content_stems(_REPORTING.sub(" ", a.text)) & _content_stems(_REPORTING.sub(" ", b.text))):
            continue  # nothing in common but the verb: two different statements
        if named_a and named_b and named_a == named_b:
            continue
        if not named_a and not named_b:
            continue
        if (named_a and named_a in span_b.text) or (named_b and named_b in span_a.text):
            continue
        contradiction = bool(named_a and named_b)
        built = [side(span_a.text, [span_a], families), side(span_b.text, [span_b], families)]
        out.append(
            Discrepancy(
                kind="attribution",
                subject="who says: " + gist(a.text),
                description=f"The same statement is credited to “{span_a.text}” and to “{span_b.text}”.",
                severity=(0.65 if contradiction else 0.5) + support_bonus(built, len(families.groups)),
                sides=built,
                better_supported=better(built),
                nature="contradiction" if contradiction else "precision",
            )
        )
    return out


@discrepancy_finder("characterisation")
def _characterisation(story: StoryContext) -> list[Discrepancy]:
    return characterisation_discrepancies(story.table, story.pairs, story.families)


@discrepancy_finder("attribution")
def _attribution(story: StoryContext) -> list[Discrepancy]:
    return attribution_discrepancies(story.records, story.table, story.pairs, story.canonical, story.families)
