"""Reliability benchmark: hostile input, crashes, concurrent writers and readers, a loaded server.

``python -m bench reliability`` runs five parts and writes ``bench/results/reliability.json``:

- ``fuzz``: every reader (HTML, feeds, WARC/ARC, JSONL, text, gzip) on ``--fuzz-inputs`` inputs,
  mutated real files from ``../shared/data`` and hand-made hostile cases, through the public
  ingest path, each under a time limit (`bench.reliability.fuzz`);
- ``batches``: good articles ingested among fuzz inputs, all stored, ``PRAGMA integrity_check``;
- ``kill``: ``--kills`` x ``kill -9`` of an ingest of ``--kill-articles`` real articles, re-run after each;
- ``concurrent``: two ingests into one store at once while ``storyline serve`` reads;
- ``serve``: ``--clients`` concurrent clients for ``--serve-seconds`` on 127.0.0.1, hostile articles stored.

Counts default to the targets of issue [3/5]; ``--parts fuzz,serve`` runs some parts only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import RESULTS, write_results

PARTS = ("fuzz", "batches", "kill", "concurrent", "serve")


def log(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench reliability")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}")
    parser.add_argument("--fuzz-inputs", type=int, default=10_000)
    parser.add_argument("--time-limit", type=float, default=30.0, help="CPU seconds one fuzz input may take before it counts as a hang")
    parser.add_argument("--workers", type=int, default=2, help="fuzz worker processes")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--kill-articles", type=int, default=600)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--serve-seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replay", type=int, metavar="INDEX", help="print fuzz input INDEX's verdict (with --seed) and exit")
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}")

    from bench.reliability import batches, crash, fuzz, load

    if args.replay is not None:
        with tempfile.TemporaryDirectory() as folder:
            outcome = fuzz.check_input(args.replay, args.seed, Path(folder))
        print(outcome.pop("traceback", ""), outcome, sep="\n")
        return outcome

    parameters = {k: v for k, v in vars(args).items() if k != "replay"}
    figures: dict[str, Any] = {}
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="storyline-reliability-") as folder:
        workdir = Path(folder)
        passed: list[tuple[int, float]] = []
        if "fuzz" in parts or "batches" in parts:
            log(f"fuzz: {args.fuzz_inputs} inputs on {args.workers} workers, {args.time_limit:.0f} CPU s each at most")
            report = fuzz.run_fuzz(args.fuzz_inputs, seed=args.seed, workers=args.workers, time_limit=args.time_limit, log=log)
            passed = report.passed
            if "fuzz" in parts:
                figures["fuzz"] = report.as_dict()
                log(f"  fuzz: {report.inputs} inputs, {report.tracebacks} tracebacks, {report.hangs} hangs, {report.other_problems} other problems")
        if "batches" in parts:
            log(f"batches: {args.batches} ingests of good articles among fuzz inputs")
            figures["batches"] = batches.mixed_batches(workdir, passed, seed=args.seed, batches=args.batches, log=log)
        if "kill" in parts:
            log(f"kill: {args.kills} x kill -9 during an ingest of {args.kill_articles} articles")
            figures["kill"] = crash.kill_nine(workdir, articles=args.kill_articles, kills=args.kills, seed=args.seed, log=log)
        if "concurrent" in parts:
            log("concurrent: two ingests into one store while serve reads")
            figures["concurrent"] = crash.concurrent_ingests(workdir, log=log)
        if "serve" in parts:
            log(f"serve: {args.clients} clients for {args.serve_seconds:.0f} s")
            figures["serve"] = load.serve_under_load(workdir, clients=args.clients, seconds=args.serve_seconds, seed=args.seed, log=log)
    command = "python -m bench reliability" + (" " + " ".join(argv) if argv else "")
    when = datetime.now(UTC).isoformat(timespec="seconds")
    figures["runs"] = {part: {"command": command, "when": when, "parameters": parameters} for part in PARTS if part in figures}
    figures["total_seconds"] = round(time.monotonic() - start, 1)
    if set(parts) != set(PARTS):
        figures = _merged_with_previous(figures)
    figures["verdict"] = verdict(figures)
    path = write_results("reliability", figures, command=command)
    log(f"verdict: {figures['verdict']}\nwrote {path}")
    return figures


def _merged_with_previous(figures: dict[str, Any]) -> dict[str, Any]:
    """A run of some parts keeps the other parts' figures (each part says which run made it)."""
    previous_path = RESULTS / "reliability.json"
    if not previous_path.exists():
        return figures
    previous = json.loads(previous_path.read_text(encoding="utf-8"))
    runs = previous.get("runs") or {
        part: {"command": previous.get("command"), "when": previous.get("when"), "parameters": previous.get("parameters")} for part in PARTS if part in previous
    }
    merged = {part: previous[part] for part in PARTS if part in previous and part not in figures}
    merged.update({k: v for k, v in figures.items() if k != "runs"})
    merged["runs"] = {**{p: r for p, r in runs.items() if p not in figures}, **figures["runs"]}
    merged.pop("total_seconds", None)
    return merged


def verdict(figures: dict[str, Any]) -> dict[str, bool]:
    """Each part against the issue's targets (only the parts that ran)."""
    out = {}
    if "fuzz" in figures:
        f = figures["fuzz"]
        out["fuzz: 0 tracebacks, 0 hangs, 0 other problems"] = f["tracebacks"] == f["hangs"] == f["other_problems"] == 0
    if "batches" in figures:
        b = figures["batches"]
        out["batches: every good article stored, integrity ok"] = b["good_articles_missing"] == b["tracebacks"] == 0 and b["integrity_check"] == "ok"
    if "kill" in figures:
        k = figures["kill"]
        out["kill -9: 0 lost, 0 duplicated, all enriched, stories consistent"] = not k["problems"] and k["lost"] == k["duplicated"] == k["unenriched"] == 0
    if "concurrent" in figures:
        c = figures["concurrent"]
        out["concurrent: 0 errors, 0 lost"] = not c["problems"] and c["serve_read_errors"] == 0
    if "serve" in figures:
        s = figures["serve"]
        out["serve: 0 errors, nothing rendered live"] = s["errors"] == 0 and s["hostile_payloads_rendered_live"] == 0 and not s["first_pass_problems"]
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
