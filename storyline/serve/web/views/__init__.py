"""One module per page: each reads through `Storyline` and returns the page's context dataclass.

The same context feeds the HTML template and the page's JSON twin, so a page never shows
what its JSON does not say. ``contexts.py`` declares every context, ``links.py`` every URL and
the article numbering of a story.
"""

from storyline.serve.web.views.article import article_detail, article_list, article_page, segment
from storyline.serve.web.views.changes import ATOM_ENTRIES, AlertAck, AlertAckResult, AlertsContext, acknowledge_alerts, alerts_page, stories_atom
from storyline.serve.web.views.contexts import (
    ArticleColumn,
    ArticleContext,
    ArticleDetail,
    ArticleListContext,
    EntityContext,
    RelationView,
    SearchContext,
    StoryContext,
    StoryListContext,
)
from storyline.serve.web.views.entity import entity_page
from storyline.serve.web.views.links import MAX_LIMIT, safe_http_url
from storyline.serve.web.views.search import MAX_QUERY_CHARS, search_page
from storyline.serve.web.views.stories import story_list
from storyline.serve.web.views.story import story_page

__all__ = [
    "ATOM_ENTRIES",
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "AlertAck",
    "AlertAckResult",
    "AlertsContext",
    "ArticleColumn",
    "ArticleContext",
    "ArticleDetail",
    "ArticleListContext",
    "EntityContext",
    "RelationView",
    "SearchContext",
    "StoryContext",
    "StoryListContext",
    "acknowledge_alerts",
    "alerts_page",
    "article_detail",
    "article_list",
    "article_page",
    "entity_page",
    "safe_http_url",
    "search_page",
    "segment",
    "stories_atom",
    "story_list",
    "story_page",
]
