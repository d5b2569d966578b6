"""Direct quotes with their cue ("said") and speaker.

Quotes are found from the quotation marks (straight and curly, double and single, quotes
running over several paragraphs), then attributed from the dependency parse: the reporting
verb next to the quote and its subject ("“…,” Umerov said"), "according to X" (unless the clause
it hangs on has a statement verb and subject of its own: "According to Al Jazeera, Putin has
signalled that … “…”" is Putin's), a pronoun or
a role ("he", "the senator") resolved to the last fitting named person, and quotes split by
their attribution ("“…,” Rubio said. “…”") share one cue. A quote with no cue of its own next
to quotes of one speaker inherits that speaker (``inferred=True``). Short quotes nobody is
said to have spoken ("a “concept” or “map”") are scare quotes, not quotes.

A place named as the subject of the cue ("what Washington calls “…”") speaks for its
government: it stays the speaker, as the article words it, and `entities` types it a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from storyline.enrich.components.attribution import ASPECTUAL, Attribution, CUE_FORMS, MIN_UNCUED_WORDS, SpeakerResolver, cue_subject, is_cue
from storyline.enrich.registry import component
from storyline.models import EnrichedArticle, Quote, Span
from storyline.settings import Settings

# --- 1. quotation marks --------------------------------------------------------------------

_DOUBLE_OPEN = "“\"«„"
_DOUBLE_CLOSE = "”\"»“"
_SINGLE_OPEN = "‘'"
_SINGLE_CLOSE = "’'"


_TWO_CHAR_MARK = re.compile(r"''|``")
_OPENING = re.compile(f"[{re.escape(_DOUBLE_OPEN + _SINGLE_OPEN)}]")
"""Every character that may open a quote: `find_marked` looks at these only."""
_PAD = "\x00"


@dataclass
class Marked:
    """One stretch of quoted text in one paragraph: marks at ``open``/``close`` (close may be the paragraph end)."""

    open: int
    close: int
    start: int
    end: int
    single: bool = False
    continues: bool = False
    """The quote runs on into the next paragraph (which opens with a mark and no closing one here)."""
    continued: bool = False
    """This segment continues a quote from the previous paragraph."""


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def find_marked(text: str) -> list[Marked]:
    """Every top-level quoted stretch in ``text``, paragraph by paragraph."""
    # Some archives write ``…'' or ''…'' for double quotes: read each pair as one mark, same length.
    text = _TWO_CHAR_MARK.sub(lambda m: '"' + _PAD, text)
    found: list[Marked] = []
    pos = 0
    pending_continue = False
    paragraphs = text.split("\n")
    for p_index, para in enumerate(paragraphs):
        base = pos
        pos += len(para) + 1
        i = 0
        n = len(para)
        first_in_para = True
        while i < n:
            next_mark = _OPENING.search(para, i)
            if next_mark is None:
                break
            i = next_mark.start()
            ch = para[i]
            prev = para[i - 1] if i else " "
            nxt = para[i + 1] if i + 1 < n else " "
            opener = None
            if ch in _DOUBLE_OPEN and ch != "”" and not nxt.isspace() and (ch != '"' or not _is_word(prev)):
                opener = "double"
            elif ch == "“" and nxt.isspace() is False:
                opener = "double"
            elif ch in _SINGLE_OPEN and _is_word(nxt) and not _is_word(prev) and prev not in ".,":
                opener = "single"
            if opener is None:
                i += 1
                continue
            close = _find_close(para, i + 1, single=opener == "single")
            if close is None and opener == "single":
                i += 1
                continue
            end = close if close is not None else n
            content = para[i + 1 : end]
            stripped = content.strip(_PAD + " \t\r\xa0")
            if stripped:
                s = base + i + 1 + (len(content) - len(content.lstrip(_PAD + " \t\r\xa0")))
                m = Marked(base + i, base + end, s, s + len(stripped), single=opener == "single")
                m.continued = pending_continue and first_in_para and not para[:i].strip()
                stray = False
                if close is None:
                    nxt_para = next((p for p in paragraphs[p_index + 1 :] if p.strip()), "")
                    m.continues = nxt_para.lstrip()[:1] in _DOUBLE_OPEN
                    stray = not m.continues and len(stripped.split()) < 4  # a stray mark, not a quote
                if not stray:
                    found.append(m)
            first_in_para = False
            i = end + 1
        if para.strip():
            pending_continue = bool(found) and found[-1].continues and found[-1].open >= base
    return found


_CLOSING = {
    False: re.compile(f"[{re.escape(_DOUBLE_CLOSE)}]"),
    True: re.compile(f"[{re.escape(_SINGLE_CLOSE)}“”\"]"),
}
"""By ``single``: the characters `_find_close` decides on (a closing mark, or for a single quote a double one)."""


def _find_close(para: str, start: int, *, single: bool) -> int | None:
    for found in _CLOSING[single].finditer(para, start):
        j = found.start()
        ch = para[j]
        prev = para[j - 1]
        nxt = para[j + 1] if j + 1 < len(para) else " "
        if nxt == _PAD:
            nxt = para[j + 2] if j + 2 < len(para) else " "
        if single:
            if ch in _SINGLE_CLOSE and not _is_word(nxt) and not prev.isspace():
                return j
            if ch in "“”\"":
                return None  # a single quote never spans a double one: this was an apostrophe
        elif ch in _DOUBLE_CLOSE and (ch != "“" or not nxt.isalnum()):
            if ch in "”»" or not prev.isspace() or not _is_word(nxt):
                return j
    return None


# --- 2. the component (cues and speakers: attribution.py) -------------------------------


@component(
    "quotes",
    requires=("record.entities", "doc.deps", "doc.sents"),
    assigns=("record.quotes",),
    spacy_pipes=("parser", "tagger"),
)
def quotes(doc: Doc, record: EnrichedArticle, settings: Settings) -> None:
    record.quotes = extract_quotes(doc, record)


def extract_quotes(doc: Doc, record: EnrichedArticle) -> list[Quote]:
    text = record.article.text
    article_id = record.article.id
    marked = find_marked(text)
    if not marked:
        return []
    resolver = SpeakerResolver(doc, record.entities, text)
    in_quote = [False] * len(doc)
    tok_of = {}
    for m in marked:
        span = doc.char_span(m.open, min(m.close + 1, len(text)), alignment_mode="expand")
        if span is None:
            continue
        tok_of[id(m)] = span
        in_quote[span.start : span.end] = [True] * len(span)

    attributions: list[Attribution | None] = []
    for m in marked:
        span = tok_of.get(id(m))
        attributions.append(_attribute(doc, m, span, in_quote, resolver, text) if span is not None else None)
        att = attributions[-1]
        if att is not None and att.cue is not None and att.speaker in resolver.person_names:
            resolver.speakers.append((m.start, att.speaker))

    _share_cues(marked, attributions, text)

    out: list[Quote] = []
    for m, att in zip(marked, attributions, strict=True):
        words = len(text[m.start : m.end].split())
        if att is None or (att.cue is None and att.speaker is None):
            continue
        if att.cue is None and (words < MIN_UNCUED_WORDS or m.single):
            continue
        if _looks_like_title(text[m.start : m.end]):
            continue
        cue_span = None
        if att.cue is not None:
            last = att.cue_end or att.cue
            cs, ce = att.cue.idx, last.idx + len(last)
            cue_span = Span(article_id, cs, ce, text[cs:ce])
        speaker_span = None
        if att.speaker_span is not None:
            ss, se = att.speaker_span
            speaker_span = Span(article_id, ss, se, text[ss:se])
        out.append(
            Quote(
                span=Span(article_id, m.start, m.end, text[m.start : m.end]),
                speaker=att.speaker,
                speaker_span=speaker_span,
                cue_span=cue_span,
                inferred=att.inferred,
                partial=_is_partial(text, m, att),
            )
        )
    return out


_SMALL_WORDS = frozenset("a an and at by for from in of on or the to with vs".split())


def _looks_like_title(quoted: str) -> bool:
    """A name in quotes ("Fox News Sunday", "The Apprentice"), not words anybody said."""
    words = [w for w in re.findall(r"[\w’']+", quoted)]
    if not words or len(words) > 8 or quoted.rstrip()[-1:] in "?!." or ". " in quoted:
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS or w[:1].isdigit() for w in words) and quoted[:1].isupper()


def _is_partial(text: str, m: Marked, att: Attribution) -> bool:
    """Quoted words that continue the writer's own clause: a word that is not the cue right before the mark.

    A few words with no punctuation of their own ("called it “crazy system”") are a fragment too.
    """
    quoted = text[m.start : m.end]
    if len(quoted.split()) < MIN_UNCUED_WORDS and not re.search(r"[.,!?;:…]$", quoted):
        return True
    before = text[max(0, m.open - 40) : m.open].rstrip(" \t\xa0")
    if not before or before.endswith(("\n", ":", "—", "–", "-", "(", "[")):
        return False
    if not before[-1].isalnum():
        return False  # after a sentence, a comma or another quote: "…, he said, “…”"
    last = re.search(r"([\w’']+)$", before)
    if last is None:
        return False
    word = last.group(1).lower()
    if att.cue is not None and (word in CUE_FORMS or att.cue.idx <= m.open - len(before) + last.start(1) < att.cue.idx + len(att.cue.text) + 4):
        return False
    return word not in CUE_FORMS


def _paragraph_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def _unquoted(doc: Doc, start: int, end: int, in_quote: list[bool]) -> list[Token]:
    """The tokens ``start`` to ``end`` outside every quote, made one by one: an empty `Span` at the
    doc's end would join the doc's whole text."""
    return [doc[i] for i in range(start, end) if not in_quote[i]]


def _attribute(doc: Doc, m: Marked, span: SpacySpan, in_quote: list[bool], resolver: SpeakerResolver, text: str) -> Attribution:
    """The cue and speaker in the sentences around one quote (outside every quote)."""
    p_start, p_end = _paragraph_bounds(text, m.open)
    first_sent = span[0].sent
    last_sent = span[-1].sent
    # The sentences' tokens before and after the quote (the sentences hold its first and last token).
    left = [t for t in _unquoted(doc, first_sent.start, span.start, in_quote) if t.idx >= p_start]
    right = [t for t in _unquoted(doc, span.end, last_sent.end, in_quote) if t.idx < p_end]
    # A quote ending its sentence is often attributed by the next short sentence: "“…” Rubio said."
    if not right and last_sent.end < len(doc):
        nxt = doc[last_sent.end].sent
        if nxt[0].idx < p_end:
            # Only "Rubio said." / "Trump said, looking …": a cue with an object of its own
            # ("He repeated Ukraine’s thanks") starts a new statement.
            right = [
                t
                for t in nxt[:6]
                if not in_quote[t.i] and t.idx < p_end and (t.i + 1 >= len(doc) or doc[t.i + 1].is_punct or doc[t.i + 1].dep_ == "prep")
            ]
    # A quote opening a paragraph after "… said:" takes the cue of that paragraph.
    if not left and m.open == p_start + (len(text[p_start:m.open]) - len(text[p_start:m.open].lstrip())) and p_start > 1:
        prev_end = p_start - 1
        prev_text = text[:prev_end].rstrip()
        if prev_text.endswith(":"):
            prev_tok = doc.char_span(len(prev_text) - 1, len(prev_text), alignment_mode="expand")
            if prev_tok is not None:
                left = [t for t in prev_tok.sent if not in_quote[t.i]]
    cands: list[tuple[tuple[int, int], Token, bool]] = []
    root = span.root
    for side, tokens in (("right", right), ("left", left)):
        for t in tokens:
            if not is_cue(t):
                continue
            # (by index: `Span` has no `in`, so ``token in span`` walks the span token by token)
            governs = t in root.ancestors or t.head == root or any(span.start <= a.i < span.end for a in t.ancestors)
            if any(c.dep_ == "xcomp" and not in_quote[c.i] for c in t.children) and (not governs or t.lower_ in ASPECTUAL):
                continue  # "as the US continues to try …": a verb with a verb complement reports nothing here
            if any(c.dep_ in {"nsubj", "nsubjpass"} and c.left_edge.i <= span.start < c.right_edge.i for c in t.children):
                continue  # "The emphasis on “more work needed” suggests …": the quote is in the subject
            distance = t.idx - m.close if side == "right" else m.open - t.idx
            cands.append(((0 if governs else 1, distance), t, side == "right"))
    if not cands:
        return _dash_attribution(doc, m, text, p_end, resolver)
    cands.sort(key=lambda c: c[0])
    _, cue, after = cands[0]
    if cue.lower_ == "according":
        cue = _statement_verb(cue, span, in_quote) or cue
    cue_end = cue.doc[cue.i + 1] if cue.lower_ == "according" else None
    subj = cue_subject(cue, in_quote)
    att = Attribution(cue=cue, cue_end=cue_end, tokens_after=after)
    if subj is not None and not in_quote[subj.i]:
        att.speaker, att.speaker_span = resolver.speaker(subj, m.open)
    return att


def _statement_verb(according: Token, span: SpacySpan, in_quote: list[bool]) -> Token | None:
    """The verb of "According to X, Putin has signalled that … “…”": X reports, Putin states.

    "according to X" names the speaker only when the clause it hangs on does not itself report
    a statement: a verb with a subject of its own and a clause holding the quote. "…, according
    to Ukrainian officials" (no such verb) keeps X.
    """
    verb = according.head
    if verb.pos_ not in {"VERB", "AUX"} or in_quote[verb.i]:
        return None
    holds_quote = any(
        c.dep_ == "ccomp" and c.left_edge.i <= span.start and span.end - 1 <= c.right_edge.i for c in verb.children
    )
    has_subject = any(c.dep_ in {"nsubj", "nsubjpass"} and not in_quote[c.i] for c in verb.children)
    return verb if holds_quote and has_subject else None


_DASH_SPEAKER = re.compile(r"[\s\x00'\"”]*[―—–-]{1,2}\s*([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})")


def _dash_attribution(doc: Doc, m: Marked, text: str, p_end: int, resolver: SpeakerResolver) -> Attribution:
    """"“…” ― Sonya Herridge": a name after a dash that closes the paragraph signs the quote."""
    match = _DASH_SPEAKER.match(text, m.close + 1, p_end)
    if match is None or len(text[match.end() : p_end].strip(" .,")) > 40:
        return Attribution()
    dash = doc.char_span(match.start(0), match.end(0), alignment_mode="expand")
    if dash is None:
        return Attribution()
    cue = next((t for t in dash if t.text.strip("―—–-”\"'") == "" and any(c in t.text for c in "―—–-")), None)
    if cue is None:
        return Attribution()
    s, e = match.span(1)
    e = s + len(text[s:e].rstrip("."))
    people = [p for p in resolver.people if p.span.start >= s and p.span.end <= e]
    return Attribution(cue=cue, speaker=people[0].name if people else text[s:e].rstrip("."), speaker_span=(s, e))


def _share_cues(marked: list[Marked], atts: list[Attribution | None], text: str) -> None:
    """Quotes split by their attribution, quotes over several paragraphs, and uncued neighbours."""
    # Multi-paragraph quotes: every segment of a chain takes the chain's attribution.
    chain: list[int] = []
    chains: list[list[int]] = []
    for i, m in enumerate(marked):
        if m.continued and chain:
            chain.append(i)
        else:
            chain = [i]
            chains.append(chain)
    for ch in chains:
        cued = [att for i in ch if (att := atts[i]) is not None and att.cue is not None]
        if cued and len(ch) > 1:
            for i in ch:
                if (att := atts[i]) is None or att.cue is None:
                    atts[i] = Attribution(cued[0].cue, cued[0].cue_end, cued[0].speaker, cued[0].speaker_span)
    # "“…,” Rubio said. “…”": the second part shares the cue placed between the two.
    for i in range(1, len(marked)):
        prev, cur = atts[i - 1], atts[i]
        if prev is None or prev.cue is None or (cur is not None and cur.cue is not None):
            continue
        between = text[marked[i - 1].close + 1 : marked[i].open]
        if "\n" in between or not prev.tokens_after:
            continue
        if prev.cue.idx < marked[i - 1].close or prev.cue.idx > marked[i].open:
            continue
        atts[i] = Attribution(prev.cue, prev.cue_end, prev.speaker, prev.speaker_span, tokens_after=True)
    # An uncued quote next to quotes of one speaker (this paragraph or the one before) inherits it.
    for i, m in enumerate(marked):
        if (att := atts[i]) is not None and att.cue is not None:
            continue
        near = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(marked) and (other := atts[j]) is not None and other.cue is not None and other.speaker:
                gap = text[min(marked[j].close, m.close) : max(marked[j].open, m.open)]
                if gap.count("\n") <= 1:
                    near.append((other.speaker, other.speaker_span))
        if near and len({name for name, _ in near}) == 1:
            atts[i] = Attribution(speaker=near[0][0], speaker_span=near[0][1], inferred=True)
