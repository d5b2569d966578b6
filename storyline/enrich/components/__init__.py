"""Built-in enrich components; importing this package registers them."""

from storyline.enrich.components import entities, sentences  # noqa: F401
