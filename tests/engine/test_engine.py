"""The engines: same results whatever runs the per-article work, in order, and a Dask store equal to a local one."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from storyline.engine import get_engine
from storyline.engine.base import ordered_map
from storyline.enrich.registry import COMPONENTS, component
from storyline.errors import StorylineError
from storyline.ingest import read_inputs
from storyline.models import Article, EnrichedArticle
from storyline.settings import Settings
from tests.conftest import SEEDS
from tests.engine.corpus import PYTHON, cli_env, polnear_jsonl


def test_ordered_map_keeps_the_order_of_batches_that_finish_out_of_order():
    from concurrent.futures import ThreadPoolExecutor
    import time

    batches = [[Article(id=str(i), text="x")] for i in range(7)]
    with ThreadPoolExecutor(4) as pool:
        # Earlier batches sleep longer, so they finish last.
        out = list(ordered_map(lambda b: pool.submit(lambda: time.sleep(0.02 * (7 - int(b[0].id))) or b[0].id), batches, in_flight=3))
    assert [result for _, result in out] == [str(i) for i in range(7)]
    assert [batch[0].id for batch, _ in out] == [str(i) for i in range(7)]


def test_local_pool_enriches_like_in_process():
    articles = [a for a in read_inputs([str(SEEDS)], Settings()) if isinstance(a, Article)]
    settings = Settings(parallel_min_articles=1, workers=2, batch_size=2)
    batches = [articles[i : i + 2] for i in range(0, len(articles), 2)]
    with get_engine("local", settings, workers=1) as engine:
        alone = [r for _, results in engine.map_batches(batches) for r in results]
    with get_engine("local", settings) as engine:
        assert engine.workers == 2
        pooled = [r for _, results in engine.map_batches(batches, expected=len(articles)) for r in results]
    assert all(isinstance(r, EnrichedArticle) for r in pooled)
    assert [r.article.id for r in pooled] == [a.id for a in articles]
    assert [r.sentences for r in pooled] == [r.sentences for r in alone]
    assert [[e.span for e in r.entities] for r in pooled] == [[e.span for e in r.entities] for r in alone]


def test_unknown_engine_and_misplaced_scheduler_are_one_line_errors(runner, fresh_db):
    with pytest.raises(StorylineError, match="no engine named 'spark'"):
        get_engine("spark", Settings())
    from storyline.cli import cli

    result = runner.invoke(cli, ["--db", str(fresh_db), "ingest", str(SEEDS), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "--scheduler needs --engine dask" in result.output


def _dump(db: Path) -> dict[str, object]:
    con = sqlite3.connect(db)
    try:
        return {
            "articles": con.execute("SELECT id, record FROM articles ORDER BY seq").fetchall(),
            "enrichments": sorted(con.execute("SELECT article_id, record FROM enrichments").fetchall()),
            "stories": sorted(con.execute("SELECT id, record FROM stories").fetchall()),
            "story_articles": sorted(con.execute("SELECT story_id, article_id FROM story_articles").fetchall()),
        }
    finally:
        con.close()


# ``storyline`` itself, with the local engine's pool used even for this small input, so both
# stores are built by two worker processes (the in-process path is compared on the seeds above).
POOLED_CLI = """
import sys
import storyline.api
from storyline.settings import Settings

storyline.api.DEFAULT_SETTINGS = Settings(parallel_min_articles=1)
from storyline.cli import main
sys.argv[0] = "storyline"
main()
"""


@pytest.mark.slow  # about a minute on 2 cores: `make test SLOW=1` (CI) runs it
def test_a_store_built_on_a_dask_cluster_equals_one_built_locally(tmp_path):
    corpus = polnear_jsonl(tmp_path / "polnear.jsonl", 200)
    # One hash seed for every process, so that this test is about the engines: a set-order
    # dependence anywhere in the stages would otherwise show up as a flaky engine difference.
    env = cli_env(PYTHONHASHSEED="0")
    dbs = {}
    for engine in ("local", "dask"):
        dbs[engine] = tmp_path / f"{engine}.db"
        done = subprocess.run(
            [PYTHON, "-c", POOLED_CLI, "--db", str(dbs[engine]), "ingest", "-q", "--engine", engine, "--workers", "2", str(SEEDS), str(corpus)],
            env=env, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "205 ingested, 0 duplicates, 0 failed" in done.stdout
    local, dask = _dump(dbs["local"]), _dump(dbs["dask"])
    assert len(local["articles"]) == 205 and len(local["enrichments"]) == 205
    assert any('"quotes":[{' in record for _, record in local["enrichments"])  # quotes were extracted and compared
    assert len(local["stories"]) > 1
    for table in local:
        assert dask[table] == local[table], _first_difference(table, local[table], dask[table])


@pytest.mark.slow  # starts a LocalCluster
def test_the_local_dask_cluster_runs_without_the_statistical_profiler():
    """The profiler samples each worker's stack every 10 ms for a dashboard the cluster does not serve."""
    from storyline.engine.dask import DaskEngine

    engine = DaskEngine(Settings(), workers=1)
    try:
        import dask.config

        found = engine.client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
        assert list(found.values()) == [False]
    finally:
        engine.close()
    assert dask.config.get("distributed.worker.profile.enabled")  # this process's config is untouched


def _first_difference(table: str, local: list, dask: list) -> str:
    """Say which row and which field differ, not a wall of JSON."""
    for a, b in zip(local, dask):
        if a != b:
            try:
                ra, rb = json.loads(a[1]), json.loads(b[1])
                fields = {k: (str(ra.get(k))[:300], str(rb.get(k))[:300]) for k in ra if ra.get(k) != rb.get(k)}
            except (IndexError, TypeError, ValueError):
                fields = {"row": (str(a)[:300], str(b)[:300])}
            return f"{table}: {a[0]} differs (local, dask): {fields}"
    return f"{table}: {len(local)} rows locally, {len(dask)} on dask"


@pytest.fixture()
def failing_component():
    """A component that fails on one marked article, registered for this test only."""

    def fail_on_marker(doc, record, settings):
        if "FAIL-HERE" in record.article.text:
            raise ValueError("marker found")

    component("test_fail_on_marker", requires=("record.sentences",))(fail_on_marker)
    yield "test_fail_on_marker"
    COMPONENTS.pop("test_fail_on_marker", None)


def test_an_article_that_fails_on_a_worker_comes_back_as_its_input_error(failing_component):
    settings = Settings(enrich_components=("sentences", failing_component), parallel_min_articles=1, workers=2)
    articles = [Article(id=f"a{i}", text=f"Sentence {i}. Another one.", source=f"test:{i}") for i in range(6)]
    articles[3] = Article(id="bad", text="This one says FAIL-HERE.", source="test:bad")
    with get_engine("local", settings) as engine:
        results = [r for _, rs in engine.map_batches([articles[:3], articles[3:]], expected=6) for r in rs]
    assert [type(r).__name__ for r in results] == ["EnrichedArticle"] * 3 + ["InputError"] + ["EnrichedArticle"] * 2
    assert results[3].source == "test:bad" and "marker found" in results[3].reason
