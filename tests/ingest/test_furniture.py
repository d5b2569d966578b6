"""Page furniture on the real seeds: removed from the stored text, recorded, and put to use."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from storyline.cli import cli
from storyline.ingest.furniture import OutletLines, clean_article, clean_text
from storyline.ingest.readers.text import split_headline
from storyline.models import Article
from tests.conftest import seed_path

SEED_FURNITURE = ("Leave a Reply", "There are no comments for this story", "Image Credit:", "{Matzav.com}", "| 2025-12-01 08:55:24")


def _seed_article(prefix: str) -> Article:
    title, body = split_headline(seed_path(prefix).read_text(encoding="utf-8"))
    return Article(id="", text=body, title=title)


def test_no_seed_furniture_remains_in_the_stored_text(seeds_storyline):
    articles = list(seeds_storyline.reader.iter_articles())
    assert len(articles) == 5
    for article in articles:
        for furniture in SEED_FURNITURE:
            assert furniture not in article.text, (article.id, furniture)
    removed = {f.text for a in articles for f in a.removed}
    assert "Leave a Reply" in removed
    assert "{Matzav.com}" in removed
    assert "Image Credit: FABRICE COFFRINI / Contributor / Getty Images" in removed


def test_trailing_timestamp_becomes_003s_published_date(seeds_storyline):
    (article,) = [a for a in seeds_storyline.reader.iter_articles() if a.title and a.title.startswith("Rubio Describes")]
    assert article.published == datetime(2025, 12, 1, 8, 55, 24, tzinfo=timezone.utc)
    assert article.text.endswith("may begin to reveal itself.")


def test_outlet_tag_names_the_outlet(seeds_storyline):
    (article,) = [a for a in seeds_storyline.reader.iter_articles() if a.title and a.title.startswith("Rubio: Ukraine Peace Talks")]
    assert article.outlet == "Matzav.com"


def test_glued_image_credit_keeps_the_first_sentence():
    article = clean_article(_seed_article("002"))
    assert article.text.startswith("Secretary of State Marco Rubio hailed peace talks in Geneva")
    assert [f.reason for f in article.removed] == ["image credit"]


def test_comment_footer_goes_whole_and_is_recorded():
    article = clean_article(_seed_article("000"))
    assert article.text.endswith("will become tomorrow’s turning point.")
    (fragment,) = article.removed
    assert fragment.reason == "comment section"
    assert "Be the first to respond" in fragment.text


def test_article_id_is_derived_from_the_cleaned_text():
    from storyline.ingest.identity import article_id

    article = clean_article(_seed_article("004"))
    assert article.id == article_id(article.text)
    assert "Leave a Reply" not in article.text


def test_a_comment_word_early_in_the_text_does_not_cut_the_article():
    text = "Comment\nThe minister said the talks were productive and would go on next week."
    cleaned, removed, _ = clean_text(text)
    assert cleaned == text and removed == []


def test_lines_an_outlet_repeats_are_learned_and_removed():
    body = _seed_article("001").text.split("\n")
    lines = OutletLines(min_articles=3)
    promo = "Get Matzav's breaking news alerts on WhatsApp, join our channel today"
    results = []
    for i in range(4):
        text = "\n".join([body[i], body[i + 4], promo])
        results.append(clean_article(Article(id="", text=text, outlet="Matzav.com"), lines))
    # The first two articles teach; from the third on, the promo line is known furniture.
    assert promo in results[0].text and promo in results[1].text
    for article in results[2:]:
        assert promo not in article.text
        assert any(f.reason.startswith("repeated in 2 other articles") or f.reason.startswith("repeated in 3 other") for f in article.removed)
    # The same article seen twice is not "repeated".
    again = OutletLines(min_articles=2)
    clean_article(Article(id="", text=promo + "\nOne.", outlet="X"), again)
    assert promo in clean_article(Article(id="", text=promo + "\nOne.", outlet="X"), again).text


def test_learned_lines_persist_in_the_store(tmp_path, runner):
    db = tmp_path / "lines.db"
    promo = "Get Matzav's breaking news alerts on WhatsApp, join our channel today"
    paragraphs = _seed_article("001").text.split("\n")
    def write(name: str, rows: range) -> str:
        path = tmp_path / name
        path.write_text("\n".join(json.dumps({"text": paragraphs[i] + "\n" + promo, "outlet": "Matzav.com"}) for i in rows), encoding="utf-8")
        return str(path)
    first = runner.invoke(cli, ["--db", str(db), "ingest", "-q", write("a.jsonl", range(0, 2))])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, ["--db", str(db), "ingest", "-q", write("b.jsonl", range(2, 3))])
    assert second.exit_code == 0, second.output
    listed = json.loads(runner.invoke(cli, ["--db", str(db), "articles", "--format", "json"]).output)
    newest = listed[-1]["id"]
    shown = runner.invoke(cli, ["--db", str(db), "articles", "--show-removed", newest])
    assert promo in shown.output and "repeated in 2 other articles of Matzav.com" in shown.output


def test_show_removed_prints_what_was_taken_out(seeds_db, runner, tmp_path):
    from pathlib import Path
    import shutil

    db = tmp_path / "s.db"
    shutil.copy(Path(seeds_db), db)
    listed = json.loads(runner.invoke(cli, ["--db", str(db), "articles", "--format", "json"]).output)
    for row in listed:
        shown = json.loads(runner.invoke(cli, ["--db", str(db), "articles", "--show-removed", row["id"], "--format", "json"]).output)
        assert shown["removed"], row
    texts = " ".join(
        runner.invoke(cli, ["--db", str(db), "articles", "--show-removed", row["id"]]).output for row in listed
    )
    for furniture in SEED_FURNITURE:
        assert furniture in texts


def test_reingesting_after_a_line_is_learnt_changes_nothing(tmp_path):
    """A line learnt as furniture later must not give an already stored article a new id."""
    import json

    from storyline import Storyline

    footer = "The Daily Example is published by Example Media Group of Springfield, Illinois."
    bodies = [
        "The city council approved the new budget on Tuesday after a long debate about schools.",
        "Flooding closed the river road for a second day as crews cleared debris from the bridge.",
        "The local football club named a new coach, its third in two seasons, on Friday morning.",
        "A heatwave pushed power demand to a record, and the grid operator asked homes to save energy.",
    ]

    def write(name, texts):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"text": t + "\n" + footer, "outlet": "Daily Example"}) + "\n" for t in texts))
        return str(path)

    first = write("first.jsonl", bodies[:1])
    with Storyline(tmp_path / "s.db") as sl:
        assert len(sl.ingest([first]).ingested) == 1
        sl.ingest([write("rest.jsonl", bodies[1:])])
        learnt = [a for a in sl.reader.iter_articles() if any(r.text.strip() == footer for r in a.removed)]
        assert learnt, "the repeated line should have been learnt as furniture"
        again = sl.ingest([first])
        assert again.ingested == [] and len(again.duplicates) == 1
        assert sl.store.count_articles() == 4
