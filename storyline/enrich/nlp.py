"""Loading the spaCy English pipeline: the official package first, then the PyPI re-upload."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import numpy as np
import spacy
from spacy.attrs import DEP, IS_SPACE, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs  # how AttributeRuler sets each match
from spacy.vocab import Vocab
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
    are matched as array comparisons (`_TokenRules`) and applied after the table, as later rules
    take precedence in the original: the annotations are identical (see tests/enrich/test_nlp.py).
    A rule set the comparisons cannot express runs through an `AttributeRuler` as before.
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
        self.rules = _TokenRules.compile(self.rest)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            tags = doc.to_array([TAG])
            values = np.zeros((len(doc), 2), dtype=np.uint64)
            for tag in np.unique(tags):
                found = self.table.get(int(tag))
                if found is not None:
                    values[tags == tag] = found
            doc.from_array([POS, MORPH], values)  # type: ignore[arg-type]
        return self.rules(doc) if self.rules is not None else self.rest(doc)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


class _TokenRules:
    """An `AttributeRuler`'s rules matched with numpy over token attribute arrays, not a ``Matcher``.

    A pattern token compares LOWER, TAG, DEP or IS_SPACE with a value, an ``IN``/``NOT_IN`` list
    or a ``REGEX`` (on the lower-case form). Every rule is matched on the annotations as they were
    before any applies, then matches are set in rule order and token order, as the ruler does.
    """

    _FIELDS = {"LOWER": LOWER, "TAG": TAG, "DEP": DEP, "IS_SPACE": IS_SPACE}

    def __init__(self, vocab: Vocab, rules: list[_Rule]) -> None:
        self.vocab = vocab
        self.rules = rules

    @classmethod
    def compile(cls, ruler: AttributeRuler) -> _TokenRules | None:
        """The ruler's rules, or None when one of them uses a test this class does not express."""
        rules: list[_Rule] = []
        for i, rule in enumerate(ruler.patterns):
            alternatives: list[list[list[_Test]]] = []
            for pattern in rule["patterns"]:  # type: ignore[union-attr]
                tokens: list[list[_Test]] = []
                for token in pattern:
                    tests: list[_Test] = []
                    for field, value in token.items():  # type: ignore[union-attr]
                        if field not in cls._FIELDS:
                            return None
                        if isinstance(value, dict):
                            if len(value) != 1 or next(iter(value)) not in {"IN", "NOT_IN", "REGEX"}:
                                return None
                            op, arg = next(iter(value.items()))
                            arg = tuple(arg) if isinstance(arg, list) else arg
                        elif isinstance(value, (str, bool)):
                            op, arg = "==", value
                        else:
                            return None
                        tests.append((field, op, arg))
                    tokens.append(tests)
                alternatives.append(tokens)
            rules.append((alternatives, ruler.attrs[i], ruler.indices[i]))
        return cls(ruler.vocab, rules)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        columns = doc.to_array([LOWER, TAG, DEP, IS_SPACE])
        arrays = {field: columns[:, k] for k, field in enumerate(self._FIELDS)}
        masks: dict[_Test, np.ndarray] = {}
        matched: list[tuple[int, dict[Any, Any]]] = []
        for alternatives, attrs, index in self.rules:
            starts: set[tuple[int, int]] = set()
            for tokens in alternatives:
                length = len(tokens)
                if length > n:
                    continue
                found = np.ones(n - length + 1, dtype=bool)
                for offset, tests in enumerate(tokens):
                    for test in tests:
                        if test not in masks:
                            masks[test] = self._mask(arrays[test[0]], test)
                        found &= masks[test][offset : n - length + 1 + offset]
                starts.update((int(start), length) for start in np.flatnonzero(found))
            for start, length in sorted(starts):
                matched.append((start + (index if index >= 0 else length + index), attrs))
        for i, attrs in matched:
            set_token_attrs(doc[i], attrs)
        return doc

    def _mask(self, column: np.ndarray, test: _Test) -> np.ndarray:
        field, op, arg = test
        if field == "IS_SPACE":
            return column == int(arg)
        strings = self.vocab.strings
        if op == "REGEX":
            pattern = re.compile(arg)
            return np.isin(column, [v for v in np.unique(column) if pattern.search(strings[int(v)])])
        hit = np.zeros(len(column), dtype=bool)
        for value in arg if op != "==" else (arg,):
            hit |= column == strings[value]
        return ~hit if op == "NOT_IN" else hit


_Test = tuple[str, str, Any]
"""One comparison of a pattern token: (field, ``==``/``IN``/``NOT_IN``/``REGEX``, value)."""
_Rule = tuple[list[list[list[_Test]]], dict[Any, Any], int]
"""One rule: its alternative patterns (each a list of tokens, each a list of tests), attrs and index."""


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
