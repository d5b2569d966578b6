"""``python -m bench [NAME ...]``: run the named benchmarks (default: all)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["extraction", "quotes", "clustering", "brief", "throughput", "soak", "reliability"]


def main(argv: list[str]) -> int:
    # ``python -m bench throughput --sizes 1000``: options after one name go to that benchmark.
    options = argv[1:] if len(argv) > 1 and argv[1].startswith("-") else []
    names = (argv[:1] if options else argv) or BENCHMARKS
    for name in names:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        module.main(options)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
