"""Built-in enrich components; importing this package registers them."""

from storyline.enrich.components import entities, quotes, roles, sentences  # noqa: F401
