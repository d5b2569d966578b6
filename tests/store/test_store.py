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


def test_document_frequencies_saved_as_one_json_value_become_rows(seeds_db, tmp_path):
    """0009_relate_docfreq: a store that kept the relate stage's document frequencies as one JSON
    state value (rewritten after every batch) opens with them as rows, counts unchanged."""
    import json
    import shutil
    import sqlite3

    old = tmp_path / "old.db"
    shutil.copy(seeds_db, old)
    with Store(old) as store:
        expected = store.load_relate_index()[3]
    assert expected["n"] == 5 and expected["df"]
    db = sqlite3.connect(old)
    with db:
        db.execute("DROP TABLE relate_docfreq")
        db.execute("DELETE FROM state WHERE key = 'relate.docfreq_n'")
        db.execute("INSERT INTO state (key, value) VALUES ('relate.docfreq', ?)", (json.dumps(expected),))
        db.execute("DELETE FROM schema_migrations WHERE name = '0009_relate_docfreq'")
    db.close()
    with Store(old) as store:
        assert store.load_relate_index()[3] == expected
        assert store.get_state("relate.docfreq") is None
