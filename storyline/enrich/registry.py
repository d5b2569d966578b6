"""The enrich component registry, modelled on spaCy's ``Language.component``.

A component is ``func(doc, record, settings) -> None``: it reads the spaCy ``Doc`` of the
article and fills fields of the `EnrichedArticle`. It declares what it ``requires`` and
``assigns`` (dotted names such as ``"record.entities"``) and which spaCy pipes it needs, so
the pipeline is checked when it is built and spaCy runs only what the chosen components use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spacy.tokens import Doc

from storyline.models import EnrichedArticle
from storyline.settings import Settings

ComponentFunc = Callable[[Doc, EnrichedArticle, Settings], None]

#: What the spaCy Doc itself provides, depending on the pipes that run.
DOC_ATTRS = {"doc.sents", "doc.ents", "doc.deps", "doc.tags", "doc.lemmas"}


@dataclass(frozen=True)
class Component:
    name: str
    func: ComponentFunc
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    spacy_pipes: tuple[str, ...] = ()
    """spaCy pipes this component needs (``ner``, ``parser``, ``tagger``, ``senter``...)."""


COMPONENTS: dict[str, Component] = {}


def component(
    name: str,
    *,
    requires: Iterable[str] = (),
    assigns: Iterable[str] = (),
    spacy_pipes: Iterable[str] = (),
) -> Callable[[ComponentFunc], ComponentFunc]:
    """Register ``func`` as the enrich component ``name`` (snake_case)."""
    if not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"component names are snake_case: {name!r}")

    def register(func: ComponentFunc) -> ComponentFunc:
        existing = COMPONENTS.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"an enrich component named {name!r} is already registered")
        COMPONENTS[name] = Component(name, func, tuple(requires), tuple(assigns), tuple(spacy_pipes))
        return func

    return register


def build_pipeline(names: Iterable[str]) -> list[Component]:
    """The components called ``names``, in order, after checking every requirement is assigned earlier."""
    pipeline: list[Component] = []
    available = set(DOC_ATTRS)
    for name in names:
        if name not in COMPONENTS:
            raise ValueError(f"no enrich component named {name!r}; known: {', '.join(sorted(COMPONENTS))}")
        comp = COMPONENTS[name]
        missing = [r for r in comp.requires if r not in available]
        if missing:
            raise ValueError(f"enrich component {name!r} requires {', '.join(missing)}, which no earlier component assigns")
        available.update(comp.assigns)
        pipeline.append(comp)
    return pipeline
