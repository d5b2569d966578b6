"""Loading the spaCy English pipeline: the official package first, then the PyPI re-upload."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import spacy
from spacy.language import Language

from storyline.errors import StorylineError


@lru_cache(maxsize=4)
def load_nlp(models: tuple[str, ...], pipes: frozenset[str]) -> Language:
    """Load the first installed model of ``models`` with only the spaCy ``pipes`` a step needs.

    Sentences come from the parser when it runs, else from the cheaper ``senter``.
    """
    errors = []
    for name in models:
        try:
            nlp = spacy.load(name)
            break
        except OSError as exc:
            errors.append(f"{name}: {exc}".splitlines()[0])
    else:
        raise StorylineError("no spaCy English pipeline is installed (tried " + "; ".join(errors) + ")")
    wanted = set(pipes)
    if "parser" not in wanted:
        wanted.add("senter")
    if wanted & {"tagger", "lemmatizer", "attribute_ruler"}:
        wanted |= {"tok2vec", "tagger", "attribute_ruler"}
    if "parser" in wanted:
        wanted.add("tok2vec")
        wanted.discard("senter")  # the parser sets sentence boundaries itself
    if "senter" in wanted and "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    for pipe in list(nlp.pipe_names):
        if pipe not in wanted:
            nlp.disable_pipe(pipe)
    nlp.max_length = max(nlp.max_length, 5_000_000)
    return nlp


def model_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


def needed_pipes(pipe_lists: Iterable[Iterable[str]]) -> frozenset[str]:
    return frozenset(p for pipes in pipe_lists for p in pipes)
