"""Reliability benchmark: hostile input, crashes, concurrent writers and readers, a loaded server.

``python -m bench reliability`` runs five parts and writes ``bench/results/reliability.json``:

- ``fuzz``: every reader (HTML, feeds, WARC/ARC, JSONL, text, gzip) on ``--fuzz-inputs`` inputs,
  mutated real files from ``../shared/data`` and hand-made hostile cases, through the public
  ingest path, each under a time limit (`bench.reliability.fuzz`);
- ``batches``: good articles ingested among fuzz inputs, all stored, ``PRAGMA integrity_check``;
- ``kill``: ``--kills`` x ``kill -9`` of an ingest of ``--kill-articles`` real articles, re-run after each;
- ``concurrent``: two ingests into one store at once while ``storyline serve`` reads;
- ``serve``: ``--clients`` concurrent clients for ``--serve-seconds`` on 127.0.0.1, hostile articles stored;
- ``path``: ``--path-inputs`` fuzz inputs through ``storyline ingest`` (read -> enrich -> store ->
  relate -> exit code), nothing lost or stored twice (`bench.reliability.path`);
- ``failures``: a write lock held past the timeout, a full store, a read-only store, a 4.5 MB
  one-line file (peak RSS).

Counts default to the targets of issues [3/5] and [T3 3/5]; ``--parts fuzz,serve`` runs some parts
only; ``--quick`` runs ``path`` and ``failures`` on 1,000 inputs, for iteration.
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

from bench.common import RESULTS, code_version, write_results

PARTS = ("fuzz", "batches", "kill", "concurrent", "serve", "path", "failures")
RSS_CEILING_MB = 1500


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
    parser.add_argument("--path-inputs", type=int, default=10_000, help="fuzz inputs through the whole CLI path")
    parser.add_argument("--path-full-inputs", type=int, default=1_000, help="of the path inputs, how many every enrich component sees (the rest: sentences only)")
    parser.add_argument("--quick", action="store_true", help="path and failures only, on 1,000 inputs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replay", type=int, metavar="INDEX", help="print fuzz input INDEX's verdict (with --seed) and exit")
    args = parser.parse_args(argv)
    if args.quick:
        args.parts, args.path_inputs = "path,failures", min(args.path_inputs, 1_000)
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}")

    from bench.reliability import batches, crash, fuzz, load, path

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
        if "path" in parts:
            log(f"path: {args.path_inputs} fuzz inputs through storyline ingest on {args.workers} workers")
            figures["path"] = path.whole_path(workdir, args.path_inputs, seed=args.seed, workers=args.workers, log=log, full_inputs=args.path_full_inputs)
        if "failures" in parts:
            log("failures: lock held past the timeout, full store, read-only store, 4.5 MB one-line file")
            figures["failures"] = path.failure_cases(workdir, quick=args.quick, log=log)
    command = "python -m bench reliability" + (" " + " ".join(argv) if argv else "")
    when = datetime.now(UTC).isoformat(timespec="seconds")
    commit = code_version()
    figures["runs"] = {part: {"command": command, "when": when, "commit": commit, "parameters": parameters} for part in PARTS if part in figures}
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
    if "path" in figures:
        p = figures["path"]
        out["path: 0 tracebacks, 0 lost, 0 duplicated through the CLI, integrity ok"] = (
            p["tracebacks"] == p["lost"] == p["duplicated"] == p["bad_exit_codes"] == p["stderr_not_one_line"] == p["unenriched"] == 0
            and p["integrity_check"] == "ok"
        )
    if "failures" in figures:
        f = figures["failures"]
        lock, full, ro, big = f["lock_held_past_timeout"], f["disk_full"], f["read_only_store"], f["one_line_4_5_mb"]
        out["lock past the timeout: waited with a line, one-line error, nothing lost"] = (
            lock["waited_with_a_line"] and not lock["traceback"] and lock["exit_code"] != 0 and lock["articles_after_rerun"] == lock["expected_articles"]
        )
        out["full store: one line, integrity ok, rerun stores the rest"] = full["one_line"] and full["exit_code"] != 0 and full["integrity_check"] == "ok" and full["rerun_exit_code"] == 0
        out["read-only store: browsable, writes refused in one line"] = set(ro["browse_exit_codes"].values()) == {0} and ro["ingest_one_line"] and not ro["not_a_store_reported"]
        out[f"4.5 MB one-line input: one line, peak RSS < {RSS_CEILING_MB} MB"] = big["one_line"] and big["peak_rss_mb"] < RSS_CEILING_MB
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
