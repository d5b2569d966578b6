"""The consolidate component registry, modelled on enrich's (`storyline.enrich.registry`).

A brief is built by a pipeline of components over one `StoryContext`: each is
``func(story) -> None``, declares what it ``requires`` and ``assigns`` (names such as
``"claims"``, or ``"brief.summary"`` for a section of the `Brief`), and the pipeline is checked
when it is built. Discrepancy finders are registered by name the same way: each is
``func(story) -> Iterable[Discrepancy]`` over the same context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storyline.consolidate.context import StoryContext
    from storyline.models import Discrepancy

ComponentFunc = Callable[["StoryContext"], None]
FinderFunc = Callable[["StoryContext"], "Iterable[Discrepancy]"]

#: What every story context holds before any component runs.
GIVEN = {"story", "records", "settings", "relations"}


@dataclass(frozen=True)
class Component:
    name: str
    func: ComponentFunc
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


COMPONENTS: dict[str, Component] = {}
DISCREPANCY_FINDERS: dict[str, FinderFunc] = {}


def _check_name(name: str, what: str) -> None:
    if not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"{what} names are snake_case: {name!r}")


def component(name: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = ()) -> Callable[[ComponentFunc], ComponentFunc]:
    """Register ``func`` as the consolidate component ``name`` (snake_case)."""
    _check_name(name, "component")

    def register(func: ComponentFunc) -> ComponentFunc:
        existing = COMPONENTS.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"a consolidate component named {name!r} is already registered")
        COMPONENTS[name] = Component(name, func, tuple(requires), tuple(assigns))
        return func

    return register


def discrepancy_finder(name: str) -> Callable[[FinderFunc], FinderFunc]:
    """Register ``func`` as the discrepancy finder ``name`` (snake_case); every registered finder runs."""
    _check_name(name, "discrepancy finder")

    def register(func: FinderFunc) -> FinderFunc:
        existing = DISCREPANCY_FINDERS.get(name)
        if existing is not None and existing is not func:
            raise ValueError(f"a discrepancy finder named {name!r} is already registered")
        DISCREPANCY_FINDERS[name] = func
        return func

    return register


def build_pipeline(names: Iterable[str]) -> list[Component]:
    """The components called ``names``, in order, after checking every requirement is assigned earlier."""
    pipeline: list[Component] = []
    available = set(GIVEN)
    for name in names:
        if name not in COMPONENTS:
            raise ValueError(f"no consolidate component named {name!r}; known: {', '.join(sorted(COMPONENTS))}")
        comp = COMPONENTS[name]
        missing = [r for r in comp.requires if r not in available]
        if missing:
            raise ValueError(f"consolidate component {name!r} requires {', '.join(missing)}, which no earlier component assigns")
        available.update(comp.assigns)
        pipeline.append(comp)
    return pipeline
