import tomllib

import storyline
from storyline.enrich import COMPONENTS
from storyline.ingest import READERS
from storyline.settings import Settings
from tests.conftest import ROOT


def test_every_public_class_of_the_package_is_exported_and_sorted():
    assert storyline.__all__ == sorted(storyline.__all__)
    # The names load on first use (PEP 562): resolve them all, then nothing else of ours may be there.
    assert all(isinstance(getattr(storyline, name), type) for name in storyline.__all__)
    public_classes = {
        name for name, value in vars(storyline).items() if isinstance(value, type) and not name.startswith("_") and value.__module__.startswith("storyline")
    }
    assert set(storyline.__all__) == public_classes


def test_version_is_the_one_pyproject_declares():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert storyline.__version__ == pyproject["project"]["version"]


def test_default_pipeline_and_readers_are_registered():
    assert set(Settings().enrich_components) <= set(COMPONENTS)
    assert {"text", "jsonl", "html", "feed", "warc"} <= set(READERS)
