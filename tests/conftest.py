"""Shared fixtures: the real seed articles, fresh stores, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline import Storyline

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
SEEDS = SHARED_DATA / "seeds"


def seed_path(prefix: str) -> Path:
    """The seed article whose file name starts with ``prefix`` ("000" ... "004")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the five seed articles ingested once per test session (copy before writing)."""
    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with Storyline(path) as sl:
        report = sl.ingest([str(SEEDS)])
        assert report.failed == 0, report.errors
    return path


@pytest.fixture()
def seeds_storyline(seeds_db: Path, tmp_path: Path):
    """A private, writable copy of the seed store."""
    copy = tmp_path / "seeds.db"
    shutil.copy(seeds_db, copy)
    with Storyline(copy) as sl:
        yield sl


@pytest.fixture()
def fresh_db(tmp_path: Path) -> Path:
    return tmp_path / "fresh.db"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()
