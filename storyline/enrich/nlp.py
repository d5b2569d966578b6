"""Loading the spaCy English pipeline: the official package first, then the PyPI re-upload."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import numpy as np
import spacy
from spacy.attrs import MORPH, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from thinc.api import NumpyOps
from threadpoolctl import threadpool_limits

from storyline.errors import StorylineError

#: The English pipelines' pipes; those no component needs are not loaded at all.
KNOWN_PIPES = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")


class TagTableRuler:
    """spaCy's ``attribute_ruler``, with its leading rules that map one tag to a POS and morphology
    applied as one table lookup over the whole ``Doc``.

    The English ruler runs ~180 token patterns through a ``Matcher`` and applies every match in
    Python; all but a few hundred matches per article come from its first rules, ``{TAG: X} ->
    POS, MORPH``. Those become a lookup; the remaining rules (a word with a tag, a dependency)
    still run through an `AttributeRuler`, after the table, as later rules take precedence in
    the original: the annotations are identical (see tests/enrich/test_nlp.py).
    """

    def __init__(self, ruler: AttributeRuler) -> None:
        patterns = ruler.patterns
        lead = 0
        while lead < len(patterns) and _tag_only(patterns[lead]):
            lead += 1
        vocab = ruler.vocab
        self.table: dict[int, tuple[int, int]] = {}
        for rule in patterns[:lead]:
            attrs: dict[str, Any] = rule["attrs"]  # type: ignore[assignment]
            pos = POS_IDS[attrs["POS"]] if "POS" in attrs else None
            morph = vocab.morphology.add(attrs["MORPH"]) if "MORPH" in attrs else None
            rule_patterns: list[list[dict[str, Any]]] = rule["patterns"]  # type: ignore[assignment]
            for pattern in rule_patterns:
                tag = vocab.strings.add(pattern[0]["TAG"])
                old_pos, old_morph = self.table.get(tag, (0, 0))
                self.table[tag] = (old_pos if pos is None else pos, old_morph if morph is None else morph)
        self.rest = AttributeRuler(vocab, name="attribute_ruler")
        self.rest.add_patterns(patterns[lead:])

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            tags = doc.to_array([TAG])
            values = np.zeros((len(doc), 2), dtype=np.uint64)
            for tag in np.unique(tags):
                found = self.table.get(int(tag))
                if found is not None:
                    values[tags == tag] = found
            doc.from_array([POS, MORPH], values)  # type: ignore[arg-type]
        return self.rest(doc)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def _tag_only(rule: dict[str, Any]) -> bool:
    return set(rule["attrs"]) <= {"POS", "MORPH"} and all(len(p) == 1 and set(p[0]) == {"TAG"} and isinstance(p[0]["TAG"], str) for p in rule["patterns"])


@Language.factory("storyline_attribute_ruler")
def _make_tag_table_ruler(nlp: Language, name: str) -> TagTableRuler:
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, AttributeRuler)
    return TagTableRuler(ruler)


@lru_cache(maxsize=4)
def load_nlp(models: tuple[str, ...], pipes: frozenset[str]) -> Language:
    """Load the first installed model of ``models`` with only the spaCy ``pipes`` a step needs.

    Sentences come from the parser when it runs, else from the cheaper ``senter``.
    """
    wanted = set(pipes)
    if "parser" not in wanted:
        wanted.add("senter")
    if wanted & {"tagger", "lemmatizer", "attribute_ruler"}:
        wanted |= {"tok2vec", "tagger", "attribute_ruler"}
    if "parser" in wanted:
        wanted.add("tok2vec")
        wanted.discard("senter")  # the parser sets sentence boundaries itself
    errors = []
    for name in models:
        try:
            # Pipes nobody reads are not loaded (less memory in every worker), not only disabled.
            nlp = spacy.load(name, exclude=[p for p in KNOWN_PIPES if p not in wanted])
            break
        except OSError as exc:
            errors.append(f"{name}: {exc}".splitlines()[0])
    else:
        raise StorylineError("no spaCy English pipeline is installed (tried " + "; ".join(errors) + ")")
    if "senter" in wanted and "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    for pipe in list(nlp.pipe_names):
        if pipe not in wanted:
            nlp.disable_pipe(pipe)
    if "attribute_ruler" in nlp.pipe_names:
        nlp.add_pipe("storyline_attribute_ruler", after="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    use_numpy_blas(nlp)
    nlp.max_length = max(nlp.max_length, 5_000_000)
    return nlp


def use_numpy_blas(nlp: Language) -> None:
    """Have the pipeline's matrix products run on numpy's OpenBLAS, one thread per process.

    thinc multiplies through its bundled BLIS by default; numpy's OpenBLAS was 10-25 % faster
    on this machine's CPUs for the same annotations (entities, tags, parses and sentences
    identical on 65k tokens of PolNeAR and ECB+ dev). One BLAS thread: the engines parallelise
    by process, and threads would only fight the other workers for the cores.
    """
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.components:
        model = getattr(pipe, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops
    threadpool_limits(1, user_api="blas")


def model_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


def needed_pipes(pipe_lists: Iterable[Iterable[str]]) -> frozenset[str]:
    return frozenset(p for pipes in pipe_lists for p in pipes)
