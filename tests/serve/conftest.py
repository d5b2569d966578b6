"""Fixtures for the web UI: a seed store with one hostile article, the app, a live server, a browser."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline import Storyline
from tests.conftest import SEEDS
from storyline.serve.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Every way an article could try to run code in the reader's browser: each sets window.__pwned.
HOSTILE_TITLE = "<script>window.__pwned='title'</script> Bake sale <img src=x onerror=\"window.__pwned='img'\">"
HOSTILE = {
    "title": HOSTILE_TITLE,
    "url": "javascript:window.__pwned='url'",
    "outlet": "<b onmouseover=\"window.__pwned='outlet'\">Evil Gazette</b>",
    "authors": ["<svg onload=\"window.__pwned='author'\">"],
    "text": (
        "The village bake sale raised money for the library roof on Saturday. "
        "<script>window.__pwned='text'</script> Organisers said the lemon cakes sold out first. "
        "Visit <a href=\"javascript:window.__pwned='link'\">our page</a> or javascript:window.__pwned='bare' for details. "
        "<img src=x onerror=\"window.__pwned='text-img'\"> The treasurer, Jane Baker, said: \"We <b>beat</b> last year's total.\"\n\n"
        "Next year the sale moves to the school hall, and volunteers hope to bake more bread and scones than ever before. "
        "Local bakers donated flour, sugar and eggs, and the library thanked every family who came along to help. "
        "The Sydney-based band AC/DC sent a signed guitar for the raffle, guitarist Angus Young said."
    ),
}


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles plus one hostile article (its own story), ingested like any other."""
    path = tmp_path_factory.mktemp("web") / "web.db"
    hostile = path.parent / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    with Storyline(path) as sl:
        report = sl.ingest([str(SEEDS), str(hostile)])
        assert report.failed == 0, report.errors
    return path


@pytest.fixture(scope="session")
def app(web_db: Path):
    return create_app(web_db)


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def seed_story_id(client: TestClient) -> str:
    """The seed story: the largest one (the seed articles; the hostile one stands alone)."""
    stories = client.get("/api/stories", params={"sort": "size"}).json()["stories"]
    assert stories[0]["size"] >= 3, stories
    return stories[0]["id"]


@pytest.fixture(scope="session")
def hostile_article_id(client: TestClient) -> str:
    rows = client.get("/api/articles", params={"limit": 200}).json()["articles"]
    return next(r["id"] for r in rows if "Bake sale" in (r["title"] or ""))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(web_db: Path) -> Iterator[str]:
    """``storyline serve`` on 127.0.0.1 and a free port, in a thread."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(web_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless chromium driven by Playwright (no browser download, ever)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, live_server: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    p = context.new_page()
    p.set_default_timeout(10_000)
    yield p
    context.close()


@pytest.fixture()
def output_dir(request: pytest.FixtureRequest) -> Path:
    """Where a test leaves screenshots: test-output/<test name>/ (git-ignored)."""
    path = Path(__file__).resolve().parents[2] / "test-output" / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    return path
