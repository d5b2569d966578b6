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
    for label, name in set(names):
        words = name.split()
        longest_first = sorted(set(candidates[group(label)]), key=lambda n: -len(n.split()))
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
        resolved[(label, name)] = (best, full)
    return resolved


@component("entities", requires=("doc.ents",), assigns=("record.entities",), spacy_pipes=("ner",))
def entities(doc: Doc, record: EnrichedArticle, settings: Settings) -> None:
    article_id = record.article.id
    found: list[tuple[int, int, str, str]] = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        name = clean_name(ent.text)
        if not name or not any(c.isalpha() for c in name):
            continue
        start = ent.start_char + ent.text.index(name) if name in ent.text else ent.start_char
        found.append((start, start + len(name), ent.label_, name))
    full_names = resolve_short_forms([(label, name) for _, _, label, name in found])
    text = record.article.text
    record.entities = [
        EntityMention(span=Span(article_id, s, e, text[s:e]), label=full_names[(label, name)][0], name=full_names[(label, name)][1])
        for s, e, label, name in found
    ]
