"""Fixtures for the brief tests: the seed story's brief, built once per module and span-checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from storyline import Storyline
from storyline.consolidate import verify_brief
from storyline.models import Article, Brief
from storyline.serve.render import brief_to_json
from tests.conftest import SEEDS
from tests.consolidate.consistency import consistency_problems


def checked(brief: Brief, articles: dict[str, Article]) -> Brief:
    """Run the span check and the consistency checks on ``brief`` and the span check on its JSON
    export read back; return the brief."""
    assert verify_brief(brief, articles) == []
    assert consistency_problems(brief) == []
    again = Brief.from_dict(json.loads(brief_to_json(brief)))
    assert again == brief
    assert verify_brief(again, articles) == []
    return brief


class SeedStory:
    """The seed store with handy lookups: article id by seed number, the brief of the Florida story."""

    def __init__(self, sl: Storyline) -> None:
        self.sl = sl
        self.articles = {a.id: a for a in sl.reader.iter_articles()}
        self.by_seed = {}
        for a in self.articles.values():
            for path in SEEDS.glob("*.txt"):
                if a.source and path.name in a.source:
                    self.by_seed[path.name[:3]] = a.id
        assert len(self.by_seed) == 5, self.by_seed

    def story_of(self, seed: str):
        return next(s for s in self.sl.reader.list_stories() if self.by_seed[seed] in s.article_ids)

    def brief(self, seed: str = "001") -> Brief:
        return checked(self.sl.brief(self.story_of(seed).id), self.articles)

    def seeds(self, article_ids) -> set[str]:
        back = {v: k for k, v in self.by_seed.items()}
        return {back[a] for a in article_ids}


@pytest.fixture(scope="module")
def seed_story(seeds_db: Path, tmp_path_factory: pytest.TempPathFactory):
    copy = tmp_path_factory.mktemp("brief") / "seeds.db"
    shutil.copy(seeds_db, copy)
    with Storyline(copy) as sl:
        yield SeedStory(sl)
