"""The spaCy pipeline Storyline loads: only the pipes components read, same annotations."""

from __future__ import annotations

import numpy as np
import spacy
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG

from storyline.enrich.nlp import TagTableRuler, load_nlp
from storyline.settings import Settings
from tests.conftest import seed_path


def _original() -> spacy.language.Language:
    for name in Settings().spacy_models:
        try:
            return spacy.load(name, exclude=["lemmatizer", "ner"])
        except OSError:
            continue
    raise AssertionError("no English model installed")


def test_tag_table_ruler_annotates_exactly_as_the_attribute_ruler() -> None:
    nlp = _original()
    texts = [seed_path(prefix).read_text(encoding="utf-8") for prefix in ("000", "001", "003")]
    texts.append("I said it’s done, y’all. They’re gonna go – ain’t nothin' wrong with that, he said.")
    # Text that the word and dependency rules match: contractions, "there is", "let's", "but".
    texts.append("There's no way, but there are some. Let's go; we gotta say we don't know nothin'. Y' know? N't.")
    with nlp.select_pipes(disable=["attribute_ruler"]):
        docs = list(nlp.pipe(texts))
    ruler = nlp.get_pipe("attribute_ruler")
    fast = TagTableRuler(ruler)
    # The rules after the table are matched as arrays, not through a second Matcher.
    assert fast.table and len(fast.rest.patterns) < len(ruler.patterns) and fast.rules is not None
    for doc in docs:
        expected, got = ruler(doc.copy()), fast(doc.copy())
        attrs = [POS, MORPH, LEMMA, TAG, DEP]
        assert np.array_equal(expected.to_array(attrs), got.to_array(attrs))
        assert any(t.pos_ == "VERB" for t in got) and any(str(t.morph) for t in got)


def test_only_the_pipes_components_read_are_loaded() -> None:
    models = Settings().spacy_models
    ner_only = load_nlp(models, frozenset({"ner"}))
    assert ner_only.pipe_names == ["senter", "ner"] or ner_only.pipe_names == ["ner", "senter"]
    assert "lemmatizer" not in ner_only.component_names and "parser" not in ner_only.component_names
    full = load_nlp(models, frozenset({"ner", "parser", "tagger"}))
    assert "storyline_attribute_ruler" in full.pipe_names and "lemmatizer" not in full.component_names
    doc = full("Secretary of State Marco Rubio said the talks were productive.")
    assert [t.pos_ for t in doc][:2] == ["PROPN", "ADP"] and doc[5].dep_ == "ROOT"


def test_matrix_products_run_on_numpy_blas_with_one_thread() -> None:
    from threadpoolctl import threadpool_info

    nlp = load_nlp(Settings().spacy_models, frozenset({"ner", "parser", "tagger"}))
    nodes = [node for _, pipe in nlp.components if hasattr(pipe, "model") for node in pipe.model.walk()]
    assert nodes and not any(getattr(node.ops, "use_blis", False) for node in nodes)
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
