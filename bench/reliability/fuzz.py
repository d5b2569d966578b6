"""Fuzz every reader through the public ingest path, in worker processes with a per-input time limit.

A worker writes each input to a file and reads it with ``storyline.ingest.read_inputs`` (what
``Storyline.ingest`` and ``storyline ingest`` call: source expansion, gzip, sniffing, the
reader, furniture removal, language). An input fails when an exception escapes (a traceback
for the user), an error message is not one line, an article is malformed (empty text, a text
that cannot be stored as UTF-8, a wrong id) or shows a resolved XXE entity; it hangs when it
takes over the time limit, and the worker is then replaced.
"""

from __future__ import annotations

import multiprocessing
import re
import resource
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil

from bench.reliability.inputs import PASSWD_MARKER, make_input

MEMORY_LIMIT = 6 * 1024**3
_ID = re.compile(r"[0-9a-f]{16}")


def check_input(index: int, seed: int, folder: Path) -> dict[str, Any]:
    """Read input ``index`` through the ingest path and judge the result."""
    from storyline.errors import InputError
    from storyline.ingest import read_inputs
    from storyline.models import Article
    from storyline.settings import Settings

    item = make_input(index, seed)
    path = folder / f"input-{index}{item.suffix}"
    path.write_bytes(item.data)
    start = time.perf_counter()
    outcome: dict[str, Any] = {"index": index, "kind": item.kind, "bytes": len(item.data), "articles": 0, "errors": 0, "problem": None}
    try:
        for result in read_inputs([str(path)], Settings()):
            if isinstance(result, InputError):
                outcome["errors"] += 1
                message = str(result)
                if "\n" in message or "\r" in message or not result.reason.strip():
                    outcome["problem"] = f"error message not one line: {message[:300]!r}"
            elif isinstance(result, Article):
                outcome["articles"] += 1
                problem = _article_problem(result)
                if problem:
                    outcome["problem"] = problem
            else:
                outcome["problem"] = f"read_inputs yielded a {type(result).__name__}"
    except BaseException as exc:  # what would reach the user as a traceback
        outcome["problem"] = "traceback: " + "".join(traceback.format_exception_only(exc)).strip()[:500]
        outcome["traceback"] = traceback.format_exc()[-3000:]
    finally:
        path.unlink(missing_ok=True)
    outcome["seconds"] = round(time.perf_counter() - start, 3)
    return outcome


def _article_problem(article: Any) -> str | None:
    if not isinstance(article.text, str) or not article.text.strip():
        return "article with empty text"
    if not _ID.fullmatch(article.id):
        return f"article id {article.id!r} is not 16 hex digits"
    for name in ("text", "title", "outlet", "url", "language"):
        value = getattr(article, name)
        if value is not None and not isinstance(value, str):
            return f"article {name} is a {type(value).__name__}, not text"
        try:
            (value or "").encode("utf-8")
        except UnicodeEncodeError:
            return f"article {name} cannot be stored as UTF-8 (lone surrogate)"
    if not all(isinstance(a, str) for a in article.authors):
        return "article authors are not all text"
    if article.published is not None and article.published.tzinfo is None:
        return "article date without a time zone"
    if PASSWD_MARKER in article.text or PASSWD_MARKER in (article.title or ""):
        return "XXE: /etc/passwd was read into an article"
    return None


def _worker(conn: Connection, seed: int, folder: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    import storyline.ingest  # noqa: F401  (import once, not inside the first input's time limit)

    while True:
        index = conn.recv()
        if index is None:
            return
        conn.send(check_input(index, seed, Path(folder)))


@dataclass
class FuzzReport:
    inputs: int = 0
    tracebacks: int = 0
    hangs: int = 0
    other_problems: int = 0
    articles: int = 0
    errors_reported: int = 0
    by_family: Counter = field(default_factory=Counter)
    seconds_by_family: Counter = field(default_factory=Counter)
    slowest: list[tuple[float, int, str]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    passed: list[tuple[int, float]] = field(default_factory=list)
    """(index, seconds) of every input that passed."""
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "tracebacks": self.tracebacks,
            "hangs": self.hangs,
            "other_problems": self.other_problems,
            "articles_read": self.articles,
            "input_errors_reported": self.errors_reported,
            "inputs_per_family": dict(sorted(self.by_family.items())),
            "mean_seconds_per_family": {k: round(self.seconds_by_family[k] / n, 3) for k, n in sorted(self.by_family.items())},
            "slowest_inputs": [{"seconds": s, "index": i, "kind": k} for s, i, k in sorted(self.slowest, reverse=True)[:5]],
            "failures": self.failures[:20],
            "seconds": round(self.seconds, 1),
        }


class _Slot:
    def __init__(self, seed: int, folder: str) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, seed, folder), daemon=True)
        self.proc.start()
        self.index: int | None = None
        self.started = 0.0
        self.cpu_at_start = 0.0

    def cpu(self) -> float:
        try:
            times = psutil.Process(self.proc.pid).cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system

    def send(self, index: int) -> None:
        self.index, self.started, self.cpu_at_start = index, time.monotonic(), self.cpu()
        self.conn.send(index)

    def hung(self, cpu_limit: float) -> bool:
        """Over ``cpu_limit`` CPU seconds on one input, or ten times that in wall time (blocked)."""
        wall = time.monotonic() - self.started
        return wall > cpu_limit and (self.cpu() - self.cpu_at_start > cpu_limit or wall > 10 * cpu_limit)

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)


def run_fuzz(count: int, *, seed: int = 0, workers: int = 2, time_limit: float = 30.0, log: Any = print) -> FuzzReport:
    """Fuzz ``count`` inputs on ``workers`` processes; an input over ``time_limit`` CPU seconds is a hang.

    CPU time, not wall time, so that a machine busy with other work does not turn slow into hung;
    an input blocked without using the CPU counts as hung after ten times the limit in wall time.
    """
    report = FuzzReport()
    start = time.monotonic()
    todo = list(range(count))
    with tempfile.TemporaryDirectory(prefix="storyline-fuzz-") as folder:
        slots = [_Slot(seed, folder) for _ in range(workers)]
        try:
            while todo or any(s.index is not None for s in slots):
                for n, slot in enumerate(slots):
                    if slot.index is None and todo:
                        slot.send(todo.pop(0))
                    elif slot.index is not None and slot.conn.poll(0.01):
                        try:
                            outcome = slot.conn.recv()
                        except EOFError:  # the worker died (killed by the kernel, a crash in C code)
                            outcome = {"index": slot.index, "kind": make_input(slot.index, seed).kind, "problem": "traceback: the worker process died", "articles": 0, "errors": 0, "seconds": 0}
                            slot.stop()
                            slots[n] = slot = _Slot(seed, folder)
                        slot.index = None
                        _record(report, outcome)
                        if report.inputs % 1000 == 0:
                            log(f"  fuzz: {report.inputs}/{count} inputs, {report.tracebacks} tracebacks, {report.hangs} hangs ({time.monotonic() - start:.0f} s)")
                    elif slot.index is not None and slot.hung(time_limit):
                        kind = make_input(slot.index, seed).kind
                        _record(report, {"index": slot.index, "kind": kind, "problem": f"hang: over {time_limit:.0f} CPU s", "hang": True, "articles": 0, "errors": 0, "seconds": time_limit})
                        slot.stop()
                        slots[n] = _Slot(seed, folder)
        finally:
            for slot in slots:
                try:
                    slot.conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
                slot.stop()
    report.seconds = time.monotonic() - start
    return report


def _record(report: FuzzReport, outcome: dict[str, Any]) -> None:
    report.inputs += 1
    report.by_family[outcome["kind"].split("/")[0]] += 1
    report.seconds_by_family[outcome["kind"].split("/")[0]] += outcome["seconds"]
    report.articles += outcome["articles"]
    report.errors_reported += outcome["errors"]
    report.slowest.append((outcome["seconds"], outcome["index"], outcome["kind"]))
    report.slowest = sorted(report.slowest, reverse=True)[:5]
    problem = outcome.get("problem")
    if not problem:
        report.passed.append((outcome["index"], outcome["seconds"]))
        return
    if outcome.get("hang"):
        report.hangs += 1
    elif problem.startswith("traceback"):
        report.tracebacks += 1
    else:
        report.other_problems += 1
    report.failures.append({k: outcome.get(k) for k in ("index", "kind", "problem", "traceback") if outcome.get(k)})
