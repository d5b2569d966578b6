"""Inputs as the user names them (paths, folders, globs, URLs, ``-``) turned into `Source` objects."""

from __future__ import annotations

import glob
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storyline.errors import InputError
from storyline.ingest.decoding import looks_binary
from storyline.ingest.registry import READERS, reader_for
from storyline.models import Article
from storyline.settings import Settings
from storyline.ingest.furniture import OutletLines, clean_article
from storyline.ingest.language import detect_language

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


def _expand(item: str) -> list[Path] | None:
    path = Path(item)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if path.exists():
        return [path]
    if glob.has_magic(item):
        return sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
    return None


def iter_sources(inputs: Iterable[str], settings: Settings, *, stdin: bytes | None = None) -> Iterator[Source | InputError]:
    """Expand paths, folders, globs and URLs into sources; ``-`` is standard input (JSONL)."""
    from storyline.ingest.fetch import fetch, is_url

    for item in inputs:
        if item == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            yield Source(name="stdin", _data=data, max_bytes=settings.max_file_bytes)
            continue
        if is_url(item):
            try:
                got = fetch(item, settings)
            except InputError as exc:
                yield exc
                continue
            yield Source(name=item, url=got.url, _data=got.data, content_type=got.content_type, max_bytes=settings.max_file_bytes)
            continue
        paths = _expand(item)
        if paths is None:
            yield InputError(item, "no such file, folder or pattern")
            continue
        if not paths:
            yield InputError(item, "no files found")
        for path in paths:
            try:
                size = path.stat().st_size
            except OSError as exc:
                yield InputError(str(path), f"cannot read: {exc.strerror or exc}")
                continue
            if size > settings.max_file_bytes:
                yield InputError(
                    str(path),
                    f"file is {size / 1e6:,.0f} MB, over the {settings.max_file_bytes / 1e6:,.0f} MB limit (max_file_bytes)",
                )
                continue
            yield Source(name=str(path), path=path, max_bytes=settings.max_file_bytes)


def read_source(source: Source, settings: Settings) -> Iterator[Article | InputError]:
    """Read one source with the reader its content calls for (articles as the reader made them)."""
    try:
        if not source.head(1):
            yield InputError(source.name, "empty file")
            return
        chosen = reader_for(source)
        if chosen is None:
            known = ", ".join(sorted(READERS))
            reason = "binary file, not text" if looks_binary(source.head()) else f"not a format Storyline reads ({known})"
            yield InputError(source.name, reason)
            return
        yield from chosen.read(source, settings)
    except InputError as exc:
        yield exc
    except OSError as exc:
        yield InputError(source.name, f"cannot read: {exc.strerror or exc}")
    except MemoryError:
        yield InputError(source.name, "too large to read into memory")


def finish_article(article: Article, lines: OutletLines | None = None) -> Article:
    """The steps every reader's article goes through: furniture removal, then language."""
    article = clean_article(article, lines)
    if not article.language or len(article.text) > 200:
        article.language = detect_language(article.text) or article.language
    return article


def read_inputs(
    inputs: Iterable[str],
    settings: Settings,
    *,
    stdin: bytes | None = None,
    lines: OutletLines | None = None,
) -> Iterator[Article | InputError]:
    """Every article (or per-input error) in ``inputs``, in order, cleaned of page furniture.

    ``lines`` carries the per-outlet line counts that teach furniture removal which lines an
    outlet repeats; without it only the built-in patterns apply.
    """
    for source in iter_sources(inputs, settings, stdin=stdin):
        if isinstance(source, InputError):
            yield source
            continue
        for item in read_source(source, settings):
            if isinstance(item, InputError):
                yield item
                continue
            try:
                yield finish_article(item, lines)
            except Exception as exc:  # a cleaning bug must not cost the batch
                yield InputError(item.source or source.name, f"cleaning failed: {type(exc).__name__}: {exc}")


_LINE_COUNTED = {".jsonl", ".ndjson"}


def estimate_items(inputs: Iterable[str], *, stdin: bytes | None = None) -> int:
    """About how many items ``inputs`` hold, without reading them: the lines of a JSONL file, one
    per other file or URL. A progress total, counted in a fraction of the time reading takes."""
    from storyline.ingest.fetch import is_url

    total = 0
    for item in inputs:
        if item == "-":
            total += stdin.count(b"\n") + (not stdin.endswith(b"\n")) if stdin else 1
            continue
        paths = None if is_url(item) else _expand(item)
        for path in paths or [item]:
            total += _count_lines(path) if isinstance(path, Path) and path.suffix.lower() in _LINE_COUNTED else 1
    return total


def _count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                lines += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 1
    return lines + (last != b"\n")
