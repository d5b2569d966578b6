"""Who a quote is credited to: reporting verbs (cues) in every form, the subject of a cue, and
the speaker names that entity mentions, pronouns and roles resolve to (`SpeakerResolver`)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from storyline.models import EntityMention

# --- 2. cues -------------------------------------------------------------------------------

_CUE_LEMMAS = (
    "say tell add note explain write tweet ask argue claim insist state declare warn caution continue reply "
    "respond answer recall announce acknowledge admit conclude suggest emphasize emphasise stress remark comment "
    "observe quip joke complain predict promise vow urge boast concede confirm deny testify chant sing shout yell "
    "scream mutter whisper report post describe call added agree allege assert contend counter maintain lament "
    "muse offer plead pledge proclaim recount reiterate repeat reveal scoff sneer charge challenge demand "
    "thunder marvel exclaim begin declare announce blast tout praise criticize criticise hail"
).split()
_IRREGULAR = {
    "say": ["said"], "tell": ["told"], "write": ["wrote", "written"], "sing": ["sang", "sung"],
    "begin": ["began", "begun"], "admit": ["admitted", "admitting"], "quip": ["quipped", "quipping"],
    "offer": ["offered", "offering"], "counter": ["countered", "countering"], "thunder": ["thundered", "thundering"],
    "marvel": ["marveled", "marvelled", "marveling"],
}


def _forms(lemma: str) -> set[str]:
    forms = {lemma, lemma + "s", lemma + "es"}
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms |= {stem + "ed", stem + "ing"}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ied", lemma[:-1] + "ies"}
    forms.update(_IRREGULAR.get(lemma, ()))
    return forms


CUE_FORMS = frozenset(f for lemma in _CUE_LEMMAS for f in _forms(lemma))
"""Reporting verbs in every form ("said", "cautioned", "tweeting")."""
STRONG_CUES = frozenset(f for lemma in ("say", "tell", "add", "ask", "write", "tweet", "continue", "reply", "respond", "explain", "note") for f in _forms(lemma))
ASPECTUAL = frozenset(_forms("continue") | _forms("begin"))
"""Cues only when used alone ("“…,” he continued"); with a verb after them ("continues to watch") they report nothing."""
PRONOUNS = {"he": "PERSON", "she": "PERSON", "him": "PERSON", "her": "PERSON", "they": None, "we": None, "i": None, "it": None}
MIN_UNCUED_WORDS = 4
"""Quotes shorter than this with no cue in their sentence are scare quotes ("a “concept”")."""


@dataclass
class Attribution:
    cue: Token | None = None
    cue_end: Token | None = None
    speaker: str | None = None
    speaker_span: tuple[int, int] | None = None
    inferred: bool = False
    tokens_after: bool = False


def is_cue(tok: Token) -> bool:
    if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
        return True
    return tok.lower_ in CUE_FORMS and tok.pos_ in {"VERB", "AUX"} or (tok.lower_ in STRONG_CUES and tok.pos_ != "NOUN")


def cue_subject(cue: Token, in_quote: list[bool] | None = None) -> Token | None:
    """The speaker token of a cue: its subject, the object of "according to", or the subject of the verb it hangs on."""
    if cue.lower_ == "according":
        to = cue.doc[cue.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"]
        return objs[0] if objs else None
    node = cue
    for _ in range(3):
        subj = [c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"} and not (in_quote and in_quote[c.i])]
        if subj:
            return subj[0]
        agent = [g for c in node.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if agent:
            return agent[0]
        if node.dep_ in {"xcomp", "advcl", "conj", "ccomp", "acl", "pcomp"} and node.head is not node:
            node = node.head
            if node.dep_ == "prep":  # "by saying": the verb the preposition hangs on
                node = node.head
        else:
            break
    return None


def subject_span(subj: Token) -> tuple[int, int]:
    """The subject's noun phrase, without relative clauses and appositions after the head."""
    left = subj.left_edge
    end = subj
    for child in subj.rights:
        if child.dep_ in {"compound", "flat"} or (child.dep_ == "appos" and child.ent_type_ == "PERSON"):
            end = child.right_edge
    return left.idx, end.idx + len(end)


def main_subject(tok: Token) -> bool:
    """The subject of a main clause (or the name in apposition to one): "Rubio revealed that …"."""
    if tok.dep_ == "appos":
        tok = tok.head
    if tok.dep_ in {"compound", "flat"}:
        return False
    if tok.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    verb = tok.head
    return verb.dep_ in {"ROOT", "conj"}


class SpeakerResolver:
    """Speaker names: entity mentions, pronouns and roles resolved to the article's people."""

    def __init__(self, doc: Doc, entities: list[EntityMention], text: str) -> None:
        self.doc = doc
        self.text = text
        """The doc's text (`Doc.text` joins every token again at each call)."""
        self.entities = sorted(entities, key=lambda m: m.span.start)
        self.people = [m for m in self.entities if m.label == "PERSON"]
        self.speakers: list[tuple[int, str]] = []
        self.person_names = {m.name for m in self.people}

    def inside(self, start: int, end: int) -> list[EntityMention]:
        return [m for m in self.entities if start <= m.span.start and m.span.end <= end]

    def last_person(self, before: int, *, noun: str | None = None) -> str | None:
        """The last named person before ``before``: the latest quoted speaker or main-clause subject."""
        if noun:
            for m in reversed(self.people):
                if m.span.start < before and m.role and noun in m.role.lower().split():
                    return m.name
            return None  # a role nobody in the article has ("the senator") stays unresolved
        candidates = [c for c in self.speakers if c[0] < before]
        subject = self._last_subject(before)
        if subject is not None:
            candidates.append(subject)
        if candidates:
            return max(candidates)[1]
        earlier = [m for m in self.people if m.span.start < before]
        return earlier[-1].name if earlier else None

    def _last_subject(self, before: int) -> tuple[int, str] | None:
        """The latest main-clause subject naming a person, up to ten sentences back."""
        tok = self.doc.char_span(before, before + 1, alignment_mode="expand")
        if tok is None:
            return None
        sent = tok[0].sent
        for _ in range(10):
            subjects = [t for t in sent if t.idx < before and main_subject(t)]
            for t in reversed(subjects):
                name = self._person_name(t)
                if name:
                    return t.idx, name
            if sent.start == 0:
                return None
            sent = self.doc[sent.start - 1].sent
        return None

    def _person_name(self, tok: Token) -> str | None:
        start, end = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)
        people = [m for m in self.people if start <= m.span.start and m.span.end <= end]
        if people:
            return min(people, key=lambda m: abs(m.span.start - tok.idx)).name
        if tok.pos_ == "PROPN" and not tok.ent_type_ and not any(c.dep_ == "det" for c in tok.lefts):
            # (a determiner makes it a common name: "A Conversation Marked by …", a heading run into the text)
            # A name the NER model missed ("Umerov said"): the proper-noun phrase, as the article writes it.
            words = [t for t in tok.lefts if t.dep_ in {"compound", "flat"} and t.pos_ == "PROPN"] + [tok]
            surname = tok.text
            return next((p for p in sorted(self.person_names) if p.split()[-1] == surname), " ".join(w.text for w in words))
        return None

    def speaker(self, subj: Token, quote_start: int) -> tuple[str | None, tuple[int, int]]:
        if subj.lower_ in {"who", "which", "that"} and subj.head.dep_ in {"relcl", "acl"}:
            subj = subj.head.head  # "…, who said": the noun the relative clause hangs on
        start, end = subject_span(subj)
        full_start, full_end = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
        mentions = self.inside(full_start, full_end)
        people = [m for m in mentions if m.label == "PERSON"]
        for group in (people, [m for m in mentions if m.label in {"ORG", "NORP", "GPE"}]):
            if group:
                best = min(group, key=lambda m: abs(m.span.start - subj.idx))
                if best.span.start < start or best.span.end > end:
                    start, end = min(start, best.span.start), max(end, best.span.end)
                if group is people or best.span.start <= subj.idx < best.span.end:
                    return best.name, (start, end)
        lower = subj.lower_
        if lower in PRONOUNS:
            if PRONOUNS[lower] == "PERSON":
                return self.last_person(quote_start), (subj.idx, subj.idx + len(subj))
            return None, (subj.idx, subj.idx + len(subj))
        text = self.text[start:end]
        if subj.pos_ == "NOUN" and any(t.lower_ in {"the", "this"} for t in subj.lefts):
            name = self.last_person(quote_start, noun=lower)
            if name:
                return name, (start, end)
        return text, (start, end)
