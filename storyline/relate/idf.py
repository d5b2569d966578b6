"""Document frequencies that grow with the store, and the background prior a young store starts from."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

__all__ = ["PRIOR_PATH", "DocFreq", "idf_prior"]

PRIOR_PATH = Path(__file__).with_name("idf_prior.json")


class DocFreq:
    """Document frequencies of terms and entities, grown one article at a time.

    ``prior`` adds background counts (a small store's own counts say little about which words
    are rare); its weight fades as the store grows.
    """

    def __init__(self, n: int = 0, df: Mapping[str, int] | None = None, prior: DocFreq | None = None) -> None:
        self.n = n
        self.df: dict[str, int] = dict(df or {})
        self.prior = prior
        self.changed: set[str] = set()
        self._idf: dict[str, float] = {}

    def add(self, keys: Iterable[str]) -> None:
        self.n += 1
        self._idf = {}  # scoring asks for the same keys over and over between two articles
        for key in keys:
            self.df[key] = self.df.get(key, 0) + 1
            self.changed.add(key)

    def take_changes(self) -> dict[str, int]:
        """The counts of the keys added to since the last call: what a store must write again."""
        changes = {key: self.df[key] for key in self.changed}
        self.changed = set()
        return changes

    def idf(self, key: str) -> float:
        found = self._idf.get(key)
        if found is None:
            if self.prior is None:
                found = self.store_idf(key)
            else:
                p = self.prior
                found = math.log((self.n + p.n + 1) / (self.df.get(key, 0) + p.df.get(key, 0) + 1)) + 1.0
            self._idf[key] = found
        return found

    def store_idf(self, key: str) -> float:
        """The idf from the store's own counts, without the prior (the sentence alignment)."""
        return math.log((self.n + 1) / (self.df.get(key, 0) + 1)) + 1.0

    def weights(self, counts: Mapping[str, int]) -> dict[str, float]:
        """Sublinear tf-idf, L2-normalised."""
        w = {k: (1.0 + math.log(c)) * self.idf(k) for k, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        return {k: v / norm for k, v in w.items()}


@lru_cache(maxsize=1)
def idf_prior() -> DocFreq:
    """Background document frequencies (``idf_prior.json``: ECB+ train, keys in two articles or
    more), so a young store already knows "said" from "Lohan"; see `DocFreq`."""
    data = json.loads(PRIOR_PATH.read_text(encoding="utf-8"))
    return DocFreq(int(data["n"]), data["df"])
