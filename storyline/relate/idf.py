"""Document frequencies that grow with the store, and the background prior a young store starts from."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

__all__ = ["PRIOR_PATH", "DocFreq", "idf_prior"]

PRIOR_PATH = Path(__file__).with_name("idf_prior.json")


class _LogCounts(dict[str, float]):
    """``log(count + 1)`` per key, computed on first use; `DocFreq.add` drops the keys it changes."""

    def __init__(self, count: Callable[[str], int]) -> None:
        super().__init__()
        self.count = count

    def __missing__(self, key: str) -> float:
        value = self[key] = math.log(self.count(key) + 1)
        return value


class DocFreq:
    """Document frequencies of terms and entities, grown one article at a time.

    ``prior`` adds background counts (a small store's own counts say little about which words
    are rare); its weight fades as the store grows.

    An idf is ``log(articles + 1) - log(count + 1) + 1``: the first term moves with every article,
    the second only with its key's count, so the logarithms of the counts are kept per key (a
    story's member sample is weighed again at every article) and only the keys an article adds
    are computed again.
    """

    def __init__(self, n: int = 0, df: Mapping[str, int] | None = None, prior: DocFreq | None = None) -> None:
        self.n = n
        self.df: dict[str, int] = dict(df or {})
        self.prior = prior
        self.changed: set[str] = set()
        prior_df = prior.df if prior is not None else {}
        self._log_counts = _LogCounts(lambda key: self.df.get(key, 0) + prior_df.get(key, 0))
        self._store_log_counts = _LogCounts(lambda key: self.df.get(key, 0))

    def add(self, keys: Iterable[str]) -> None:
        self.n += 1
        for key in keys:
            self.df[key] = self.df.get(key, 0) + 1
            self.changed.add(key)
            self._log_counts.pop(key, None)
            self._store_log_counts.pop(key, None)

    def take_changes(self) -> dict[str, int]:
        """The counts of the keys added to since the last call: what a store must write again."""
        changes = {key: self.df[key] for key in self.changed}
        self.changed = set()
        return changes

    def idf_terms(self) -> tuple[float, Mapping[str, float]]:
        """``(log(articles + 1) + 1, log(count + 1) by key)``: a key's idf is the first minus its
        entry in the second (for weighing many keys at once; valid until the next `add`)."""
        prior_n = self.prior.n if self.prior is not None else 0
        return math.log(self.n + prior_n + 1) + 1.0, self._log_counts

    def idf(self, key: str) -> float:
        top, log_counts = self.idf_terms()
        return top - log_counts[key]

    def store_idf(self, key: str) -> float:
        """The idf from the store's own counts, without the prior (the sentence alignment)."""
        return math.log(self.n + 1) + 1.0 - self._store_log_counts[key]

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
