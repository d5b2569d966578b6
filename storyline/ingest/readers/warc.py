"""WARC and ARC archives (``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz``), read with warcio.

Every HTML response record is a page; its URL and capture date come from the record headers.
A damaged record ends the archive with one error naming how far it got; the records before it
are kept.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from typing import Any


from storyline.errors import InputError
from storyline.ingest.html import parse_datetime
from storyline.ingest.readers.html import read_page
from storyline.ingest.registry import ReadResult, reader
from storyline.ingest.source import Source, gunzip
from storyline.settings import Settings

_SUFFIXES = {".warc", ".warc.gz", ".arc", ".arc.gz"}

# warcio warns of every malformed header on stderr; the damaged-archive line says it once.
logging.getLogger("warcio").setLevel(logging.ERROR)


def _quiet(records: Iterator[Any]) -> Iterator[Any]:
    """``records``, with what warcio writes straight to stderr (a line per wrong Content-Length) dropped.

    Only the calls into warcio are redirected, never the consumer's code between records."""
    while True:
        with contextlib.redirect_stderr(io.StringIO()):
            try:
                record = next(records)
            except StopIteration:
                return
        yield record


def _sniff(source: Source) -> bool:
    head = source.head(64)
    return source.suffix in _SUFFIXES or head.startswith((b"WARC/", b"filedesc://"))


@reader("warc", sniff=_sniff, priority=40)
def read_warc(source: Source, settings: Settings) -> ReadResult:
    # Imported on first use: most ingests read no archive.
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    pages = records = 0
    stream = io.BytesIO(source.raw)
    try:
        for record in _quiet(iter(ArchiveIterator(stream, arc2warc=True, check_digests=False))):
            records += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if "html" not in content_type:
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            captured = parse_datetime(record.rec_headers.get_header("WARC-Date"))
            where = f"{source.name} record {records} ({uri})"
            try:
                with contextlib.redirect_stderr(io.StringIO()):  # warcio prints decompression errors too
                    payload = record.content_stream().read(settings.max_file_bytes + 1)
            except Exception as exc:  # noqa: BLE001 - warcio surfaces zlib/chunking errors raw
                yield InputError(where, f"damaged payload ({type(exc).__name__}: {exc})")
                continue
            pages += 1
            try:
                article = read_page(payload, where, url=uri, source=f"warc:{where}", content_type=content_type)
            except InputError as exc:
                yield exc
                continue
            article.url = uri or article.url
            article.metadata["captured"] = captured.isoformat() if captured else None
            if article.published is None and captured is not None:
                # The capture date bounds the publication date; say that it is only that.
                article.published = captured
                article.metadata["published_from"] = "capture date"
            yield article
    except (ArchiveLoadFailed, EOFError, ValueError, OSError) as exc:
        raise_or_report = InputError(source.name, f"damaged archive after {records} records: {str(exc).strip() or type(exc).__name__}")
        yield raise_or_report
        return
    except Exception as exc:  # noqa: BLE001 - zlib.error and friends from truncated gzip members
        yield InputError(source.name, f"damaged archive after {records} records: {type(exc).__name__}: {exc}")
        return
    if source.is_gzip:
        # warcio reads a cut-off gzip member as a short record without complaint.
        try:
            gunzip(source.raw, source.name, limit=source.max_bytes)
        except InputError as exc:
            yield InputError(source.name, f"damaged archive ({exc.reason}); the {records} records before the damage were read")
            return
    if records == 0:
        yield InputError(source.name, "no WARC/ARC records in the file")
    elif pages == 0:
        yield InputError(source.name, f"no HTML pages among its {records} records")
