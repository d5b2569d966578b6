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


def test_same_content_is_not_stored_twice_and_a_url_may_hold_two_articles(tmp_path):
    """The store refuses a text it holds; whether another text from a stored URL is a version or a
    second article is the ingest path's call (`ArticleIdentity`), so the store takes both."""
    store = Store(tmp_path / "s.db")
    assert store.add_article(Article(id="a", text="one", url="https://example.org/x"))
    assert not store.add_article(Article(id="a", text="one"))
    assert store.add_article(Article(id="b", text="another story", url="https://example.org/x"))
    assert store.origin_articles("https://example.org/x") == ["a", "b"]


def test_a_store_from_before_article_origins_keeps_its_rows_when_urls_lose_their_uniqueness(seeds_db, tmp_path):
    """0010_article_origins rebuilds the articles table: enrichments, stories and search rows that
    refer to its articles survive (foreign keys are off while it runs, so nothing cascades)."""
    import shutil
    import sqlite3

    old = tmp_path / "old.db"
    shutil.copy(seeds_db, old)
    con = sqlite3.connect(old)
    counts = [con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("articles", "enrichments", "story_articles")]
    con.execute("DELETE FROM schema_migrations WHERE name = '0010_article_origins'")
    con.commit()
    con.close()
    with Store(old) as store:
        assert store.schema_version == "0010_article_origins"
        assert [store.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("articles", "enrichments", "story_articles")] == counts
        assert counts[1] > 0
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []


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
