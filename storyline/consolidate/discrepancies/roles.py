"""Titles: one person given incompatible offices, and one title given to different people."""

from __future__ import annotations

from typing import TYPE_CHECKING

import re
from collections import defaultdict
from collections.abc import Sequence

from storyline.consolidate.common import Families, normalize
from storyline.consolidate.discrepancies.sides import better, side
from storyline.models import BriefEntity, Discrepancy, Span
from storyline.consolidate.registry import discrepancy_finder

if TYPE_CHECKING:
    from storyline.consolidate.context import StoryContext

# Offices one person holds one at a time; descriptive roles ("negotiator", "envoy") never conflict.
OFFICES = [
    ("vice president", re.compile(r"\bvice[- ]president\b")),
    ("president", re.compile(r"\bpresident\b")),
    ("prime minister", re.compile(r"\bprime minister\b|\bpremier\b")),
    ("secretary of state", re.compile(r"\bsecretary of state\b")),
    ("secretary", re.compile(r"\bsecretary\b")),
    ("senator", re.compile(r"\bsenator\b|\bsen\b")),
    ("representative", re.compile(r"\brepresentative\b|\bcongress(?:wo)?man\b|\brep\b")),
    ("governor", re.compile(r"\bgovernor\b|\bgov\b")),
    ("mayor", re.compile(r"\bmayor\b")),
    ("chancellor", re.compile(r"\bchancellor\b")),
    ("foreign minister", re.compile(r"\bforeign minister\b")),
    ("minister", re.compile(r"\bminister\b")),
    ("chief of staff", re.compile(r"\bchief of staff\b")),
    ("ambassador", re.compile(r"\bambassador\b")),
    ("king", re.compile(r"\bking\b")),
]
HIGH_OFFICES = {"president", "prime minister", "secretary of state", "chancellor", "king", "vice president"}
_FORMER = re.compile(r"\b(?:former|ex)\b")
_NOT_OFFICE = re.compile(r"\b(?:presidential|counterpart|adviser|advisor|aide|candidate|envoy|spokes\w+|nominee|elect)\b")


def office(role: str) -> tuple[str | None, bool]:
    """The office a role names ("U.S. Senator" -> senator) and whether it is a former one."""
    text = normalize(role)
    if _NOT_OFFICE.search(text):
        return None, False
    for name, pattern in OFFICES:
        match = pattern.search(text)
        if match:
            return name, bool(_FORMER.search(text[: match.start()]))
    return None, False


def role_discrepancies(entities: Sequence[BriefEntity], families: Families) -> list[Discrepancy]:
    """The same person given offices that cannot both hold (senator vs secretary of state, former vs sitting)."""
    out = []
    for ent in entities:
        if ent.label != "PERSON":
            continue
        sides: dict[tuple[str, bool], list[tuple[str, Span]]] = defaultdict(list)
        for role in ent.roles:
            name, former = office(role.role)
            if name:
                sides[(name, former)].append((role.role, role.span))
        if len(sides) < 2:
            continue
        offices = {name for name, _ in sides}
        # "secretary" alone is compatible with any "secretary of ..." title.
        if offices == {"secretary", "secretary of state"} and len(sides) == 2:
            continue
        built = []
        for _, items in sorted(sides.items(), key=lambda kv: -len(kv[1])):
            words: dict[str, int] = defaultdict(int)
            for text, _ in items:
                words[text] += 1
            value = max(words, key=lambda w: (words[w], -len(w)))
            built.append(side(value, [span for _, span in items], families))
        tense_only = len(offices) == 1
        high = bool(offices & HIGH_OFFICES)
        severity = 0.9 if high else 0.75
        what = "as a former and as a sitting " + next(iter(offices)) if tense_only else "different offices: " + " vs ".join(s.value for s in built)
        out.append(
            Discrepancy(
                kind="role",
                subject=f"{ent.name}'s title",
                description=f"{ent.name} is given {what}.",
                severity=severity + 0.05 * min(1.0, len(ent.article_ids) / 5),
                sides=built,
                better_supported=better(built),
            )
        )
    return out


TITLE_HEADS = {
    "president", "senator", "secretary", "minister", "envoy", "adviser", "advisor", "chief", "commander",
    "spokesman", "spokeswoman", "spokesperson", "premier", "negotiator", "official", "director", "head",
    "ambassador", "governor", "mayor", "chancellor", "king", "queen", "leader", "representative",
    "congressman", "congresswoman", "general", "judge", "ceo", "chairman", "chairwoman", "chair", "staff",
    "officer", "lawmaker", "diplomat", "sen", "rep", "gov", "prosecutor", "attorney", "justice", "pope",
    "coach", "captain", "manager", "founder", "producer", "actor", "actress", "singer", "star", "executive",
}
"""Head words of a person's title: "presidential adviser", "special envoy", "chief of staff"."""
MULTI_HOLDER_OFFICES = {
    "president", "vice president", "prime minister", "minister", "foreign minister", "senator",
    "representative", "governor", "mayor", "king", "chancellor", "secretary", "ambassador",
}
"""Offices many people hold at once (in different countries, states or cabinets): two people with
the same such title is no conflict."""
BODY_LABELS = ("GPE", "NORP", "ORG")
"""Whose office a title names: a country, a people or an organisation."""
_TITLE_LEAD = re.compile(r"^(?:the|his|her|its|their|a|an)\s+")


def title_holder_discrepancies(entities: Sequence[BriefEntity], families: Families) -> list[Discrepancy]:
    """One title given to different people by different sources.

    Only offices of a named body ("US special envoy", "Ukraine's defence minister": a country,
    people or organisation of the story in the title) are one office; "presidential adviser" may be
    two presidents' advisers. Only offices (a title of two or more words with a head such as
    adviser, envoy, chief) that no single article gives to two people count ("first baseman" is a position, not an office), and only
    when an article that gives the title to one person also names the other without it: "presidential
    adviser" is Bevz's in one report and Kushner's in another that does not mention Bevz's title.
    """
    holders: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    bodies = {normalize(v) for ent in entities if ent.label in BODY_LABELS for v in (ent.name, *ent.variants)} - {""}
    for ent in entities:
        if ent.label not in ("PERSON", "ORG"):
            continue
        for role in ent.roles:
            title = _TITLE_LEAD.sub("", normalize(role.role))
            if len(title.split()) < 2 or office(role.role)[0] in MULTI_HOLDER_OFFICES or not set(title.split()) & TITLE_HEADS:
                continue
            if not any(f" {body} " in f" {title} " for body in bodies):
                continue  # whose office it is goes unsaid ("presidential adviser"): two holders may serve two presidents
            holders[title][ent.name].append(role.span)
    mentioned = {ent.name: set(ent.article_ids) for ent in entities}
    out = []
    for title, by_person in holders.items():
        if len(by_person) < 2:
            continue
        per_article: dict[str, set[str]] = defaultdict(set)
        for person, spans in by_person.items():
            for span in spans:
                per_article[span.article_id].add(person)
        if any(len(people) > 1 for people in per_article.values()):
            continue  # the title is shared within one report: several people hold it
        people = sorted(by_person, key=lambda p: -len(by_person[p]))
        conflict = False
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                a_articles = {s.article_id for s in by_person[a]}
                b_articles = {s.article_id for s in by_person[b]}
                if families.count(a_articles | b_articles) < 2:
                    continue
                if (a_articles & mentioned.get(b, set())) or (b_articles & mentioned.get(a, set())):
                    conflict = True
        if not conflict:
            continue
        built = [side(person, by_person[person], families) for person in people]
        out.append(
            Discrepancy(
                kind="title_holder",
                subject=f"who is the {title}",
                description=f"“{by_person[people[0]][0].text}” is given to " + " and to ".join(people) + ".",
                severity=0.6,
                sides=built,
                better_supported=better(built),
                nature="contradiction",
            )
        )
    return out


@discrepancy_finder("role_conflicts")
def _role_conflicts(story: StoryContext) -> list[Discrepancy]:
    return role_discrepancies(story.canonical.entities, story.families)


@discrepancy_finder("title_holders")
def _title_holders(story: StoryContext) -> list[Discrepancy]:
    return title_holder_discrepancies(story.canonical.entities, story.families)
