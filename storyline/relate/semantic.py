"""Sentence vectors for the pair model: one event told in different words by different outlets.

Word overlap misses that "the Supreme Court sided with police officers" and "the justices ruled
officers were entitled to protection from being sued" report one ruling. A static sentence model
does not: the package ships one (``static_model/``, 128 dimensions, int8, about 4 MB) that
``scripts/distill_static_model.py`` distilled with model2vec from all-MiniLM-L6-v2 (Apache-2.0;
see ``static_model/NOTICE``). A text's vector is the mean of its tokens' vectors: no torch, no
download, about a millisecond an article.

Before the cosines, every text's unit vector has the model's common direction removed: the mean
unit vector of the training texts (ECB+ train and AllSides dev, `CENTRE_PATH`, written by
``scripts/distill_static_model.py --centre``) is subtracted and the rest normalised again
("all-but-the-top", Mu & Viswanath 2018). Mean-pooled static vectors share a large common
component, which lifts every cosine alike; removed, the cosines spread. Vectors are centred before
they are packed; evidence stored before the centring says so (no ``sem_centred`` in its JSON) and
its vectors are centred when unpacked (`unpack_uncentred`), so an older store's articles and new
ones are compared alike.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from model2vec import StaticModel

__all__ = ["CENTRE_PATH", "MODEL_DIR", "centre", "raw_vectors", "static_model", "text_vectors", "unpack", "unpack_uncentred"]

MODEL_DIR = Path(__file__).with_name("static_model")
CENTRE_PATH = MODEL_DIR / "centre.json"
SCALE = 127.0
"""Vectors are stored with every article's evidence (and each story's member sample) as int8,
base64: 172 characters for 128 dimensions; cosines move by under 0.01."""


@lru_cache(maxsize=1)
def static_model() -> StaticModel:
    """The shipped static model, loaded once per process from the package's own files."""
    return StaticModel.from_pretrained(MODEL_DIR, normalize=True)


@lru_cache(maxsize=1)
def centre() -> np.ndarray:
    """The mean unit vector of the training texts (see the module's docstring), read-only."""
    data = json.loads(CENTRE_PATH.read_text(encoding="utf-8"))
    mean = np.asarray(data["mean"], dtype=np.float64)
    mean.setflags(write=False)
    return mean


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.where(norms > 0, vectors / np.where(norms > 0, norms, 1.0), 0.0)


def raw_vectors(texts: list[str]) -> np.ndarray:
    """Unit vectors of ``texts`` as the model gives them, uncentred (what `centre` is the mean of)."""
    return _unit(static_model().encode(texts, show_progress_bar=False).astype(np.float64))


def text_vectors(texts: list[str]) -> list[str]:
    """Unit vectors of ``texts``, centred (see the module's docstring) and packed (see `SCALE`;
    an empty text gets "")."""
    vectors = _unit(raw_vectors(texts) - centre())
    packed = [base64.b64encode(np.round(v * SCALE).astype(np.int8).tobytes()).decode("ascii") for v in vectors]
    return [p if t.strip() else "" for t, p in zip(texts, packed, strict=True)]


@lru_cache(maxsize=16384)
def unpack(packed: str) -> np.ndarray | None:
    """A packed vector back as a unit vector (None for ""); read-only, and remembered: a story's
    member sample is weighed again at every article."""
    if not packed:
        return None
    vector = np.frombuffer(base64.b64decode(packed), dtype=np.int8).astype(np.float64)
    norm = float(np.linalg.norm(vector))
    unit = vector / norm if norm else vector
    unit.setflags(write=False)
    return unit


@lru_cache(maxsize=16384)
def unpack_uncentred(packed: str) -> np.ndarray | None:
    """`unpack` of a vector packed before the centring (an older store's evidence), centred now."""
    vector = unpack(packed)
    if vector is None:
        return None
    unit = _unit((vector - centre())[None, :])[0]
    unit.setflags(write=False)
    return unit
