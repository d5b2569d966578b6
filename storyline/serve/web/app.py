"""The FastAPI application: one route table, one view per page, a JSON API under ``/api/``.

Article text and metadata are untrusted. Jinja2 autoescapes every template, links from
articles are rendered only when they are http(s), and every response carries a strict
Content-Security-Policy: no script at all, styles only from ``/static``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from storyline.api import Storyline
from storyline.errors import NotFound
from storyline.models import Brief
from storyline.serve.render import outlet_column, outlet_summary
from storyline.serve.web import views
from storyline.settings import Settings
from storyline.access import SNIPPET_END, SNIPPET_START

STATIC = Path(__file__).parent / "static"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

try:
    VERSION = version("storyline")
except PackageNotFoundError:  # running from a source tree
    VERSION = "0"


def _marked(snippet: str) -> Markup:
    """Escape a search snippet, then turn the FTS match markers into ``<mark>``."""
    return Markup(str(escape(snippet)).replace(SNIPPET_START, "<mark>").replace(SNIPPET_END, "</mark>"))


def make_templates() -> Environment:
    env = Environment(loader=PackageLoader("storyline.serve.web", "templates"), autoescape=True, undefined=StrictUndefined)
    env.filters["marked"] = _marked
    env.filters["outlet_summary"] = outlet_summary
    env.filters["outlet_column"] = outlet_column
    env.filters["day"] = lambda value: (value or "")[:10]
    env.globals["version"] = VERSION
    return env


# Parameters the pages and their twins share, declared once.
Offset = Annotated[int, Query(ge=0, le=10**9)]
StoryLimit = Annotated[int, Query(ge=1, le=views.MAX_LIMIT)]
Order = Literal["asc", "desc"]
SearchKind = Literal["all", "articles", "quotes", "entities"]


class Pages:
    """The views: each reads the store under one lock (one SQLite connection), then renders."""

    def __init__(self, sl: Storyline) -> None:
        self.sl = sl
        self.lock = threading.Lock()
        self.templates = make_templates()

    def call(self, view: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return view(self.sl, *args, **kwargs)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(template).render(**context), status_code=status)

    # --- HTML pages -------------------------------------------------------------------------

    def index(
        self,
        q: str | None = None,
        outlet: str | None = None,
        sort: Literal["size", "first_seen", "last_seen", "title"] = "size",
        order: Order = "desc",
        limit: StoryLimit = 50,
        offset: Offset = 0,
    ) -> HTMLResponse:
        ctx = self.call(views.story_list, q=q, outlet=outlet, sort=sort, order=order, limit=limit, offset=offset)
        return self.render("index.html", page=ctx, api_url="/api/stories")

    def story(self, story_id: str) -> HTMLResponse:
        return self.render("story.html", page=self.call(views.story_page, story_id))

    def article(self, article_id: str, hl: str | None = None) -> HTMLResponse:
        return self.render("article.html", page=self.call(views.article_page, article_id, hl=hl))

    def entity(self, name: str) -> HTMLResponse:
        return self.render("entity.html", page=self.call(views.entity_page, name))

    def search(
        self,
        q: str = "",
        kind: SearchKind = "all",
        limit: StoryLimit = 10,
        offset: Offset = 0,
    ) -> HTMLResponse:
        ctx = self.call(views.search_page, q, kind=kind, limit=limit, offset=offset) if q.strip() else None
        return self.render("search.html", page=ctx, q=q, kind=kind)

    # --- JSON API ---------------------------------------------------------------------------

    def api_stories(
        self,
        q: str | None = Query(None, description="Only stories whose title contains this."),
        outlet: str | None = Query(None, description="Only stories with an article from this outlet."),
        sort: Literal["size", "first_seen", "last_seen", "title", "updated_at"] = "size",
        order: Order = "desc",
        limit: StoryLimit = 50,
        offset: Offset = 0,
        since: datetime | None = Query(None, description="Only stories created or changed at or after this time (ISO 8601; UTC unless it has an offset)."),
    ) -> views.StoryListContext:
        """Stories, filtered, sorted and paginated (``next_url`` gives the next page)."""
        return self.call(views.story_list, q=q, outlet=outlet, sort=sort, order=order, limit=limit, offset=offset, base="/api/stories", since=since)

    # --- changes and alerts (issue 14) -------------------------------------------------------

    def stories_atom(
        self,
        request: Request,
        since: datetime | None = Query(None, description="Only stories created or changed at or after this time."),
        limit: int = Query(views.ATOM_ENTRIES, ge=1, le=views.MAX_LIMIT),
    ) -> Response:
        """An Atom feed of new and updated stories, newest first."""
        body = self.call(views.stories_atom, str(request.base_url), since=since, limit=limit)
        return Response(body, media_type="application/atom+xml")

    def alerts(self) -> HTMLResponse:
        return self.render("alerts.html", page=self.call(views.alerts_page, take=False))

    def api_alerts(self, peek: bool = Query(False, description="The latest alerts, seen or not, marking nothing.")) -> views.AlertsContext:
        """Watchlist alerts not looked at yet (new stories, quotes, discrepancies); each is returned once."""
        return self.call(views.alerts_page, take=not peek)

    def api_story(self, story_id: str) -> JSONResponse:
        """The story's brief, exactly as ``storyline export --format json`` writes it."""
        brief = self.call(lambda sl: sl.brief(story_id))
        return JSONResponse(brief.as_dict())

    def api_articles(self, limit: StoryLimit = 50, offset: Offset = 0) -> views.ArticleListContext:
        """Stored articles in ingest order, without their text."""
        return self.call(views.article_list, limit=limit, offset=offset)

    def api_article(self, article_id: str) -> JSONResponse:
        """One article (a unique id prefix is enough) with its annotations, story and relations."""
        return JSONResponse(self.call(views.article_detail, article_id).as_dict())

    def api_entity(self, name: str) -> views.EntityContext:
        """One entity across the store: roles by outlet, quotes, stories, articles."""
        return self.call(views.entity_page, name)

    def api_search(
        self,
        q: str = Query(..., min_length=1, max_length=500),
        kind: SearchKind = "all",
        limit: StoryLimit = 10,
        offset: Offset = 0,
    ) -> views.SearchContext:
        """Full-text search (SQLite FTS5); snippets mark matches between U+0002 and U+0003."""
        return self.call(views.search_page, q, kind=kind, limit=limit, offset=offset, base="/api/search")


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such story, article or entity"}}


@dataclass(frozen=True)
class Route:
    """A page and its JSON twin, declared together (Datasette's ``.json`` twin): the HTML page at
    ``path`` and the JSON at ``api_path`` with its response model (in the OpenAPI document)."""

    path: str | None
    page: Callable[..., HTMLResponse] | None
    api_path: str | None
    api: Callable[..., Any] | None
    model: Any = None

    def add_to(self, app: FastAPI) -> None:
        if self.path and self.page:
            app.add_api_route(self.path, self.page, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
        if self.api_path and self.api:
            responses = NOT_FOUND if "{" in self.api_path else None
            app.add_api_route(self.api_path, self.api, methods=["GET"], response_model=self.model, responses=responses)


def create_app(db: str | Path, *, settings: Settings | None = None) -> FastAPI:
    """The web app over the store at ``db``.

    >>> from fastapi.testclient import TestClient  # doctest: +SKIP
    >>> TestClient(create_app("storyline.db")).get("/api/stories").json()["total"]  # doctest: +SKIP
    1
    """
    sl = Storyline(db, settings)
    pages = Pages(sl)

    app = FastAPI(
        title="Storyline",
        version=VERSION,
        description="Stories, briefs, articles, entities and search over one Storyline store.",
        docs_url=None,  # the Swagger UI loads from a CDN; the schema is at /api/openapi.json
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.pages = pages

    # The route table: one entry per page and its JSON twin. Entity names take the rest of the
    # path: the server decodes a quoted "/" (AC%2FDC) before routing.
    routes = [
        Route("/", pages.index, "/api/stories", pages.api_stories, views.StoryListContext),
        Route("/stories/{story_id}", pages.story, "/api/stories/{story_id}", pages.api_story, Brief),
        Route(None, None, "/api/articles", pages.api_articles, views.ArticleListContext),
        Route("/articles/{article_id}", pages.article, "/api/articles/{article_id}", pages.api_article, views.ArticleDetail),
        Route("/entities/{name:path}", pages.entity, "/api/entities/{name:path}", pages.api_entity, views.EntityContext),
        Route("/search", pages.search, "/api/search", pages.api_search, views.SearchContext),
        Route("/alerts", pages.alerts, "/api/alerts", pages.api_alerts, views.AlertsContext),
    ]
    for route in routes:
        route.add_to(app)
    app.add_api_route("/stories.atom", pages.stories_atom, methods=["GET"], response_class=Response, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return pages.render("error.html", status=404, title="Not found", message=str(exc))

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
