import pytest

from storyline.models import Article
from storyline.store import Store
from storyline.store.sqlite import MIGRATIONS


def test_an_interrupted_batch_leaves_nothing_half_written(tmp_path):
    store = Store(tmp_path / "s.db")
    with store.transaction():
        store.add_article(Article(id="kept", text="first batch"))
    with pytest.raises(KeyboardInterrupt), store.transaction():
        store.add_article(Article(id="lost", text="second batch"))
        raise KeyboardInterrupt
    assert store.article_ids() == ["kept"]
    store.close()
    reopened = Store(tmp_path / "s.db")
    assert reopened.article_ids() == ["kept"]
    assert reopened.schema_version == MIGRATIONS[-1][0]


def test_same_content_or_same_url_is_not_stored_twice(tmp_path):
    store = Store(tmp_path / "s.db")
    assert store.add_article(Article(id="a", text="one", url="https://example.org/x"))
    assert not store.add_article(Article(id="a", text="one"))
    assert not store.add_article(Article(id="b", text="one, edited", url="https://example.org/x"))
    assert store.count_articles() == 1
