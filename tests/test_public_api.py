import storyline
from storyline.enrich import COMPONENTS
from storyline.ingest import READERS
from storyline.settings import Settings


def test_exported_members_are_sorted_and_importable():
    assert storyline.__all__ == sorted(storyline.__all__)
    for name in storyline.__all__:
        assert getattr(storyline, name) is not None


def test_default_pipeline_and_readers_are_registered():
    assert set(Settings().enrich_components) <= set(COMPONENTS)
    assert {"text", "jsonl", "html", "feed", "warc"} <= set(READERS)
