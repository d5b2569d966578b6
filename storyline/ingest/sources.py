"""Inputs as the user names them (paths, folders, globs, ``-``) turned into `Source` objects."""

from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storyline.errors import InputError
from storyline.ingest.decoding import looks_binary
from storyline.ingest.registry import READERS, reader_for
from storyline.models import Article
from storyline.settings import Settings


@dataclass
class Source:
    """One input: its name for messages, and its bytes (read once, lazily)."""

    name: str
    path: Path | None = None
    _data: bytes | None = field(default=None, repr=False)

    @property
    def data(self) -> bytes:
        if self._data is None:
            assert self.path is not None
            self._data = self.path.read_bytes()
        return self._data

    @property
    def suffix(self) -> str:
        """Lower-case extension(s), e.g. ``.txt`` or ``.html.gz``."""
        target = self.path.name if self.path else self.name
        suffixes = Path(target.split("?")[0]).suffixes[-2:]
        if len(suffixes) == 2 and suffixes[-1].lower() != ".gz":
            suffixes = suffixes[-1:]
        return "".join(suffixes).lower()

    def head(self, n: int = 4096) -> bytes:
        if self._data is not None:
            return self._data[:n]
        assert self.path is not None
        with self.path.open("rb") as fh:
            return fh.read(n)


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
    """Expand paths, folders and globs into sources; ``-`` is standard input (JSONL)."""
    for item in inputs:
        if item == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            yield Source(name="stdin", _data=data)
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
            yield Source(name=str(path), path=path)


def read_source(source: Source, settings: Settings) -> Iterator[Article | InputError]:
    """Read one source with the reader its content calls for."""
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


def read_inputs(inputs: Iterable[str], settings: Settings, *, stdin: bytes | None = None) -> Iterator[Article | InputError]:
    """Every article (or per-input error) in ``inputs``, in order."""
    for source in iter_sources(inputs, settings, stdin=stdin):
        if isinstance(source, InputError):
            yield source
        else:
            yield from read_source(source, settings)
