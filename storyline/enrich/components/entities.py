"""Named entities, with short forms resolved to the article's fullest form ("Rubio" -> "Marco Rubio")."""

from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc

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

    full_name: dict[tuple[str, str], str] = {}
    candidates: dict[str, list[str]] = {}
    for label, name in names:
        candidates.setdefault(group(label), []).append(name)
    for label, name in sorted(set(names)):
        words = name.split()
        longest_first = sorted(set(candidates[group(label)]), key=lambda n: (-len(n.split()), n))
        full_name[(label, name)] = next(
            (full for full in longest_first if len(full.split()) > len(words) and full.split()[-len(words):] == words),
            name,
        )
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


@component("entities", requires=("doc.ents",), assigns=("record.entities",), spacy_pipes=("ner",))
def entities(doc: Doc, record: EnrichedArticle, settings: Settings) -> None:
    article_id = record.article.id
    text = record.article.text
    found: list[tuple[int, int, str, str]] = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        name = clean_name(ent.text)
        if not name or not any(c.isalpha() for c in name):
            continue
        start = ent.start_char + ent.text.index(name) if name in ent.text else ent.start_char
        found.append((start, start + len(name), ent.label_, name))
    found = vote_labels(found)
    full_names = resolve_short_forms([(label, name) for _, _, label, name in found])
    mentions = [(s, e, *full_names[(label, name)]) for s, e, label, name in found]
    mentions = propagate_people(text, mentions)
    record.entities = [
        EntityMention(span=Span(article_id, s, e, text[s:e]), label=label, name=full) for s, e, label, full in mentions
    ]


def vote_labels(found: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Give every mention of one surface form the majority label of that form in the article.

    Within one article a name means one thing, but the small model tags "Kyiv" as a place
    in one sentence and a person in the next; PERSON wins a tie.
    """
    votes: dict[str, Counter[str]] = {}
    for _, _, label, name in found:
        votes.setdefault(name, Counter())[label] += 1
    best = {name: max(c, key=lambda lab: (c[lab], lab == "PERSON")) for name, c in votes.items()}
    # ORG/PERSON confusion is settled later on the full name, so only a clear other label overrides.
    return [
        (s, e, label if best[name] in PERSON_LIKE and label in PERSON_LIKE else best[name], name)
        for s, e, label, name in found
    ]


def propagate_people(text: str, mentions: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Add the occurrences of a person's names (full name and surname) that the NER model missed.

    A surname the model tagged as something else ("Zelenskyy" as a place) becomes the person.
    """
    forms: dict[str, str] = {}
    for s, e, label, full in mentions:
        if label == "PERSON" and text[s:e][:1].isupper():
            forms.setdefault(text[s:e], full)
            surname = full.split()[-1]
            if len(full.split()) > 1 and len(surname) > 2 and surname[:1].isupper():
                forms.setdefault(surname, full)
    mentions = [
        (s, e, "PERSON", forms[text[s:e]]) if label not in PERSON_LIKE and text[s:e] in forms and " " not in text[s:e] else (s, e, label, full)
        for s, e, label, full in mentions
    ]
    taken = [(s, e) for s, e, _, _ in mentions]
    added = []
    for form in sorted(forms, key=len, reverse=True):
        for m in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            added.append((s, e, "PERSON", forms[form]))
    return sorted(mentions + added)
