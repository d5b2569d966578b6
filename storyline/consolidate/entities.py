"""Canonical entities across a story: name variants and transliterations merged, with every role given.

Articles name one person differently (Andriy/Andrii Yermak, Zelensky/Zelenskyy, "Rubio" and
"Marco Rubio"). Within an article the enrich stage already resolved short forms to the fullest
name; here names are merged across articles by comparing ASCII-folded tokens with Jaro-Winkler
similarity: equal surnames with similar first names, a lone surname that fits exactly one full
name, or an acronym that spells a longer name ("U.S." / "United States").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler

from storyline.consolidate.common import component_labels, normalize
from storyline.models import (
    BriefEntity,
    EnrichedArticle,
    EntityMention,
    EntityRole,
    Span,
)

BRIEF_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT")
PLACE_LABELS = ("GPE", "LOC", "FAC")
NAME_SIMILARITY = 0.9
"""Jaro-Winkler similarity above which two name tokens are spellings of one name (Andriy/Andrii 0.93)."""


def _group(label: str) -> str:
    # The small NER model confuses PERSON and ORG on names, and GPE/LOC/FAC on places.
    if label in ("PERSON", "ORG"):
        return "PERSON_LIKE"
    if label in PLACE_LABELS:
        return "PLACE"
    return label


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return JaroWinkler.similarity(a, b) >= NAME_SIMILARITY


def _initials(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens if t not in ("of", "the", "and", "for"))


@dataclass
class Canonical:
    """The result of canonicalisation: one `BriefEntity` per real-world entity and a lookup."""

    entities: list[BriefEntity]
    by_mention: dict[tuple[str, str], str] = field(default_factory=dict)
    """(article_id, in-article name) -> canonical name."""
    label_of: dict[str, str] = field(default_factory=dict)
    _forms: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    """Normalised name or variant -> canonical name (the first entity holding it), built on first use."""

    def name(self, article_id: str, name: str | None) -> str | None:
        if name is None:
            return None
        found = self.by_mention.get((article_id, name))
        return found if found is not None else self.resolve_free(name)

    def resolve_free(self, name: str) -> str:
        """Canonical name for a name seen outside NER (a quote speaker): exact or surname match."""
        if self._forms is None:
            self._forms = {}
            for ent in self.entities:
                for v in [ent.name, *ent.variants]:
                    self._forms.setdefault(normalize(v), ent.name)
        norm = normalize(name)
        if norm in self._forms:
            return self._forms[norm]
        tokens = norm.split()
        if tokens:
            fits = [e.name for e in self.entities if e.label == "PERSON" and _similar(normalize(e.name).split()[-1], tokens[-1])]
            if len(fits) == 1:
                return fits[0]
        return name


def canonical_entities(records: Sequence[EnrichedArticle]) -> Canonical:
    """Merge every article's entities into story-level entities, most-mentioned first.

    Roles are the ones enrich's ``entity_roles`` component read off the parse.
    """
    outlet = {r.article.id: r.article.outlet for r in records}
    order = {r.article.id: i for i, r in enumerate(records)}
    mentions: list[tuple[str, EntityMention]] = [
        (r.article.id, m) for r in records for m in r.entities if m.label in BRIEF_LABELS and m.name.strip()
    ]
    # Sorted: a set's order follows the per-process string hash, and the clusters' order and
    # their roots (so which of two same-named clusters gets the label suffix) follow this order.
    keys = sorted({(aid, m.name, _group(m.label)) for aid, m in mentions})
    nodes: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)  # (group, norm) -> {(aid, name)}
    for aid, name, group in keys:
        norm = normalize(name)
        if norm:
            nodes[(group, norm)].add((aid, name))

    index = {key: i for i, key in enumerate(nodes)}
    full_names: list[tuple[int, int]] = []  # edges between names of two words or more
    single_names: list[tuple[int, int]] = []  # edges that join a lone word
    by_group: dict[str, list[str]] = defaultdict(list)
    for g, n in nodes:
        by_group[g].append(n)
    pending: list[tuple[str, list[str], list[str], dict[str, list[str]]]] = []
    for group, names in by_group.items():
        tokens = {n: n.split() for n in names}
        multi = [n for n in names if len(tokens[n]) > 1]
        single = [n for n in names if len(tokens[n]) == 1]
        # Full names: same (or near-same) surname and a similar first name.
        by_last: dict[str, list[str]] = defaultdict(list)
        for n in multi:
            by_last[tokens[n][-1][:3]].append(n)
        for bucket in by_last.values():
            for i, a in enumerate(bucket):
                for b in bucket[i + 1 :]:
                    ta, tb = tokens[a], tokens[b]
                    if len(ta) == len(tb) and all(_similar(x, y) for x, y in zip(ta, tb, strict=True)):
                        full_names.append((index[(group, a)], index[(group, b)]))
                    elif min(len(ta), len(tb)) >= 2:
                        # A title glued to the name by NER: "Comedian Ellen DeGeneres" ends with "Ellen DeGeneres".
                        short, long_ = sorted((ta, tb), key=len)
                        if all(_similar(x, y) for x, y in zip(short, long_[-len(short) :], strict=True)):
                            full_names.append((index[(group, a)], index[(group, b)]))
        pending.append((group, multi, single, tokens))
    person = component_labels(len(index), full_names)
    for group, multi, single, tokens in pending:
        # A lone word joins the one full name it ends (Zelensky -> Volodymyr Zelenskyy), or a
        # similar lone word; an acronym joins the name it abbreviates (us -> united states).
        for s in single:
            fits = {person[index[(group, m)]]: m for m in multi if _similar(tokens[m][-1], s)}
            if group != "PERSON_LIKE" or len(s) <= 3:
                fits |= {person[index[(group, m)]]: m for m in multi if _initials(tokens[m]) == s}
            if len(fits) == 1:
                single_names.append((index[(group, s)], index[(group, next(iter(fits.values())))]))
        for i, a in enumerate(single):
            for b in single[i + 1 :]:
                if _similar(a, b) and len(a) >= 5:
                    single_names.append((index[(group, a)], index[(group, b)]))
    cluster_of = component_labels(len(index), full_names + single_names)

    root_of: dict[tuple[str, str], int] = {}
    for key, members in nodes.items():
        for aid, name in members:
            root_of[(aid, name)] = cluster_of[index[key]]

    clusters: dict[int, list[tuple[str, EntityMention]]] = defaultdict(list)
    for aid, m in mentions:
        root = root_of.get((aid, m.name))
        if root is not None:
            clusters[root].append((aid, m))

    entities: list[BriefEntity] = []
    by_mention: dict[tuple[str, str], str] = {}
    label_of: dict[str, str] = {}
    taken: set[str] = set()
    for items in clusters.values():
        names_by_article: dict[str, set[str]] = defaultdict(set)
        for aid, m in items:
            names_by_article[m.name].add(aid)
        # The canonical name is the in-article name most articles use; full names before short ones.
        name = max(names_by_article, key=lambda n: (len(names_by_article[n]), len(n.split()) > 1, len(n), n))
        labels = Counter(m.label for _, m in items)
        label = max(labels, key=lambda lab: (labels[lab], lab == "PERSON", lab))
        if name in taken:  # two clusters with one name (different labels): keep them apart but unique
            name = f"{name} ({label})"
        taken.add(name)
        surface = sorted({m.span.text for _, m in items} | set(names_by_article))
        first_mentions: dict[tuple[str, str], Span] = {}
        for aid, m in sorted(items, key=lambda x: (order[x[0]], x[1].span.start)):
            first_mentions.setdefault((aid, m.span.text), m.span)
        entity_roles: dict[tuple[str, str], EntityRole] = {}
        for aid, m in sorted(items, key=lambda x: (order[x[0]], x[1].span.start)):
            role_span = m.role_span
            role = m.role
            if role_span is None or not (role or role_span.text):
                continue
            text = role or role_span.text
            entity_roles.setdefault((aid, normalize(text)), EntityRole(role=text, article_id=aid, outlet=outlet.get(aid), span=role_span, mention=m.span))
        article_ids = sorted({aid for aid, _ in items}, key=order.__getitem__)
        entities.append(
            BriefEntity(
                name=name,
                label=label,
                article_ids=article_ids,
                mentions=len(items),
                variants=[s for s in surface if s != name],
                roles=list(entity_roles.values()),
                mention_spans=list(first_mentions.values()),
            )
        )
        for aid, m in items:
            by_mention[(aid, m.name)] = name
        label_of[name] = label

    entities.sort(key=lambda e: (BRIEF_LABELS.index(e.label), -len(e.article_ids), -e.mentions, e.name))
    for i, ent in enumerate(entities, start=1):
        ent.id = f"e{i}"
    return Canonical(entities=entities, by_mention=by_mention, label_of=label_of)


def top_entities(entities: Sequence[BriefEntity], limit: int) -> list[BriefEntity]:
    """The first ``limit`` entities of each label, plus every entity with a role (roles carry discrepancies)."""
    per_label: Counter[str] = Counter()
    kept = []
    for ent in entities:
        per_label[ent.label] += 1
        if per_label[ent.label] <= limit or ent.roles:
            kept.append(ent)
    return kept
