"""Soak benchmark: a simulated day of news feeds, watched end to end.

Real texts (PolNeAR dev and train, ECB+ train, under ``/work/shared/data``) are released one by
one over a simulated day and published as Atom feeds (one per outlet, the latest
``FEED_WINDOW`` entries each, with ETags) by a local HTTP server on 127.0.0.1. A `Watcher`
polls them every simulated 10 minutes: 144 cycles, driven back to back without real waiting
(and without the per-host delay, since every feed is on one host). Midday, some released
articles get a correction paragraph (same entry id: a new version), and one feed answers
HTTP 500 for an hour (backoff, then recovery). A watchlist is set before the day starts.

Figures: articles per cycle, cycle seconds (mean, p50, p95, max), the requests and 304s the
server saw, versions, alerts, resident memory after each cycle, and a check that every
released text is stored exactly once. Written to ``bench/results/soak.json``.

Run: ``python -m bench soak [--articles 480] [--cycles 144] [--feeds 8]``
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import statistics
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
from feedgen.feed import FeedGenerator

from bench.common import DATA, write_results

SOURCES = [DATA / "polnear" / "polnear.dev.jsonl", DATA / "polnear" / "polnear.train.jsonl", DATA / "ecbplus" / "ecbplus.train.jsonl"]
DAY = datetime(2025, 12, 1, tzinfo=timezone.utc)
EVERY = timedelta(minutes=10)
FEED_WINDOW = 30
CORRECTION = "Correction: an earlier version of this article misstated the day of the meeting."


def load_texts(limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` texts, taken in turn from each source so the day mixes PolNeAR and ECB+."""
    per_source: list[list[dict[str, Any]]] = []
    for path in SOURCES:
        rows = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                text = r["text"].strip()
                if len(text.split()) < 150:  # feeds carry full text; shorter items would be left out as teasers
                    continue
                name = r.get("filename") or r.get("doc_id")
                rows.append({"key": str(name), "text": text, "title": r.get("title") or text.split("\n", 1)[0][:120], "outlet": r.get("publisher") or f"ECB+ wire {int(r['topic']) % 3}"})
        per_source.append(rows)
    mixed: list[dict[str, Any]] = []
    while len(mixed) < limit and any(per_source):
        for rows in per_source:
            if rows and len(mixed) < limit:
                mixed.append(rows.pop(0))
    return mixed


class Feeds:
    """The feed server's content: per feed, the entries released so far (latest first)."""

    def __init__(self, feeds: int) -> None:
        self.entries: list[list[dict[str, Any]]] = [[] for _ in range(feeds)]
        self.bodies: dict[str, bytes] = {}
        self.failing: set[str] = set()
        self.lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()

    def path(self, n: int) -> str:
        return f"/feeds/{n}.atom"

    def release(self, feed: int, item: dict[str, Any]) -> None:
        self.entries[feed].insert(0, item)

    def render(self) -> None:
        """Rebuild every feed's XML (the bytes, so the ETag, change only when its entries do)."""
        with self.lock:
            for n, items in enumerate(self.entries):
                feed = FeedGenerator()
                feed.id(f"urn:soak:feed:{n}")
                feed.title(f"Soak feed {n}")
                feed.link(href=f"https://soak.example/{n}/", rel="alternate")
                window = items[:FEED_WINDOW]
                feed.updated(max((i["published"] for i in window), default=DAY))
                for item in reversed(window):
                    entry = feed.add_entry()
                    entry.id(item["guid"])
                    entry.title(item["title"])
                    entry.link(href=item["link"])
                    entry.published(item["published"])
                    entry.updated(item["published"])
                    entry.author({"name": item["outlet"]})
                    entry.content("".join(f"<p>{html.escape(p)}</p>" for p in item["text"].split("\n") if p.strip()), type="html")
                self.bodies[self.path(n)] = feed.atom_str()

    def serve(self) -> ThreadingHTTPServer:
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                feeds.requests[self.path] += 1
                with feeds.lock:
                    body = feeds.bodies.get(self.path)
                    failing = self.path in feeds.failing
                if body is None or failing:
                    self.send_error(500 if failing else 404)
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                if self.headers.get("If-None-Match") == etag:
                    feeds.not_modified[self.path] += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/atom+xml")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)
                feeds.sent[self.path] += 1

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(articles: int, cycles: int, feed_count: int) -> dict[str, Any]:
    from storyline import Storyline
    from storyline.settings import Settings
    from storyline.watch import Watcher

    texts = load_texts(articles)
    # Release times spread over the day, denser in the morning and evening news peaks.
    span = cycles * EVERY
    times = sorted(DAY + span * ((i + 0.5) / len(texts)) ** 1.15 for i in range(len(texts)))
    for i, (item, when) in enumerate(zip(texts, times, strict=True)):
        item.update(guid=f"urn:soak:{item['key']}", link=f"https://soak.example/a/{i}", published=when, feed=i % feed_count)
    feeds = Feeds(feed_count)
    server = feeds.serve()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    failing_feed = feeds.path(0)
    fail_from, fail_to = cycles // 3, cycles // 3 + 6  # an hour of HTTP 500
    correct_at = cycles // 2
    corrected: list[dict[str, Any]] = []
    process = psutil.Process()
    per_cycle: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, Storyline(Path(tmp) / "soak.db", Settings(allow_private_addresses=True)) as sl:
        for term in ("Donald Trump", "Hillary Clinton", "earthquake"):
            sl.add_to_watchlist(term)
        watcher = Watcher(sl, [base + feeds.path(n) for n in range(feed_count)], every=EVERY.total_seconds(), delay=0, sleep=lambda _: None)
        released = 0
        started = time.perf_counter()
        for number in range(1, cycles + 1):
            now = DAY + number * EVERY
            while released < len(texts) and texts[released]["published"] <= now:
                feeds.release(texts[released]["feed"], texts[released])
                released += 1
            if number == correct_at:  # ten released articles get a correction: new versions
                for item in texts[max(0, released - 40) : released : 4][:10]:
                    item["text"] = item["text"] + "\n" + CORRECTION
                    # Only an article stored before its correction can become a second version.
                    item["stored_before"] = sl.store.find_by_origin(item["link"]) is not None
                    corrected.append(item)
            feeds.failing = {failing_feed} if fail_from <= number < fail_to else set()
            feeds.render()
            report = watcher.cycle()
            rss = process.memory_info().rss / 1e6
            per_cycle.append(
                {
                    "cycle": number,
                    "seconds": round(report.seconds, 3),
                    "new": len(report.new),
                    "updated": len(report.updated),
                    "duplicates": report.duplicates,
                    "not_modified": report.not_modified,
                    "failed_sources": report.failed_sources,
                    "waiting": report.waiting,
                    "alerts": len(report.alerts),
                    "rss_mb": round(rss, 1),
                }
            )
            if number % 12 == 0 or report.errors:
                print(report.line(), flush=True)
        # A last cycle after the day, so whatever the failing feed held back arrives.
        feeds.failing = set()
        feeds.render()
        tail = [watcher.cycle() for _ in range(8)]
        wall = time.perf_counter() - started
        stored = sl.store.count_articles()
        versions = sum(1 for item in corrected if len(sl.article_history(sl.store.find_by_origin(item["link"]) or "")) == 2)
        stories = len(sl.reader.list_stories())
        watcher.close()
    server.shutdown()
    server.server_close()
    seconds = [c["seconds"] for c in per_cycle]
    busy = [c for c in per_cycle if c["new"] or c["updated"]]
    return {
        "corpus": {"texts": len(texts), "sources": [str(p.relative_to(DATA)) for p in SOURCES], "feeds": feed_count, "feed_window": FEED_WINDOW},
        "simulated": {"cycles": cycles, "every_minutes": EVERY.total_seconds() / 60, "failing_feed_cycles": [fail_from, fail_to], "corrections_at_cycle": correct_at},
        "wall_seconds": round(wall, 1),
        "articles": {
            "released": released,
            "stored": stored,
            "lost": released - stored,
            "new_in_day_cycles": sum(c["new"] for c in per_cycle),
            "new_in_tail_cycles": sum(len(r.new) for r in tail),
            "corrected": len(corrected),
            "corrected_after_being_stored": sum(1 for item in corrected if item["stored_before"]),
            "stored_as_new_versions": versions,
        },
        "articles_per_cycle": {
            "mean": round(statistics.mean(c["new"] for c in per_cycle), 2),
            "max": max(c["new"] for c in per_cycle),
            "cycles_with_new": len(busy),
        },
        "cycle_seconds": {
            "mean": round(statistics.mean(seconds), 3),
            "p50": round(percentile(seconds, 0.5), 3),
            "p95": round(percentile(seconds, 0.95), 3),
            "max": round(max(seconds), 3),
            "mean_idle_cycle": round(statistics.mean([c["seconds"] for c in per_cycle if not (c["new"] or c["updated"])] or [0.0]), 3),
            "per_new_article": round(sum(c["seconds"] for c in busy) / max(1, sum(c["new"] + c["updated"] for c in busy)), 3),
        },
        "http": {
            "requests": sum(feeds.requests.values()),
            "not_modified": sum(feeds.not_modified.values()),
            "bodies_sent": sum(feeds.sent.values()),
            "failed_polls_during_outage": sum(c["failed_sources"] for c in per_cycle[fail_from - 1 : fail_to - 1]),
        },
        "stories": stories,
        "alerts": sum(c["alerts"] for c in per_cycle) + sum(len(r.alerts) for r in tail),
        "memory_mb": {
            "rss_after_first_cycle": per_cycle[0]["rss_mb"],
            "rss_after_last_cycle": per_cycle[-1]["rss_mb"],
            "rss_peak_sampled": max(c["rss_mb"] for c in per_cycle),
            "rss_growth_second_half": round(per_cycle[-1]["rss_mb"] - per_cycle[len(per_cycle) // 2]["rss_mb"], 1),
        },
        "per_cycle": per_cycle,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench soak")
    parser.add_argument("--articles", type=int, default=480, help="texts released over the day")
    parser.add_argument("--cycles", type=int, default=144, help="cycles in the simulated day (10 minutes each)")
    parser.add_argument("--feeds", type=int, default=8)
    args = parser.parse_args(argv)
    figures = run(args.articles, args.cycles, args.feeds)
    command = "python -m bench soak" + (" " + " ".join(argv) if argv else "")
    path = write_results("soak", figures, command=command)
    summary = {k: v for k, v in figures.items() if k != "per_cycle"}
    print(json.dumps(summary, indent=2))
    print(f"written {path}")
