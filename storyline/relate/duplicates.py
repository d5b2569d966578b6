"""Near-duplicates: MinHash LSH (datasketch) over word shingles.

The minhashes are the durable state: one 128 x 32-bit MinHash per article, stored in SQLite
beside the article (``relate_articles.minhash``). The in-memory `MinHashLSH` is rebuilt from
them when a store is opened: inserting a stored minhash costs microseconds
(100k articles in seconds), while pickling the whole LSH into the store after every batch
would rewrite all of it each time. A new article is then checked against every stored one
without rescanning any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

__all__ = ["NUM_PERM", "NearDuplicates", "minhash", "minhash_bytes"]

NUM_PERM = 128
SCHEME = "affine32"
"""datasketch 2's default hashing scheme: stored minhashes are 128 x uint32."""
SHINGLE = 3
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _permutations() -> Any:
    """The seed's permutations, drawn once: each new `MinHash` would draw the same ones again."""
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def minhash(text: str) -> MinHash:
    """MinHash of the text's lowercased word 3-shingles."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    mh = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations())
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return mh


def minhash_bytes(mh: MinHash) -> bytes:
    return np.asarray(mh.hashvalues, dtype=np.uint32).tobytes()


def from_bytes(data: bytes) -> MinHash:
    # The cached permutations: drawing them again costs 0.15 ms a minhash, most of opening a store's index.
    hashvalues = np.frombuffer(data, dtype=np.uint32).copy()
    return MinHash(num_perm=NUM_PERM, hashvalues=hashvalues, scheme=SCHEME, permutations=_permutations())


class NearDuplicates:
    """An LSH index over every stored article's MinHash.

    >>> index = NearDuplicates([])
    >>> index.add("a", minhash("the talks in Florida lasted four hours and ended late on Sunday"))
    []
    >>> [(i, round(j, 1)) for i, j in index.add("b", minhash("the talks in Florida lasted four hours and ended late on Sunday"))]
    [('a', 1.0)]
    """

    def __init__(self, stored: Iterable[tuple[str, bytes]], threshold: float = 0.5) -> None:
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.minhashes: dict[str, MinHash] = {}
        with self.lsh.insertion_session() as session:
            for article_id, data in stored:
                mh = from_bytes(data)
                session.insert(article_id, mh)
                self.minhashes[article_id] = mh

    def add(self, article_id: str, mh: MinHash) -> list[tuple[str, float]]:
        """Insert ``mh`` and return the stored articles whose estimated Jaccard clears the threshold."""
        found = []
        if article_id not in self.minhashes:
            for other in self.lsh.query(mh):
                jaccard = mh.jaccard(self.minhashes[other])
                if jaccard >= self.threshold:
                    found.append((other, jaccard))
            self.lsh.insert(article_id, mh)
            self.minhashes[article_id] = mh
        return sorted(found, key=lambda x: (-x[1], x[0]))
