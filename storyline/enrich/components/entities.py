"""Named entities, with short forms resolved to the article's fullest form ("Rubio" -> "Marco Rubio")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from storyline.enrich.registry import component
from storyline.models import EnrichedArticle, EntityMention, Span
from storyline.settings import Settings

KEPT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
_POSSESSIVE = re.compile(r"[’']s?$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


def clean_name(text: str) -> str:
    """The entity's surface form without a possessive or a leading "the"."""
    text = _POSSESSIVE.sub("", text.strip())
    return _LEADING_THE.sub("", text).strip()


PERSON_LIKE = ("PERSON", "ORG")
"""Labels the small NER model confuses with each other on names ("Rustem Umerov" tagged ORG)."""


_ORG_WORDS = frozenset(
    "agency association bank board bureau club committee company consortium corporation council court "
    "department foundation fund group inc institute league ministry news office organization party "
    "press school service times union university".split()
)


_PERSON_TITLES = frozenset(
    "adviser advisor aide ambassador chancellor chief commander congressman congresswoman councillor "
    "diplomat director envoy governor lawmaker leader mayor minister negotiator president prosecutor "
    "secretary senator spokesman spokeswoman spokesperson".split()
)
"""Title words written right before a person's name ("presidential adviser Oleksandr Bevz")."""


def titled_person(ent: SpacySpan) -> bool:
    """A name tagged as an organisation that follows a person's title is a person."""
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    return before is not None and before.lower_ in _PERSON_TITLES and looks_like_person_name(ent.text)


def looks_like_person_name(name: str) -> bool:
    """Two to four capitalised words and no organisation word: "Rustem Umerov", not "Shell Bay Club"."""
    words = name.split()
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() and w.replace("-", "").replace(".", "").isalpha() for w in words)
        and not any(w.lower() in _ORG_WORDS for w in words)
    )


def resolve_short_forms(names: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """Map each (label, name) to the (label, fullest name) of the entity it refers to.

    A short form ("Rubio") refers to the longest name that ends with it word for word
    ("Marco Rubio"). PERSON and ORG names are matched across the two labels, and the
    entity's label is the majority label of all its mentions (PERSON wins a tie), because
    the small NER model often tags one mention of a person as an organisation.
    """
    def group(label: str) -> str:
        return "PERSON_LIKE" if label in PERSON_LIKE else label

    candidates: dict[str, set[str]] = {}
    for label, name in names:
        candidates.setdefault(group(label), set()).add(name)
    # Every shorter run of words that ends a name, mapped to the first such name longest first
    # (then alphabetically): one pass over the names instead of one per short form.
    fullest: dict[tuple[str, tuple[str, ...]], str] = {}
    for key, group_names in candidates.items():
        for full in sorted(group_names, key=lambda n: (-len(n.split()), n)):
            full_words = tuple(full.split())
            for i in range(1, len(full_words)):
                fullest.setdefault((key, full_words[i:]), full)
    full_name = {(label, name): fullest.get((group(label), tuple(name.split())), name) for label, name in set(names)}
    votes: dict[tuple[str, str], Counter[str]] = {}
    for label, name in names:
        votes.setdefault((group(label), full_name[(label, name)]), Counter())[label] += 1
    resolved = {}
    for label, name in set(names):
        full = full_name[(label, name)]
        counts = votes[(group(label), full)]
        best = max(counts, key=lambda lab: (counts[lab], lab == "PERSON"))
        if counts["PERSON"] and looks_like_person_name(full):
            best = "PERSON"
        resolved[(label, name)] = (best, full)
    return resolved


@component("entities", requires=("doc.ents", "doc.deps", "doc.tags"), assigns=("record.entities",), spacy_pipes=("ner", "parser", "tagger"))
def entities(doc: Doc, record: EnrichedArticle, settings: Settings) -> None:
    article_id = record.article.id
    text = record.article.text
    found: list[tuple[int, int, str, str]] = []
    for raw in doc.ents:
        if raw.label_ not in KEPT_LABELS:  # (trimming keeps the label)
            continue
        ent = _trim(raw)
        if ent is None:
            continue
        ent_text = ent.text  # (`Span.text` joins the tokens again at each call)
        name = clean_name(ent_text)
        if not name or not any(c.isalpha() for c in name):
            continue
        start = ent.start_char + ent_text.index(name) if name in ent_text else ent.start_char
        label = "PERSON" if ent.label_ == "ORG" and titled_person(ent) else _adjectival_label(ent)
        found.append((start, start + len(name), label, name))
    found = vote_labels(found, place_names(doc, found, record.article.text))
    full_names = resolve_short_forms([(label, name) for _, _, label, name in found])
    mentions = [(s, e, *full_names[(label, name)]) for s, e, label, name in found]
    mentions = propagate_people(text, mentions)
    record.entities = [
        EntityMention(span=Span(article_id, s, e, text[s:e]), label=label, name=full) for s, e, label, full in mentions
    ]


def _trim(ent: SpacySpan) -> SpacySpan | None:
    """The entity without conjunctions or punctuation at its edges ("Kyiv and" -> "Kyiv")."""
    doc = ent.doc
    start, end = ent.start, ent.end
    while start < end and _is_edge_junk(doc[start]):
        start += 1
    while end > start and _is_edge_junk(doc[end - 1]):
        end -= 1
    if start == end:
        return None
    return ent if (start, end) == (ent.start, ent.end) else SpacySpan(ent.doc, start, end, label=ent.label_)


def _is_edge_junk(tok: Token) -> bool:
    return tok.is_punct or tok.pos_ == "CCONJ"


def _adjectival_label(ent: SpacySpan) -> str:
    """NORP for a place name the tagger reads as an adjective ("Ukrainian officials"), as OntoNotes does."""
    if ent.label_ == "GPE" and all(t.tag_ == "JJ" for t in ent):
        return "NORP"
    return ent.label_


PLACE_LABELS = ("GPE", "LOC", "FAC")
_LOCATIVE_PREPS = frozenset("in at near around outside inside across throughout within into towards toward".split())
_PLACE_NOUNS = frozenset(
    form
    for noun in "area capital country county district metropolis oblast outskirts province region state suburb territory town village".split()
    for form in (noun, noun + "s")
) | {"city", "cities"}
"""Nouns naming a territory: a name that modifies one ("the Kyiv region") or is its object is a place."""


def _place_context(tok: Token) -> bool | None:
    """True where the parse puts a name in a place's slot, False where it has a title or first name, else None."""
    while tok.dep_ == "conj":  # "in Kyiv and Moscow": the first conjunct's slot
        tok = tok.head
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ in _LOCATIVE_PREPS:
        return True
    if tok.dep_ in {"compound", "nmod", "amod"} and head.lower_ in _PLACE_NOUNS:
        return True
    if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in _PLACE_NOUNS:
        return True  # "the city of Kyiv"
    if tok.dep_ == "appos" and head.lower_ in _PLACE_NOUNS:
        return True  # "the capital, Kyiv"
    titles = [c for c in tok.lefts if c.dep_ in {"compound", "amod", "nmod"} and c.pos_ in {"PROPN", "NOUN"} and not c.ent_type_]
    if any(c.lower_ in _PLACE_NOUNS for c in titles):
        return True  # "the capital Kyiv"
    if titles:
        return False  # "President Zelenskyy", "Mr. Warren"
    return None


def place_names(doc: Doc, found: list[tuple[int, int, str, str]], text: str) -> set[str]:
    """Names the NER model calls a person that the article uses as a place and never as a person.

    ``text`` is the doc's text (`Doc.text` joins every token again at each call).

    A capital stands for its government ("Rubio sought to reassure Kyiv"), so the small model
    tags it PERSON where it is a verb's subject or object. The same name elsewhere in the article
    tells what it is: tagged as a place, or the object of a locative preposition ("strikes around
    Kyiv"), or modifying a territory noun ("the Kyiv region"). A title before it ("President
    X") or a longer person's name ending with it ("Donald Trump" for "Trump") keeps it a person.
    """
    person_forms = {name for _, _, label, name in found if label == "PERSON"}
    place_forms = {name for _, _, label, name in found if label in PLACE_LABELS}
    # The shorter runs of words that end a longer person's name ("Trump" in "Donald Trump").
    person_endings: set[tuple[str, ...]] = set()
    for _, _, label, name in found:
        if label in PERSON_LIKE and " " in name:
            words = name.split()
            person_endings.update(tuple(words[i:]) for i in range(1, len(words)))
    places = set()
    for form in person_forms:
        if not looks_like_place_word(form):  # the cheaper test first
            continue
        if tuple(form.split()) in person_endings:
            continue
        evidence = set()
        for start, end in whole_word_spans(form, text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                evidence.add(_place_context(span.root))
        if False in evidence:
            continue
        if True in evidence or form in place_forms:
            places.add(form)
    return places


_WORD_OR_HYPHEN = re.compile(r"[\w-]")


def whole_word_spans(form: str, text: str) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of each occurrence of ``form`` in ``text`` with no word character or
    hyphen either side, left to right, not overlapping: what ``re.finditer`` finds for
    ``(?<![\\w-])FORM(?![\\w-])``, by ``str.find`` (a pattern opening with a lookbehind is tried
    at every position of the text, and each form is a new pattern to compile).
    """
    size = len(form)
    start = text.find(form)
    while start != -1:
        end = start + size
        if (start == 0 or not _WORD_OR_HYPHEN.match(text, start - 1)) and not _WORD_OR_HYPHEN.match(text, end):
            yield start, end
            start = text.find(form, end)
        else:
            start = text.find(form, start + 1)


def looks_like_place_word(name: str) -> bool:
    """One to three capitalised words with no organisation word: a candidate for a place name."""
    words = name.split()
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and not any(w.lower() in _ORG_WORDS for w in words)


def vote_labels(found: list[tuple[int, int, str, str]], places: AbstractSet[str] = frozenset()) -> list[tuple[int, int, str, str]]:
    """Give every mention of one surface form the majority label of that form in the article.

    Within one article a name means one thing, but the small model tags "Kyiv" as a place
    in one sentence and a person in the next. A name in ``places`` (see `place_names`) is a
    place however often it was tagged a person; otherwise PERSON wins a tie.
    """
    votes: dict[str, Counter[str]] = {}
    for _, _, label, name in found:
        votes.setdefault(name, Counter())[label] += 1
    best = {name: max(c, key=lambda lab: (c[lab], lab == "PERSON")) for name, c in votes.items()}
    for name in places & best.keys():
        counts = votes[name]
        best[name] = max(PLACE_LABELS, key=lambda lab: (counts[lab], lab == "GPE"))
    # ORG/PERSON confusion is settled later on the full name, so only a clear other label overrides.
    return [
        (s, e, label if best[name] in PERSON_LIKE and label in PERSON_LIKE else best[name], name)
        for s, e, label, name in found
    ]


def propagate_people(text: str, mentions: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Add the occurrences of a person's names (full name and surname) that the NER model missed.

    A surname the model tagged as something else ("Zelenskyy" as a place) becomes the person,
    and a list of people read as one name ("Rubio, Witkoff" as a facility) becomes its people.
    """
    forms: dict[str, str] = {}
    for s, e, label, full in mentions:
        if label == "PERSON" and text[s:e][:1].isupper() and "," not in text[s:e]:
            forms.setdefault(text[s:e], full)
            surname = full.split()[-1]
            if len(full.split()) > 1 and len(surname) > 2 and surname[:1].isupper():
                forms.setdefault(surname, full)
    mentions = [m for m in mentions if not _list_of(text[m[0] : m[1]], forms)]  # its names are found again below
    mentions = [
        (s, e, "PERSON", forms[text[s:e]]) if label not in PERSON_LIKE and text[s:e] in forms and " " not in text[s:e] else (s, e, label, full)
        for s, e, label, full in mentions
    ]
    taken = bytearray(len(text))  # 1 where a mention already covers the character
    for s, e, _, _ in mentions:
        taken[s:e] = b"\x01" * (e - s)
    added = []
    for form in sorted(forms, key=len, reverse=True):
        for s, e in whole_word_spans(form, text):
            if taken.find(1, s, e) != -1:
                continue
            taken[s:e] = b"\x01" * (e - s)
            added.append((s, e, "PERSON", forms[form]))
    return sorted(mentions + added)


def _list_of(name: str, forms: dict[str, str]) -> bool:
    """Whether ``name`` is a list of the article's people ("Rubio, Witkoff" or "Rubio and Witkoff")."""
    parts = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", name) if p]
    return len(parts) > 1 and all(p in forms for p in parts)
