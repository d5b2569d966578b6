"""RSS and Atom feeds (files or URLs), read with feedparser.

An entry whose content is the full article becomes an article. An entry with only a summary
becomes one only with ``fetch_links`` (``--fetch-links``): the linked page is fetched and
extracted; otherwise the feed reports how many entries it left out and why.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, UTC
from typing import Any

import lxml.html

from storyline.errors import InputError
from storyline.ingest.html import looks_like_html
from storyline.ingest.identity import article_id
from storyline.ingest.readers.html import read_page
from storyline.ingest.registry import ReadResult, reader
from storyline.ingest.source import Source
from storyline.models import Article
from storyline.settings import Settings

FULL_TEXT_MIN_WORDS = 120
"""Entry content shorter than this is a teaser, not the article."""

_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF|channel)[\s>]", re.IGNORECASE)
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "section", "article", "figure", "ul", "ol", "table"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class SummaryOnly(InputError):
    """A feed's entries left out because they carry only a summary: a notice, the feed itself was read."""


class EmptyFeed(InputError):
    """A well-formed feed with no entries (yet): an error for a one-off ingest, normal for a watched feed."""


def _sniff(source: Source) -> bool:
    head = source.head(4096)
    if _FEED_START.search(head):
        return True
    content_type = (source.content_type or "").lower()
    return any(t in content_type for t in ("rss", "atom")) or (source.suffix in {".rss", ".atom"} and not looks_like_html(head))


def fragment_to_text(fragment: str) -> str:
    """Text of an HTML fragment with one paragraph per line."""
    if "<" not in fragment:
        return "\n".join(line.strip() for line in fragment.splitlines() if line.strip())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return fragment
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.tag in _BLOCKS:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if node.tag in _BLOCKS:
            parts.append("\n")

    walk(root)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _when(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("created_parsed")
    if not parsed:
        return None
    # feedparser normalises to UTC struct_time.
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _authors(entry: Any) -> list[str]:
    names = [a.get("name") for a in entry.get("authors", []) if isinstance(a, dict) and a.get("name")]
    if not names and entry.get("author"):
        names = [entry["author"]]
    return [str(n).strip() for n in names if str(n).strip()]


def _full_content(entry: Any) -> str | None:
    """The entry's content when it is the whole article, else None."""
    for content in entry.get("content", []) or []:
        text = fragment_to_text(content.get("value", ""))
        if len(text.split()) >= FULL_TEXT_MIN_WORDS:
            return text
    summary = fragment_to_text(entry.get("summary", "") or "")
    return summary if len(summary.split()) >= FULL_TEXT_MIN_WORDS else None


def parse_feed(data: bytes, name: str) -> Any:
    """feedparser's result, or `InputError` when the bytes are not a feed."""
    try:
        import feedparser  # imported on first use: most ingests read no feed

        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    except Exception as exc:  # feedparser's own failures on damaged bytes (e.g. an undecodable XML declaration)
        raise InputError(name, f"not a readable feed ({type(exc).__name__}: {exc})") from None
    version = parsed.get("version")
    if not parsed.entries:
        if looks_like_html(data[:4096]) and not version:
            raise InputError(name, "not a feed: this is an HTML page (no RSS or Atom entries)")
        reason = parsed.get("bozo_exception")
        if reason:
            raise InputError(name, f"not a feed or no entries ({reason})")
        raise EmptyFeed(name, "feed has no entries")
    return parsed


@reader("feed", sniff=_sniff, priority=30)
def read_feed(source: Source, settings: Settings) -> ReadResult:
    parsed = parse_feed(source.data, source.name)
    outlet = parsed.feed.get("title") or None
    language = (parsed.feed.get("language") or "").split("-")[0].lower() or None
    summary_only = 0
    for number, entry in enumerate(parsed.entries, start=1):
        title = (entry.get("title") or "").strip() or None
        link = entry.get("link") or None
        where = f"{source.name}#{number}"
        text = _full_content(entry)
        if text is None:
            if not (settings.fetch_links and link):
                summary_only += 1
                continue
            try:
                from storyline.ingest.fetch import fetch  # only feeds read with --fetch-links fetch

                got = fetch(link, settings)
                page = read_page(got.data, link, url=got.url, source=f"feed:{where}", content_type=got.content_type)
            except InputError as exc:
                yield exc
                continue
            page.title = page.title or title
            page.published = page.published or _when(entry)
            page.authors = page.authors or _authors(entry)
            page.outlet = page.outlet or outlet
            page.metadata["feed"] = source.name
            yield page
            continue
        yield Article(
            id=article_id(text),
            text=text,
            title=title,
            url=link,
            outlet=outlet,
            published=_when(entry),
            authors=_authors(entry),
            language=language,
            source=f"feed:{where}",
            metadata={"feed": source.name, "guid": entry.get("id")} if entry.get("id") else {"feed": source.name},
        )
    if summary_only:
        yield SummaryOnly(
            source.name,
            f"{summary_only} of {len(parsed.entries)} entries have only a summary and were not ingested; use --fetch-links to fetch their pages",
        )
