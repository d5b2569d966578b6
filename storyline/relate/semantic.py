"""Sentence vectors for the pair model: one event told in different words by different outlets.

Word overlap misses that "the Supreme Court sided with police officers" and "the justices ruled
officers were entitled to protection from being sued" report one ruling. A static sentence model
does not: the package ships one (``static_model/``, 128 dimensions, int8, about 4 MB) that
``scripts/distill_static_model.py`` distilled with model2vec from all-MiniLM-L6-v2 (Apache-2.0;
see ``static_model/NOTICE``). A text's vector is the mean of its tokens' vectors: no torch, no
download, about a millisecond an article.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from model2vec import StaticModel

__all__ = ["MODEL_DIR", "static_model", "text_vectors"]

MODEL_DIR = Path(__file__).with_name("static_model")
DECIMALS = 3
"""Vectors are kept rounded (they are stored with every article's evidence)."""


@lru_cache(maxsize=1)
def static_model() -> StaticModel:
    """The shipped static model, loaded once per process from the package's own files."""
    return StaticModel.from_pretrained(MODEL_DIR, normalize=True)


def text_vectors(texts: list[str]) -> list[list[float]]:
    """Unit vectors of ``texts`` (rounded; an empty text gets an empty vector)."""
    vectors = static_model().encode(texts, show_progress_bar=False).astype(np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.where(norms > 0, vectors / np.where(norms > 0, norms, 1.0), 0.0)
    return [np.round(v, DECIMALS).tolist() if t.strip() else [] for t, v in zip(texts, vectors, strict=True)]
