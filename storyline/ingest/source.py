"""`Source`: one input, its name for messages and its bytes, read once and un-gzipped by content.

Readers (`storyline.ingest.registry`) sniff and read a `Source`; `storyline.ingest.sources` makes
them from what the user names.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

from storyline.errors import InputError

__all__ = ["GZIP_MAGIC", "Source", "gunzip"]

GZIP_MAGIC = b"\x1f\x8b"


def gunzip(data: bytes, name: str, *, limit: int) -> bytes:
    """Decompress every gzip member of ``data``; `InputError` when broken or over ``limit`` bytes."""
    out: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest[:2] == GZIP_MAGIC:
            member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            chunk = member.decompress(rest, limit - size + 1)
            size += len(chunk)
            if size > limit or member.unconsumed_tail:
                raise InputError(name, f"decompresses to over {limit / 1e6:,.0f} MB (max_file_bytes)")
            if not member.eof:
                raise InputError(name, "broken gzip: the file ends in the middle of the compressed data")
            out.append(chunk)
            rest = member.unused_data.lstrip(b"\x00")
    except zlib.error as exc:
        raise InputError(name, f"broken gzip: {exc}") from None
    return b"".join(out) + rest


@dataclass
class Source:
    """One input: its name for messages, and its bytes (read once, lazily).

    ``raw`` is the bytes as stored; ``data`` is them decompressed when they are gzip (by content,
    whatever the name says). ``url`` is where a downloaded or archived page came from.
    """

    name: str
    path: Path | None = None
    _data: bytes | None = field(default=None, repr=False)
    url: str | None = None
    content_type: str | None = None
    max_bytes: int = 64 * 1024 * 1024
    _plain: bytes | None = field(default=None, repr=False)

    @property
    def raw(self) -> bytes:
        if self._data is None:
            assert self.path is not None
            self._data = self.path.read_bytes()
        return self._data

    @property
    def is_gzip(self) -> bool:
        return self._head_raw(2) == GZIP_MAGIC

    @property
    def data(self) -> bytes:
        if self._plain is None:
            self._plain = gunzip(self.raw, self.name, limit=self.max_bytes) if self.is_gzip else self.raw
        return self._plain

    def _head_raw(self, n: int) -> bytes:
        if self._data is not None:
            return self._data[:n]
        assert self.path is not None
        with self.path.open("rb") as fh:
            return fh.read(n)

    @property
    def suffix(self) -> str:
        """Lower-case extension(s), e.g. ``.txt`` or ``.html.gz``."""
        target = self.path.name if self.path else self.name
        suffixes = Path(target.split("?")[0]).suffixes[-2:]
        if len(suffixes) == 2 and suffixes[-1].lower() != ".gz":
            suffixes = suffixes[-1:]
        return "".join(suffixes).lower()

    def head(self, n: int = 4096) -> bytes:
        """The first ``n`` bytes of the (decompressed) content, for sniffing."""
        raw = self._head_raw(max(n, 65536) if self.is_gzip else n)
        if raw[:2] != GZIP_MAGIC:
            return raw[:n]
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, n)
        except zlib.error:
            return b""
