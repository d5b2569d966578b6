"""Ingest: turn files, folders, streams, feeds, web archives and URLs into `Article` records.

Readers are small registered components (``registry.reader``); the one that reads an input is
chosen by sniffing its content, not only its extension.
"""

from storyline.ingest.furniture import OutletLines, clean_article
from storyline.ingest.identity import article_id
from storyline.ingest.language import detect_language
from storyline.ingest.registry import READERS, Reader, reader, reader_for
from storyline.ingest.source import Source
from storyline.ingest.sources import estimate_items, iter_sources, read_inputs

# Importing the built-in readers registers them.
from storyline.ingest import readers as _readers  # noqa: F401,E402

__all__ = [
    "READERS",
    "OutletLines",
    "Reader",
    "Source",
    "article_id",
    "clean_article",
    "detect_language",
    "estimate_items",
    "iter_sources",
    "read_inputs",
    "reader",
    "reader_for",
]
