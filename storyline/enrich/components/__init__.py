"""Built-in enrich components; importing this package registers them."""

from storyline.enrich.components import entities, numbers, quotes, roles, sentences, times  # noqa: F401
from storyline.enrich.components import embedding  # noqa: F401
