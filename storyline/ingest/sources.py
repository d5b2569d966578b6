"""Inputs as the user names them (paths, folders, globs, URLs, ``-``) turned into `Source` objects
(`storyline.ingest.source`), read by the registered readers into articles."""

from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.errors import InputError
from storyline.ingest.decoding import looks_binary
from storyline.ingest.furniture import OutletLines, clean_article
from storyline.ingest.language import detect_language
from storyline.ingest.registry import READERS, reader_for
from storyline.ingest.source import Source
from storyline.models import Article
from storyline.settings import Settings


def _expand(item: str) -> list[Path] | None:
    path = Path(item)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if path.exists():
        return [path]
    if glob.has_magic(item):
        return sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
    return None


def iter_sources(inputs: Iterable[str | Source], settings: Settings, *, stdin: bytes | None = None) -> Iterator[Source | InputError]:
    """Expand paths, folders, globs and URLs into sources; ``-`` is standard input (JSONL).

    A `Source` passes through as it is (bytes a caller already fetched, e.g. the watcher's
    conditional GET).
    """
    from storyline.ingest.fetch import fetch, is_url

    for item in inputs:
        if isinstance(item, Source):
            yield item
            continue
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


def too_long(article: Article, settings: Settings, where: str | None = None) -> InputError:
    """The error for an article over ``settings.max_article_chars``, naming where it came from."""
    return InputError(
        where or article.source or article.id,
        f"article is {len(article.text):,} characters, over the {settings.max_article_chars:,} limit (max_article_chars); split it or raise the limit",
    )


def finish_article(article: Article, lines: OutletLines | None = None) -> Article:
    """The steps every reader's article goes through: furniture removal, then language."""
    article = clean_article(article, lines)
    if not article.language or len(article.text) > 200:
        article.language = detect_language(article.text) or article.language
    return article


def read_inputs(
    inputs: Iterable[str | Source],
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
            if len(item.text) > settings.max_article_chars:
                yield too_long(item, settings, source.name)
                continue
            if source.path is not None and item.source in {f"text:{source.name}", f"html:{source.name}"}:
                # The whole file is this one article: the file is its origin, as a URL is a page's,
                # so an edited file is a new version of it (see `Store.find_by_origin`).
                item.metadata.setdefault("file", str(source.path.resolve()))
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
        paths: list[Path] | list[str] = (None if is_url(item) else _expand(item)) or [item]
        for path in paths:
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
