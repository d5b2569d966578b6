"""Built-in readers; importing this package registers them."""

from storyline.ingest.readers import jsonl, text  # noqa: F401
