"""Every reader on real files under ../shared/data, and the bad inputs of the issue."""

from __future__ import annotations

import gzip
import json
import os
import re
from datetime import date

import pytest

from storyline.errors import InputError
from storyline.ingest import READERS, read_inputs, reader_for
from storyline.ingest.readers.feed import parse_feed
from storyline.ingest.source import Source
from storyline.settings import Settings
from tests.ingest.conftest import BBC_PAGE, FEEDS, FUNDUS, WARCS, fundus_expected

SETTINGS = Settings()


def _read(*paths: object, settings: Settings = SETTINGS) -> tuple[list, list[InputError]]:
    items = list(read_inputs([str(p) for p in paths], settings))
    return [i for i in items if not isinstance(i, InputError)], [i for i in items if isinstance(i, InputError)]


def test_readers_are_registered():
    assert {"text", "jsonl", "html", "feed", "warc", "urls"} <= set(READERS)


def test_html_page_gives_body_title_authors_date():
    (article,), errors = _read(BBC_PAGE)
    assert not errors
    expected = fundus_expected("html/uk/BBC_2024_08_01.html.gz")
    assert article.title == expected["title"]
    assert article.published is not None and article.published.tzinfo is not None
    assert article.published.date().isoformat() == expected["publishing_date"][:10]
    assert article.language == "en"
    assert article.source.startswith("html:")
    # Paragraph boundaries survive as newlines, and most expected paragraphs are lines of the body.
    lines = set(article.text.split("\n"))
    found = sum(paragraph in lines for paragraph in expected["body_paragraphs"])
    assert found >= 0.8 * len(expected["body_paragraphs"])


def test_sniffing_reads_html_whatever_the_name(tmp_path):
    disguised = tmp_path / "page.txt"
    disguised.write_bytes(gzip.decompress(BBC_PAGE.read_bytes()))
    assert reader_for(Source(name=str(disguised), path=disguised)).name == "html"
    (article,), _ = _read(disguised)
    assert article.title == fundus_expected("html/uk/BBC_2024_08_01.html.gz")["title"]


def test_non_english_page_is_stored_flagged():
    (article,), _ = _read(FUNDUS / "html" / "at" / "DiePresse_2025_06_05.html.gz")
    assert article.language == "de"


@pytest.mark.parametrize("path", sorted(p for p in FEEDS.rglob("*") if p.is_file() and p.name != "README.md" and "expected" not in p.parts))
def test_every_feed_file_is_ingested_or_rejected_with_a_reason(path):
    articles, errors = _read(path)
    assert articles or errors
    for error in errors:
        assert str(path) in str(error) and error.reason


@pytest.mark.parametrize("path", sorted(p for p in WARCS.rglob("*") if p.is_file() and p.name != "README.md"))
def test_every_warc_file_is_ingested_or_rejected_with_a_reason(path):
    articles, errors = _read(path)
    assert articles or errors
    for error in errors:
        assert str(path) in str(error) and error.reason
    for article in articles:
        assert article.url and article.url.startswith("http")
        assert "captured" in article.metadata


def _expected_feed(name: str) -> dict:
    raw = (FEEDS / "rss-parser" / "expected" / f"{name}.json").read_bytes()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:  # encoding.json is itself Latin-1
        return json.loads(raw.decode("latin-1"))


@pytest.mark.parametrize("name", ["encoding", "guardian", "heise", "heraldsun", "instant-article", "uolNoticias"])
def test_feeds_match_rss_parser_expected_output(name):
    (path,) = (FEEDS / "rss-parser" / "input").glob(name + ".*")
    parsed = parse_feed(path.read_bytes(), str(path))
    items = _expected_feed(name)["feed"]["items"]
    assert len(parsed.entries) == len(items)
    for entry, item in zip(parsed.entries, items, strict=True):
        assert (entry.get("link") or None) == (item.get("link") or None)
        title, expected = (entry.get("title") or "").strip(), (item.get("title") or "").strip()
        # rss-parser itself turned uolNoticias' unlabelled Latin-1 into U+FFFD; we decode it.
        pattern = "".join("." if ch == "\ufffd" else re.escape(ch) for ch in expected)
        assert re.fullmatch(pattern, title), (title, expected)
        if item.get("isoDate"):
            got = entry.get("published_parsed") or entry.get("updated_parsed")
            assert date(*got[:3]).isoformat() == item["isoDate"][:10]


def test_full_content_entries_become_articles():
    articles, errors = _read(FEEDS / "node-feedparser" / "tpm.atom")
    assert len(articles) == 20 and not errors
    assert all(a.outlet == "All TPM News" and a.published and a.url for a in articles)


def test_summary_only_feed_is_reported_not_silently_dropped():
    articles, (error,) = _read(FEEDS / "rss-parser" / "input" / "heise.atom")
    assert not articles
    assert "15 of 15 entries have only a summary" in error.reason and "--fetch-links" in error.reason


def test_windows_1251_feed_decodes_to_cyrillic_also_when_gzipped():
    plain = parse_feed((FEEDS / "node-feedparser" / "iconv.xml").read_bytes(), "iconv.xml")
    source = Source(name="compressed.xml", path=FEEDS / "node-feedparser" / "compressed.xml")
    zipped = parse_feed(source.data, source.name)
    assert plain.entries[0].title == zipped.entries[0].title
    assert "Бузулуке" in plain.entries[0].title


def test_a_feed_that_is_html_gets_a_clear_reason(tmp_path):
    fake = tmp_path / "news.rss"
    fake.write_bytes((FEEDS / "node-feedparser" / "notafeed.html").read_bytes())
    _, (error,) = _read(fake)
    assert "not a feed" in error.reason and "HTML" in error.reason


def test_page_with_no_article_is_rejected():
    _, (error,) = _read(FEEDS / "node-feedparser" / "notafeed.html")
    assert "no article text" in error.reason


def test_broken_gzip_is_one_clear_error(tmp_path):
    broken = tmp_path / "page.html.gz"
    broken.write_bytes(BBC_PAGE.read_bytes()[:3000])
    _, (error,) = _read(broken)
    assert "broken gzip" in error.reason


def test_truncated_warc_keeps_what_came_before(tmp_path, news_warc):
    truncated = tmp_path / "trunc.warc.gz"
    data = news_warc.read_bytes()
    truncated.write_bytes(data + data[: len(data) // 3])
    articles, errors = _read(truncated)
    assert articles and articles[0].url
    assert errors and "damaged" in errors[-1].reason


def test_news_warc_gives_the_article_with_url_and_capture_date(news_warc):
    (article,), errors = _read(news_warc)
    assert not errors
    expected = fundus_expected("html/uk/BBC_2024_08_01.html.gz")
    assert article.url == expected["url"]
    assert article.title == expected["title"]
    assert article.metadata["captured"] == "2024-08-01T12:00:00+00:00"


def test_mislabelled_encoding_is_decoded(tmp_path):
    sentences = [
        "Правительство заявило, что переговоры были продуктивными и продолжатся на следующей неделе в Женеве.",
        "Министр иностранных дел подчеркнул, что до окончательного соглашения ещё далеко.",
        "Представители обеих сторон договорились встретиться снова после консультаций со своими союзниками.",
        "Эксперты считают, что главные разногласия касаются гарантий безопасности и сроков прекращения огня.",
    ]
    # Declared UTF-8, written in windows-1251: the declaration lies.
    html = "<html><head><meta charset='utf-8'><title>Новости</title></head><body><article>" + "".join(f"<p>{s}</p>" for s in sentences) + "</article></body></html>"
    page = tmp_path / "cp1251.html"
    page.write_bytes(html.encode("windows-1251"))
    (article,), _ = _read(page)
    assert "Правительство заявило" in article.text
    assert article.language == "ru"


def test_a_2gb_file_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.html"
    with huge.open("wb") as fh:
        os.ftruncate(fh.fileno(), 2 * 1024**3)  # sparse: nothing is written
    _, (error,) = _read(huge)
    assert "over the" in error.reason and "max_file_bytes" in error.reason


def test_gzip_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b" " * (3 * 1024 * 1024)))
    _, (error,) = _read(bomb, settings=Settings(max_file_bytes=1024 * 1024))
    assert "decompresses to over" in error.reason


# Cases `python -m bench reliability` found: each was a traceback, or a message over several lines.


def test_a_jsonl_line_nested_too_deeply_is_one_error_and_the_others_are_read(tmp_path):
    good = json.dumps({"text": "The minister said the talks in Geneva were productive. " * 5})
    nested = '{"text": "x", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = tmp_path / "mixed.jsonl"
    path.write_text(good + "\n" + nested + "\n", encoding="utf-8")
    articles, (error,) = _read(path)
    assert len(articles) == 1
    assert error.source.endswith(":2") and "nested too deeply" in error.reason


def test_a_feed_whose_xml_declaration_cannot_be_decoded_is_one_error(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="\x89\xfe"?><rss version="2.0"><channel><title>t</title><item><title>a</title></item></channel></rss>')
    _, (error,) = _read(path)
    assert "not a readable feed" in error.reason and "\n" not in str(error)


def test_a_damaged_archive_is_named_in_one_line_and_warcio_prints_nothing(tmp_path, news_warc, capfd):
    # One gzip member around two records: warcio refuses it with a message of several lines.
    plain = gzip.decompress(news_warc.read_bytes())
    damaged = tmp_path / "single-member.warc.gz"
    damaged.write_bytes(gzip.compress(plain + plain))
    _, errors = _read(damaged)
    assert errors and all("\n" not in str(e) for e in errors)
    assert "damaged archive" in errors[-1].reason
    assert capfd.readouterr().err == ""
