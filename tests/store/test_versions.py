"""Article identity keeps both texts: another text from a stored article's URL (or watched file) is a
new version of it when it is the same article edited, a second article when it is another story."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from storyline import Storyline
from storyline.ingest.identity import SAME_ARTICLE_OVERLAP, text_overlap
from storyline.settings import Settings
from storyline.watch.scheduler import Watcher
from tests.conftest import seed_path
from tests.engine.corpus import polnear_jsonl

URL = "https://news.example/live/ukraine-talks"
FAST = Settings(enrich_components=("sentences", "entities"))


def _seed(prefix: str) -> tuple[str, str]:
    title, _, body = seed_path(prefix).read_text(encoding="utf-8").partition("\n")
    return title.strip(), body.strip()


def _corrected(body: str) -> str:
    """Seed 000 with its factual slip fixed (Rubio is Secretary of State, not a senator)."""
    assert "U.S. Senator Marco Rubio" in body
    return body.replace("U.S. Senator Marco Rubio", "U.S. Secretary of State Marco Rubio")


def _other_story(tmp_path: Path) -> str:
    """A real article about something else (polnear), as text."""
    line = polnear_jsonl(tmp_path / "other.jsonl", 1).read_text(encoding="utf-8").splitlines()[0]
    return json.loads(line)["text"]


def _jsonl(path: Path, records: list[dict[str, str]]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return str(path)


def test_a_correction_at_the_same_url_in_one_run_is_a_new_version(tmp_path: Path) -> None:
    title, body = _seed("000")
    inputs = _jsonl(tmp_path / "pair.jsonl", [
        {"id": "first", "url": URL, "title": title, "text": body},
        {"id": "second", "url": URL, "title": title, "text": _corrected(body)},
    ])
    with Storyline(tmp_path / "s.db", FAST) as sl:
        report = sl.ingest([inputs])
        assert (len(report.ingested), len(report.updated), report.duplicates) == (1, 1, [])
        article_id = report.ingested[0]
        assert report.updated == [article_id]
        assert "Secretary of State Marco Rubio" in sl.article(article_id).text  # the brief reads the latest version
        history = [v["article"]["text"] for v in sl.article_history(article_id)]
        assert ["Senator Marco Rubio" in text for text in history] == [True, False]
        assert sl.reader.count_articles() == 1


def test_a_correction_at_the_same_url_in_a_later_run_is_a_new_version(tmp_path: Path) -> None:
    title, body = _seed("000")
    with Storyline(tmp_path / "s.db", FAST) as sl:
        first = sl.ingest([_jsonl(tmp_path / "a.jsonl", [{"id": "a", "url": URL, "title": title, "text": body}])])
        second = sl.ingest([_jsonl(tmp_path / "b.jsonl", [{"id": "b", "url": URL, "title": title, "text": _corrected(body)}])])
        assert second.updated == first.ingested and second.ingested == []
        again = sl.ingest([_jsonl(tmp_path / "c.jsonl", [{"id": "c", "url": URL, "title": title, "text": body}])])
        assert again.updated == [] and len(again.duplicates) == 1  # an earlier text is not a newer version
        assert sl.reader.count_articles() == 1
        assert len(sl.article_history(first.ingested[0])) == 2


def test_another_story_at_a_reused_url_is_a_second_article(tmp_path: Path) -> None:
    """A URL a site reuses (a section page, a recycled slug) keeps both stories; so does a second
    outlet's report of the same event (seed 003), which shares facts but not wording."""
    title, body = _seed("000")
    other = _other_story(tmp_path)
    same_event = _seed("003")[1]
    assert text_overlap(body, other) < SAME_ARTICLE_OVERLAP and text_overlap(body, same_event) < SAME_ARTICLE_OVERLAP
    records = [{"id": "a", "url": URL, "text": body}, {"id": "b", "url": URL, "text": other}, {"id": "c", "url": URL, "text": same_event}]
    with Storyline(tmp_path / "one.db", FAST) as sl:
        report = sl.ingest([_jsonl(tmp_path / "one.jsonl", records)])
        assert (len(report.ingested), report.updated, report.duplicates) == (3, [], [])
    with Storyline(tmp_path / "runs.db", FAST) as sl:
        counts = [len(sl.ingest([_jsonl(tmp_path / f"{r['id']}.jsonl", [r])]).ingested) for r in records]
        assert counts == [1, 1, 1] and sl.reader.count_articles() == 3


def test_skip_keeps_only_the_first_text(tmp_path: Path) -> None:
    title, body = _seed("000")
    with Storyline(tmp_path / "s.db", FAST) as sl:
        sl.ingest([_jsonl(tmp_path / "a.jsonl", [{"url": URL, "text": body}])])
        report = sl.ingest([_jsonl(tmp_path / "b.jsonl", [{"url": URL, "text": _corrected(body)}])], on_existing="skip")
        assert (report.ingested, report.updated, len(report.duplicates)) == ([], [], 1)


def test_an_edited_watched_file_is_a_new_version_of_its_article(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    watched = folder / "000.txt"
    shutil.copy(seed_path("000"), watched)
    shutil.copy(seed_path("001"), folder / "001.txt")
    with Storyline(tmp_path / "s.db", FAST) as sl:
        watcher = Watcher(sl, [str(folder)], use_stored=False)
        try:
            first = watcher.cycle()
            assert len(first.new) == 2
            article_id = sl.store.find_by_origin(None, file=str(watched.resolve()))
            assert article_id in first.new
            story = sl.reader.story_of(article_id)
            watched.write_text(_corrected(watched.read_text(encoding="utf-8")), encoding="utf-8")
            second = watcher.cycle()
        finally:
            watcher.close()
        assert (second.new, second.updated) == ([], [article_id])
        assert sl.reader.count_articles() == 2 and sl.reader.story_of(article_id) == story
        assert "Secretary of State Marco Rubio" in sl.article(article_id).text
        relations = sl.reader.relations_for([article_id])
        assert all(r.article_id != r.other_id for r in relations)
        assert len(sl.article_history(article_id)) == 2
