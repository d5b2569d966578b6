"""A local feed server for the watch tests: 127.0.0.1 only, with ETag / Last-Modified
validators, switchable errors and delays, and counts of what it answered."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes
    content_type: str = "application/rss+xml"
    validators: str = "etag"
    """``etag``, ``last-modified`` or ``none``."""
    status: int = 200
    delay: float = 0.0
    modified: float = 0.0

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.bodies: Counter[str] = Counter()
        self.posts: list[bytes] = []
        self.post_status: list[int] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests[self.path] += 1
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.status != 200:
                    self.send_error(route.status)
                    return
                if route.validators == "etag" and self.headers.get("If-None-Match") == route.etag:
                    return self._not_modified()
                last_modified = formatdate(route.modified, usegmt=True)
                if route.validators == "last-modified" and self.headers.get("If-Modified-Since") == last_modified:
                    return self._not_modified()
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.validators == "etag":
                    self.send_header("ETag", route.etag)
                if route.validators == "last-modified":
                    self.send_header("Last-Modified", last_modified)
                self.end_headers()
                self.wfile.write(route.body)
                server.bodies[self.path] += 1

            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = server.post_status.pop(0) if server.post_status else 200
                if status == 200:
                    server.posts.append(data)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _not_modified(self) -> None:
                server.not_modified[self.path] += 1
                self.send_response(304)
                self.end_headers()

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that timed out on a slow route closed its socket: expected

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path: str, body: bytes, **options: object) -> str:
        route = Route(body, **options)  # type: ignore[arg-type]
        route.modified = route.modified or time.time()
        self.routes[path] = route
        return self.url(path)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
