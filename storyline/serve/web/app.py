"""The FastAPI application: one route table, one view per page, a JSON API under ``/api/``.

Article text and metadata are untrusted. Jinja2 autoescapes every template, links from
articles are rendered only when they are http(s), and every response carries a strict
Content-Security-Policy: no script at all, styles only from ``/static``.

One error boundary: a `StorylineError` answers with its class's ``http_status`` (400 for a bad
parameter, 404 for an unknown id, 503 for a busy store), an unexpected SQLite error with 503 and
anything else with 500, each as a page or as JSON under ``/api/``, always with the security
headers. Absolute URLs (the Atom feed's) come from the configured ``base_url``, never from the
request's ``Host:`` header.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import quote, urlsplit
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Body, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from storyline.api import Storyline
from storyline.errors import InvalidParameter, NotFound, StorylineError
from storyline.models import Brief
from storyline.serve.render import outlet_column, outlet_summary
from storyline.serve.web import views
from storyline.settings import Settings
from storyline.reader import SNIPPET_END, SNIPPET_START

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

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
SEARCH_CONNECTIONS = 2
"""Search runs on its own connections, so a slow query never holds the lock the other pages read under."""

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
    """The views: each reads the store under one lock (one SQLite connection), then renders;
    search reads on connections of its own (WAL lets readers run side by side)."""

    def __init__(self, sl: Storyline, *, base_url: str = DEFAULT_BASE_URL, open_reader: Callable[[], Storyline] | None = None) -> None:
        self.sl = sl
        self.lock = threading.Lock()
        self.templates = make_templates()
        self.base_url = base_url.rstrip("/")
        self._open_reader = open_reader
        self._readers: queue.LifoQueue[Storyline] = queue.LifoQueue()
        self._reader_slots = threading.Semaphore(SEARCH_CONNECTIONS)

    def call(self, view: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return view(self.sl, *args, **kwargs)

    @contextmanager
    def reader(self) -> Iterator[Storyline]:
        """A search connection from the pool (opened on first use); the shared one when there is no pool."""
        if self._open_reader is None:
            with self.lock:
                yield self.sl
            return
        with self._reader_slots:
            try:
                sl = self._readers.get_nowait()
            except queue.Empty:
                sl = self._open_reader()
            try:
                yield sl
            finally:
                self._readers.put(sl)

    def search_call(self, *args: Any, **kwargs: Any) -> views.SearchContext:
        with self.reader() as sl:
            return views.search_page(sl, *args, **kwargs)

    def close(self) -> None:
        while not self._readers.empty():
            self._readers.get_nowait().close()

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

    def moved(self, request: Request, story_id: str, base: str) -> Response | None:
        """A permanent redirect when ``story_id`` was merged into another story (it is now an alias
        of that story's id), so bookmarks and feed links to an old id keep working."""
        current: str | None = self.call(lambda sl: sl.reader.story_alias_target(story_id))
        if current is None:
            return None
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{base}/{quote(current, safe='')}{query}", status_code=308)

    def story(self, request: Request, story_id: str) -> Response:
        if (redirect := self.moved(request, story_id, "/stories")) is not None:
            return redirect
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
        ctx = self.search_call(q, kind=kind, limit=limit, offset=offset) if q.strip() else None
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
        since: datetime | None = Query(None, description="Only stories created or changed at or after this time."),
        limit: int = Query(views.ATOM_ENTRIES, ge=1, le=views.MAX_LIMIT),
    ) -> Response:
        """An Atom feed of new and updated stories, newest first."""
        body = self.call(views.stories_atom, self.base_url, since=since, limit=limit)
        return Response(body, media_type="application/atom+xml")

    def alerts(self) -> HTMLResponse:
        return self.render("alerts.html", page=self.call(views.alerts_page, unseen=False))

    def api_alerts(self, include_seen: bool = Query(False, description="The latest 100 alerts, acknowledged or not (what /alerts shows).")) -> views.AlertsContext:
        """Watchlist alerts not acknowledged yet (new stories, quotes, discrepancies), oldest first.
        Reading marks nothing: ``POST /api/alerts/ack`` acknowledges them."""
        return self.call(views.alerts_page, unseen=not include_seen)

    def api_alerts_ack(self, request: Request, ack: Annotated[views.AlertAck, Body()]) -> views.AlertAckResult:
        """Mark alerts seen: ``{"ids": [1, 2]}`` or ``{"ids": "all"}``. The body must be JSON
        (``Content-Type: application/json``), which no cross-site form or image can send."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise UnsupportedMediaType("acknowledging alerts takes a JSON body (Content-Type: application/json)")
        return self.call(views.acknowledge_alerts, ack)

    def api_story(self, request: Request, story_id: str) -> Response:
        """The story's brief, exactly as ``storyline export --format json`` writes it; a story id
        merged into another redirects (308) to that story's."""
        if (redirect := self.moved(request, story_id, "/api/stories")) is not None:
            return redirect
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
        q: str = Query(..., min_length=1, max_length=views.MAX_QUERY_CHARS),
        kind: SearchKind = "all",
        limit: StoryLimit = 10,
        offset: Offset = 0,
    ) -> views.SearchContext:
        """Full-text search (SQLite FTS5); snippets mark matches between U+0002 and U+0003."""
        return self.search_call(q, kind=kind, limit=limit, offset=offset, base="/api/search")


class UnsupportedMediaType(InvalidParameter):
    http_status = 415


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such story, article or entity"}}
BAD_PARAMETER: dict[int | str, dict[str, Any]] = {400: {"description": "A parameter Storyline cannot use (e.g. a time out of range)"}}


@dataclass(frozen=True)
class Route:
    """A page and its JSON twin, declared together (Datasette's ``.json`` twin): the HTML page at
    ``path`` and the JSON at ``api_path`` with its response model (in the OpenAPI document)."""

    path: str | None
    page: Callable[..., Response] | None
    api_path: str | None
    api: Callable[..., Any] | None
    model: Any = None

    def add_to(self, app: FastAPI) -> None:
        if self.path and self.page:
            app.add_api_route(self.path, self.page, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
        if self.api_path and self.api:
            responses = {**(NOT_FOUND if "{" in self.api_path else {}), **BAD_PARAMETER}
            app.add_api_route(self.api_path, self.api, methods=["GET"], response_model=self.model, responses=responses)


def check_base_url(base_url: str) -> str:
    """``base_url`` without its trailing slash, or `InvalidParameter` when it is not http(s)://HOST[/PATH]."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InvalidParameter(f"base URL {base_url!r} is not an http(s)://HOST[:PORT][/PATH] address")
    return base_url.strip().rstrip("/")


def create_app(db: str | Path, *, settings: Settings | None = None, base_url: str = DEFAULT_BASE_URL) -> FastAPI:
    """The web app over the store at ``db``; ``base_url`` is where readers reach it (the Atom
    feed's absolute links).

    >>> from fastapi.testclient import TestClient  # doctest: +SKIP
    >>> TestClient(create_app("storyline.db")).get("/api/stories").json()["total"]  # doctest: +SKIP
    1
    """
    base_url = check_base_url(base_url)
    sl = Storyline(db, settings)
    pages = Pages(sl, base_url=base_url, open_reader=lambda: Storyline(db, settings))

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
    app.add_api_route(
        "/api/alerts/ack",
        pages.api_alerts_ack,
        methods=["POST"],
        response_model=views.AlertAckResult,
        responses={**BAD_PARAMETER, 415: {"description": "The body is not JSON"}},
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def error_response(request: Request, status: int, title: str, message: str, headers: dict[str, str] | None = None) -> Response:
        # The 500 handler runs outside the middleware that adds the headers: set them here.
        headers = {**SECURITY_HEADERS, **(headers or {})}
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status, headers=headers)
        response = pages.render("error.html", status=status, title=title, message=message)
        response.headers.update(headers)
        return response

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, "Not found", str(exc))

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        status = getattr(exc, "http_status", 400)
        retry = {"Retry-After": "5"} if status == 503 else None
        return error_response(request, status, "Store unavailable" if status == 503 else "Cannot answer that", str(exc), retry)

    @app.exception_handler(sqlite3.OperationalError)
    async def store_unavailable(request: Request, exc: sqlite3.OperationalError) -> Response:
        return error_response(request, 503, "Store unavailable", f"the store cannot answer now ({exc}); try again shortly", {"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 500, "Server error", "something went wrong on the server; the error is logged")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
