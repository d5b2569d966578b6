"""Real polnear articles written as a JSONL input, for the engine tests."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tests.conftest import ROOT, SHARED_DATA

POLNEAR = SHARED_DATA / "polnear"


def polnear_jsonl(path: Path, n: int) -> Path:
    """The first ``n`` polnear articles (dev, then train) as JSONL with their title, outlet and date."""
    rows = []
    for split in ("dev", "train"):
        with open(POLNEAR / f"polnear.{split}.jsonl", encoding="utf-8") as f:
            for line in f:
                rows.append(json.loads(line))
                if len(rows) == n:
                    break
        if len(rows) == n:
            break
    with open(path, "w", encoding="utf-8") as out:
        for r in rows:
            record = {"id": r["filename"], "text": r["text"], "title": r["title"], "outlet": r["publisher"], "published": r["publication_date"]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **extra)
    env.pop("STORYLINE_DB", None)
    return env


PYTHON = sys.executable
