"""An article too long to enrich in bounded memory is refused in Storyline's words; a long one under
the cap is enriched in chunks whose joined document keeps every offset true."""

from __future__ import annotations

import json
import resource
import subprocess
from pathlib import Path

from storyline.enrich import Enricher
from storyline.enrich.pipeline import _chunks
from storyline.models import Article
from storyline.settings import Settings
from tests.engine.corpus import PYTHON, cli_env, polnear_jsonl

CEILING_MB = 1500


def _one_line(tmp_path: Path, chars: int) -> str:
    """Real articles joined into one line (no paragraph breaks) of ``chars`` characters."""
    rows = polnear_jsonl(tmp_path / "rows.jsonl", 300).read_text(encoding="utf-8").splitlines()
    text = " ".join(json.loads(r)["text"].replace("\n", " ") for r in rows)
    while len(text) < chars:
        text += " " + text
    return text[:chars]


def test_a_4_5_mb_one_line_file_is_refused_in_one_line_under_the_memory_ceiling(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(_one_line(tmp_path, 4_500_000), encoding="utf-8")
    done = subprocess.run(
        [PYTHON, "-m", "storyline", "--db", str(tmp_path / "s.db"), "ingest", "-q", str(big)],
        env=cli_env(), capture_output=True, text=True, timeout=300,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(errors) == 1 and str(big) in errors[0] and "max_article_chars" in errors[0], done.stderr
    assert peak_mb < CEILING_MB


def test_chunks_end_at_paragraphs_or_sentences_and_join_back_to_the_text(tmp_path: Path) -> None:
    text = _one_line(tmp_path, 120_000)
    pieces = list(_chunks(text, 10_000))
    assert "".join(pieces) == text and max(map(len, pieces)) <= 10_000
    assert all(p.rstrip()[-1] in ".!?\"'’”)" for p in pieces[:-1])


def test_a_long_article_is_enriched_in_chunks_with_true_offsets(tmp_path: Path) -> None:
    text = _one_line(tmp_path, 30_000)
    settings = Settings(enrich_components=("sentences", "entities"), enrich_chunk_chars=8_000)
    chunked = Enricher(settings).enrich([Article(id="x", text=text)])[0]
    whole = Enricher(settings.with_(enrich_chunk_chars=1_000_000)).enrich([Article(id="x", text=text)])[0]
    assert not isinstance(chunked, Exception) and not isinstance(whole, Exception)
    for sentence in chunked.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    names = {e.name for e in chunked.entities}
    assert len(names & {e.name for e in whole.entities}) >= 0.9 * len({e.name for e in whole.entities})
