"""The throughput bench's two measured programs besides ``storyline ingest`` (run as subprocesses).

``python -m bench.spacy_alone CORPUS.jsonl --workers N --pipes a,b --models m1,m2``: spaCy alone
on the corpus texts — the spaCy pipes Storyline loads, as `storyline.enrich.nlp.load_nlp` loads
them, in ``N`` forked worker processes each loading the pipeline once, ``nlp.pipe`` over batches
of ``--batch-size`` texts. Only spaCy and that one loader module are imported: not the
``storyline`` package, whose import is part of what the ingest costs beyond spaCy.

``python -m bench.spacy_alone --relate STORE.db``: the relate stage alone over a stored corpus
(`Storyline.regroup`), its CPU seconds in this process.

Each prints one JSON object.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import sys
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_NLP: Any = None


def _loader() -> Any:
    """``storyline/enrich/nlp.py`` as a module of its own, without running the package's ``__init__``s."""
    package = types.ModuleType("storyline")
    package.__path__ = [str(ROOT / "storyline")]
    sys.modules.setdefault("storyline", package)
    for name, path in (("storyline.errors", "errors.py"), ("storyline_nlp", "enrich/nlp.py")):
        spec = importlib.util.spec_from_file_location(name, ROOT / "storyline" / path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules["storyline_nlp"]


def _init(models: tuple[str, ...], pipes: frozenset[str]) -> None:
    global _NLP
    _NLP = _loader().load_nlp(models, pipes)


def _annotate(texts: list[str]) -> int:
    return sum(len(doc) for doc in _NLP.pipe(texts, batch_size=16))


def spacy_alone(corpus: Path, workers: int, models: tuple[str, ...], pipes: frozenset[str], batch_size: int) -> dict[str, Any]:
    _loader()  # spaCy imported before the fork, as in the ingest process
    with open(corpus, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]
    start = time.perf_counter()
    if workers <= 1:
        _init(models, pipes)
        tokens = sum(map(_annotate, batches))
    else:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_init, initargs=(models, pipes)) as pool:
            tokens = sum(pool.imap(_annotate, batches))
            pool.close()
            pool.join()
    return {"texts": len(texts), "tokens": tokens, "pipes": sorted(pipes), "seconds": round(time.perf_counter() - start, 1)}


def relate_alone(db: Path) -> dict[str, Any]:
    from storyline import Storyline

    with Storyline(db) as sl:
        articles = sl.reader.count_articles()
        start = time.process_time()
        stories = sl.regroup()
        cpu = time.process_time() - start
    return {"articles": articles, "stories": len(stories), "cpu_s": round(cpu, 2)}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.spacy_alone")
    parser.add_argument("path", type=Path)
    parser.add_argument("--relate", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pipes", default="")
    parser.add_argument("--models", default="en_core_web_sm")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    if args.relate:
        result = relate_alone(args.path)
    else:
        result = spacy_alone(args.path, args.workers, tuple(args.models.split(",")), frozenset(args.pipes.split(",")), args.batch_size)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
