"""Built-in readers; importing this package registers them."""

from storyline.ingest.readers import feed, html, jsonl, text, urls, warc  # noqa: F401
