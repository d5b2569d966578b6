"""``storyline serve`` under many concurrent clients, over a store holding hostile articles.

The store has the seed story plus articles whose title, outlet, authors, URL, text and quotes
carry script payloads. Clients (httpx async, 127.0.0.1 only) loop over every kind of page and
API response until the deadline; each response is checked: HTTP 200, the security headers, and
for HTML that no payload appears unescaped (a live ``<script>``, an event handler attribute, a
``javascript:`` link).
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import statistics
import subprocess
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psutil

from bench.common import DATA
from bench.reliability.crash import cli, cli_env, start_server

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert('xss')>",
    "\"><svg onload=alert('xss')>",
    "'><iframe src=javascript:alert('xss')></iframe>",
    "</textarea></title></style><script>alert('xss')</script>",
]
LIVE_TAGS = {"script", "iframe", "object", "embed", "img", "textarea", "style", "base"}
"""Tags the pages never use themselves: in the parsed page, one of them is a payload gone live."""


class _LiveContent(HTMLParser):
    """Finds what a browser would run or load from a page: the elements and attributes, not the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in LIVE_TAGS:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on") or name == "http-equiv":
                self.found.append(f"{name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.found.append(f"{name}={value!r} on <{tag}>")


def live_content(page: str) -> list[str]:
    parser = _LiveContent()
    parser.feed(page)
    parser.close()
    return parser.found

BODY = (
    "Secretary of State Marco Rubio met Ukrainian officials in Geneva on Sunday to discuss the peace plan. "
    "“{payload} The talks were productive,” Rubio said. "
    "Rustem Umerov, Ukraine's national security chief, thanked the American delegation {payload} for its work. "
    "The officials said 28 points of the plan were discussed and more meetings would follow this week."
)


def hostile_jsonl(path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for n, payload in enumerate(PAYLOADS):
            record = {
                "text": "\n\n".join(BODY.format(payload=payload) + f" Report {n} {k}." for k in range(3)),
                "title": f"{payload} Rubio hails Geneva talks {n}",
                "outlet": f"Outlet {payload}",
                "authors": [f"Reporter {payload}"],
                "url": "javascript:alert('xss')" if n == 0 else f"https://example.com/{quote(payload)}",
                "published": "2025-11-24T10:00:00Z",
            }
            out.write(json.dumps(record) + "\n")


def _hostile_problem(path: str, response: httpx.Response) -> str | None:
    if response.status_code != 200:
        return f"{path}: HTTP {response.status_code}"
    if response.headers.get("x-content-type-options") != "nosniff":
        return f"{path}: no X-Content-Type-Options: nosniff"
    kind = response.headers.get("content-type", "")
    if "text/html" in kind:
        csp = response.headers.get("content-security-policy", "")
        if "default-src 'none'" not in csp or "unsafe-inline" in csp.replace("style-src 'self'", ""):
            return f"{path}: weak Content-Security-Policy {csp!r}"
        found = live_content(response.text)
        if found:
            return f"{path}: payload rendered live: {', '.join(found[:3])}"
    elif "application/json" not in kind and "text/css" not in kind:
        return f"{path}: unexpected content type {kind!r}"
    return None


def _paths(base: str) -> list[str]:
    """Every page kind, for every story, a sample of articles, the hostile entities, and searches."""
    with httpx.Client(base_url=base, timeout=60) as client:
        stories = client.get("/api/stories").json()["stories"]
        articles = client.get("/api/articles", params={"limit": 200}).json()["articles"]
        paths = ["/", "/api/stories", "/api/articles", "/search?q=alert", "/api/search?q=script", "/search?q=%3Cscript%3E", "/?q=%3Cscript%3E&sort=last_seen", "/static/app.css"]
        for story in stories:
            paths += [f"/stories/{story['id']}", f"/api/stories/{story['id']}"]
        for article in articles:
            paths += [f"/articles/{article['id']}", f"/api/articles/{article['id']}", f"/articles/{article['id']}?hl=0-40"]
        brief = client.get(f"/api/stories/{stories[0]['id']}").json() if stories else {}
        for entity in brief.get("entities", [])[:8]:
            paths += [f"/entities/{quote(entity['name'], safe='')}", f"/api/entities/{quote(entity['name'], safe='')}"]
    return paths


def serve_under_load(workdir: Path, *, clients: int = 200, seconds: float = 60.0, seed: int = 0, log: Any = print) -> dict[str, Any]:
    """``clients`` concurrent clients for ``seconds`` against ``storyline serve`` on 127.0.0.1."""
    db, hostile = workdir / "serve.db", workdir / "hostile.jsonl"
    hostile_jsonl(hostile)
    for inputs in ([str(DATA / "seeds")], [str(hostile)]):
        done = subprocess.run(cli("--db", str(db), "ingest", "-q", *inputs), env=cli_env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"ingest failed: {done.stderr[-500:]}")
    server, base = start_server(db)
    try:
        paths = _paths(base)
        # Every response kind checked once before the load, then every response under load.
        with httpx.Client(base_url=base, timeout=60) as client:
            first_pass = [p for p in (_hostile_problem(path, client.get(path)) for path in paths) if p]
        peak = {"rss": 0}
        stop = threading.Event()

        def sample_rss() -> None:
            process = psutil.Process(server.pid)
            while not stop.is_set():
                try:
                    peak["rss"] = max(peak["rss"], process.memory_info().rss)
                except psutil.Error:
                    return
                stop.wait(0.2)

        sampler = threading.Thread(target=sample_rss, daemon=True)
        sampler.start()
        result = asyncio.run(_load(base, paths, clients, seconds, seed))
        stop.set()
        sampler.join(5)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    latencies = sorted(result.pop("latencies"))
    figures = {
        "clients": clients,
        "seconds": seconds,
        "distinct_paths": len(paths),
        "requests": len(latencies) + result["errors"],
        "errors": result["errors"],
        "error_samples": result["error_samples"],
        "hostile_payloads_rendered_live": result["live"] + sum("rendered live" in p for p in first_pass),
        "first_pass_problems": first_pass[:10],
        "requests_per_s": round(len(latencies) / seconds, 1),
        "latency_ms": {
            "p50": round(1000 * statistics.median(latencies), 1) if latencies else None,
            "p99": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1) if latencies else None,
            "max": round(1000 * latencies[-1], 1) if latencies else None,
        },
        "server_peak_rss_mb": round(peak["rss"] / 2**20, 1),
    }
    log(f"  serve: {figures['requests']} requests by {clients} clients in {seconds:.0f} s, {figures['errors']} errors, p99 {figures['latency_ms']['p99']} ms, peak RSS {figures['server_peak_rss_mb']} MB")
    return figures


async def _load(base: str, paths: list[str], clients: int, seconds: float, seed: int) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    state: dict[str, Any] = {"errors": 0, "live": 0, "error_samples": []}
    # Idle connections expire before uvicorn's 5 s keep-alive closes them, as browsers do: with
    # equal timeouts a request can go out on a connection the server is closing (a ReadError).
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0)

    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60.0), limits=limits) as client:

        async def one_client(number: int) -> None:
            rng = random.Random(seed * 10_000 + number)
            for _ in range(100_000):  # bounded, and the deadline ends it long before
                if time.monotonic() >= deadline:
                    return
                path = rng.choice(paths)
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    problem = _hostile_problem(path, response)
                except httpx.HTTPError as exc:
                    problem = f"{path}: {type(exc).__name__}: {exc}"
                if problem:
                    state["errors"] += 1
                    state["live"] += "rendered live" in problem
                    if len(state["error_samples"]) < 5:
                        state["error_samples"].append(problem[:300])
                else:
                    latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(one_client(n) for n in range(clients)))
    state["latencies"] = latencies
    return state
