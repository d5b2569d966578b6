"""A text file of URLs, one per line (``#`` comments allowed): each URL is fetched and read."""

from __future__ import annotations

from storyline.errors import InputError
from storyline.ingest.decoding import decode
from storyline.ingest.fetch import fetch, is_url
from storyline.ingest.registry import READERS, ReadResult, reader, reader_for
from storyline.ingest.source import Source
from storyline.settings import Settings


def _lines(data: bytes) -> list[str]:
    return [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _sniff(source: Source) -> bool:
    if source.url is not None:  # a downloaded page is never a URL list
        return False
    lines = _lines(source.head(8192))
    return bool(lines) and all(is_url(line) for line in lines[:50])


@reader("urls", sniff=_sniff, priority=15)
def read_urls(source: Source, settings: Settings) -> ReadResult:
    for url in _lines(decode(source.data, source.name).encode("utf-8")):
        if not is_url(url):
            yield InputError(source.name, f"not a URL: {url[:80]!r}")
            continue
        try:
            got = fetch(url, settings)
        except InputError as exc:
            yield exc
            continue
        page = Source(name=url, url=got.url, _data=got.data, content_type=got.content_type, max_bytes=settings.max_file_bytes)
        chosen = reader_for(page)
        if chosen is None or chosen.name == "urls":
            yield InputError(url, f"not a format Storyline reads ({', '.join(sorted(READERS))})")
            continue
        try:
            yield from chosen.read(page, settings)
        except InputError as exc:
            yield exc
