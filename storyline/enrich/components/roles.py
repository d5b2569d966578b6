"""The titles and roles an article gives the people it names.

"Secretary of State Marco Rubio", "former President Donald Trump", "Kremlin spokesman Dmitry
Peskov" (a title before the name) and "Ukraine’s national security chief, Rustem Umerov" /
"Rustem Umerov, Ukraine’s national security chief," (an apposition) are read off the
dependency parse and stored on the mention as ``role`` and ``role_span``.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span as SpacySpan, Token

from storyline.enrich.registry import component
from storyline.models import EnrichedArticle, EntityMention, Span
from storyline.settings import Settings

MAX_ROLE_TOKENS = 10
_PREFIX_DEPS = {"compound", "amod", "nmod", "poss", "case", "prep", "pobj", "punct", "npadvmod", "det", "cc", "conj"}
_DROP_LEADING = {"the", "a", "an", "then", "now", "and", "by", "with", "of", "as", "mr.", "mrs.", "ms.", "miss", "mr", "mrs", "ms"}


def _role_tokens(tokens: list[Token]) -> list[Token]:
    """Trim determiners, punctuation and possessive-less leftovers from both ends of a role."""
    while tokens and (tokens[0].lower_ in _DROP_LEADING or tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].pos_ in {"ADP", "CCONJ", "DET"}):
        tokens = tokens[:-1]
    if not tokens or len(tokens) > MAX_ROLE_TOKENS or tokens[-1].pos_ not in {"NOUN", "PROPN"}:
        return []
    if any(t.is_space or t.text in {"\n", ";", "(", ")"} for t in tokens):
        return []
    return tokens


def _after_other_person(tokens: list[Token]) -> list[Token]:
    """What follows the last "and" (or comma) when another person is named before it: in "commander
    Andrii Hnatov and presidential adviser Oleksandr Bevz", Bevz's title is "presidential adviser"."""
    joins = [k for k, t in enumerate(tokens) if t.lower_ in {"and", "or", ","}]
    if joins and any(t.ent_type_ == "PERSON" for t in tokens[: joins[-1]]):
        return tokens[joins[-1] + 1 :]
    return tokens


def title_before(ent: SpacySpan) -> list[Token]:
    """The title words right before a name, inside its noun phrase ("former President")."""
    root = ent.root
    doc = ent.doc
    left = [t for t in root.subtree if t.i < ent.start]
    if not left or left[-1].i != ent.start - 1:
        return []
    # Keep the contiguous run that ends at the name.
    run: list[Token] = []
    for t in reversed(left):
        if run and t.i != run[0].i - 1:
            break
        if t.dep_ not in _PREFIX_DEPS and t.head != root:
            break
        run.insert(0, t)
    run = _after_other_person(run)
    # A possessive person ("Trump’s envoy Steve Witkoff") is part of the role; a leading clause is not.
    if any(t.ent_type_ == "PERSON" for t in run) and not any(t.dep_ == "case" for t in run):
        return []
    return _role_tokens([doc[t.i] for t in run])


def apposition(ent: SpacySpan) -> list[Token]:
    """The noun phrase in apposition with a name, on either side of it."""
    root = ent.root
    if root.dep_ == "appos" and root.head.pos_ in {"NOUN", "PROPN"} and root.head.ent_type_ != "PERSON":
        head = root.head
        tokens = [t for t in head.subtree if t.i < ent.start and not (t.i >= root.left_edge.i)]
        tokens = [t for t in tokens if t.i >= head.left_edge.i]
        return _role_tokens(_after_other_person(tokens)) if tokens and tokens[-1].i >= head.i else []
    for child in root.children:
        if child.dep_ == "appos" and child.i > root.i and child.pos_ == "NOUN":
            return _role_tokens(list(child.subtree))
    return []


@component(
    "entity_roles",
    requires=("record.entities", "doc.deps"),
    assigns=("record.entities.role",),  # and drops names that are part of a title ("State")
    spacy_pipes=("parser", "tagger"),
)
def entity_roles(doc: Doc, record: EnrichedArticle, settings: Settings) -> None:
    text = record.article.text
    article_id = record.article.id
    titles: list[list[Token]] = []
    for mention in record.entities:
        if mention.label != "PERSON":
            continue
        ent = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
        if ent is None:
            continue
        title = title_before(ent)
        tokens = title or apposition(ent)
        if title:
            titles.append(title)
        if tokens:
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
            mention.role = text[start:end]
            mention.role_span = Span(article_id, start, end, mention.role)
    record.entities = drop_portfolios(record.entities, titles)


def drop_portfolios(mentions: list[EntityMention], titles: list[list[Token]]) -> list[EntityMention]:
    """Drop the names the NER model finds in the "of" phrase of a title before a person's name.

    "Secretary of State Marco Rubio", "Chief of Staff …", "Minister of Defence …": the model
    tags "State" an organisation, but the bare word (no determiner) is part of the title, not a
    mention of anything. A name that also appears outside the titles of the article ("Ukraine"
    in "Foreign Minister of Ukraine Dmytro Kuleba" and elsewhere) is a real mention and stays,
    and so does "director of the Centre for …" (a determiner, in an apposition).
    """
    in_portfolio: set[tuple[int, int]] = set()
    role_ranges = [(r[0].idx, r[-1].idx + len(r[-1])) for r in titles]
    for tokens in titles:
        for tok in tokens:
            bare = not any(c.dep_ in {"det", "poss"} for c in tok.children)
            if bare and tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head in tokens and tok.head.head in tokens:
                in_portfolio.add((tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)))
    if not in_portfolio:
        return mentions

    def inside(mention: EntityMention, ranges) -> bool:
        return any(s <= mention.span.start and mention.span.end <= e for s, e in ranges)

    elsewhere = {m.span.text for m in mentions if not inside(m, role_ranges)}
    return [
        m
        for m in mentions
        if m.label == "PERSON" or not inside(m, in_portfolio) or m.span.text in elsewhere
    ]
