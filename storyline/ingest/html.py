"""Article body and metadata from an HTML page.

trafilatura extracts the body (in its precision mode, which scores higher on the Zyte pages);
the page's own structured metadata (JSON-LD ``NewsArticle``, OpenGraph / ``article:`` meta tags)
is preferred for title, authors and date because publishers fill it for search engines, and
trafilatura / htmldate are the fallback. The title loses a trailing or leading site name.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, UTC
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from charset_normalizer import from_bytes

from storyline.ingest import patterns

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["PageExtraction", "extract_page", "looks_like_html"]

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "webpage",
    "report",
    "scholarlyarticle",
    "techarticle",
}
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html|<head|<body|<meta|<title|<div|<p[\s>])", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")
_BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b|\bund\b|\bet\b|\by\b|&|\|)\s*")


def looks_like_html(head: bytes) -> bool:
    """The first bytes of a document read as HTML (a doctype, ``<html>``, or common tags)."""
    head = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(head):
        return True
    lower = head[:2048].lower()
    return b"<html" in lower and b"<rss" not in lower and b"<feed" not in lower


@dataclass
class PageExtraction:
    """What one HTML page gave: body text with paragraphs on separate lines, and metadata."""

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    url: str | None = None
    outlet: str | None = None
    language: str | None = None
    description: str | None = None


# --- structured metadata --------------------------------------------------------------------


def _json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` and lists flattened."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            found.append(node)
            if "@graph" in node:
                walk(node["@graph"])

    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            walk(json.loads(raw))
        except ValueError:
            # Some pages put several objects or trailing commas in one script; skip it.
            continue
    return found


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def _article_node(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON-LD object describing the article (a NewsArticle beats a generic WebPage)."""
    best: tuple[int, dict[str, Any]] | None = None
    for node in nodes:
        types = _types(node) & _ARTICLE_TYPES
        if not types:
            continue
        rank = 0 if types <= {"webpage"} else 2 if any("news" in t for t in types) else 1
        if node.get("headline") or node.get("datePublished"):
            rank += 1
        if best is None or rank > best[0]:
            best = (rank, node)
    return best[1] if best else None


def _meta(tree: HtmlElement, *names: str) -> str | None:
    for name in names:
        for value in tree.xpath(f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]/@content'):
            if value and value.strip():
                return _SPACE.sub(" ", value).strip()
    return None


def _name_of(value: Any) -> list[str]:
    """Author names from a JSON-LD ``author`` value (string, Person, list of either)."""
    if isinstance(value, list):
        return [n for v in value for n in _name_of(v)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return [str(n) for n in name if n]
        return [str(name)] if name else []
    if isinstance(value, str) and value.strip() and not value.startswith("http"):
        return [value]
    return []


def _clean_authors(names: list[str], outlet: str | None) -> list[str]:
    out: list[str] = []
    for raw in names:
        name = _BYLINE_PREFIX.sub("", _SPACE.sub(" ", raw).strip()).strip(" ,;|")
        if not name or len(name) > 80 or name.startswith(("http", "@")):
            continue
        if name not in out:
            out.append(name)
    return out


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 (or close) date string; naive times are taken as UTC."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0200 -> +02:00
    text = re.sub(r"\.\d+(?=[+-]|$)", "", text)  # fractional seconds of any length
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- titles ---------------------------------------------------------------------------------


def _site_tokens(outlet: str | None, url: str | None) -> set[str]:
    tokens: set[str] = set()
    if outlet:
        tokens.add(_norm(outlet))
    if url:
        host = urlsplit(url).hostname or ""
        host = host.removeprefix("www.")
        tokens.add(_norm(host))
        tokens.add(_norm(host.split(".")[0]))
    return {t for t in tokens if t}


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def strip_site_name(title: str, outlet: str | None, url: str | None) -> str:
    """``"Headline | Site"`` or ``"Site - Headline"`` -> ``"Headline"`` when a part names the site."""
    parts = patterns.TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    sites = _site_tokens(outlet, url)

    def is_site(part: str) -> bool:
        n = _norm(part)
        return bool(n) and any(n == s or (len(n) >= 4 and (n in s or s in n)) for s in sites)

    # Take site-name parts off either end only, so separators inside the headline stay.
    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[end - 1]):
        end -= 1
    while end - start > 1 and is_site(parts[start]):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    # Rebuild from the original string so the headline's own punctuation is kept.
    first, last = parts[start], parts[end - 1]
    begin = title.find(first)
    finish = title.rfind(last) + len(last)
    return title[begin:finish].strip() if begin >= 0 and finish > begin else title


def _choose_title(candidates: list[str | None], headings: list[str], outlet: str | None, url: str | None) -> str | None:
    """The first candidate that is also the page's visible headline (``<h1>``), else the first one.

    JSON-LD and OpenGraph titles are sometimes SEO variants of the headline readers see.
    """
    cleaned = []
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            text = _SPACE.sub(" ", html_lib.unescape(candidate)).strip()
            cleaned.append(strip_site_name(text, outlet, url))
    if not cleaned:
        return None
    visible = {_norm(h) for h in headings if h}
    for title in cleaned:
        if _norm(title) in visible:
            return title
    return cleaned[0]


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
MIN_ARTICLE_WORDS = 20
"""A page whose extracted text is shorter than this (or than 4x this many characters without spaces)
holds no article ("Move along.")."""


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Bytes of a page to text: UTF-8 when valid, else the declared charset, else a guess.

    Declarations lie (a GBK page labelled UTF-8, Latin-1 without a label), so a declared
    charset is only used when the bytes decode cleanly with it.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = []
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        declared.append(m.group(1))
    if m2 := _META_CHARSET.search(data[:8192]):
        declared.append(m2.group(1).decode("ascii", "ignore"))
    for name in declared:
        name = {"gb2312": "gb18030", "gbk": "gb18030", "iso-8859-1": "cp1252", "latin-1": "cp1252"}.get(name.lower(), name)
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("cp1252", "replace")


# --- the extraction -------------------------------------------------------------------------


def extract_page(data: bytes | str, *, url: str | None = None, content_type: str | None = None) -> PageExtraction | None:
    """Body and metadata of one page, or None when the page holds no article text.

    Raises `TypeError` for anything but bytes or str (as trafilatura's ``load_html``).
    """
    if not isinstance(data, bytes | str):
        raise TypeError(f"expected bytes or str, got {type(data).__name__}")
    if isinstance(data, bytes):
        data = decode_html(data, content_type)
    from trafilatura.utils import load_html  # imported on first use: most ingests read no HTML

    tree = load_html(data)
    if tree is None:
        return None
    nodes = _json_ld(tree)
    node = _article_node(nodes) or {}
    canonical = (tree.xpath('//link[@rel="canonical"]/@href') or [None])[0]
    page_url = url or canonical or _meta(tree, "og:url")
    outlet = _meta(tree, "og:site_name", "application-name", "publisher")
    if not outlet:
        publisher = node.get("publisher")
        names = _name_of(publisher) if publisher else []
        outlet = names[0] if names else None

    # Metadata first: trafilatura prunes the tree it is given.
    ld_title = node.get("headline") if isinstance(node.get("headline"), str) else None
    meta_title = _meta(tree, "og:title", "twitter:title")
    ld_date = parse_datetime(node.get("datePublished") if isinstance(node.get("datePublished"), str) else None)
    meta_date = parse_datetime(_meta(tree, "article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate", "date"))
    ld_authors = _name_of(node.get("author")) if node else []
    meta_authors = [a for a in tree.xpath('//meta[@name="author" or @property="article:author" or @name="sailthru.author" or @name="parsely-author" or @name="dc.creator"]/@content') if a and not a.startswith("http")]
    html_lang = (tree.xpath("/html/@lang") or [None])[0]
    headings = [_SPACE.sub(" ", h.text_content()).strip() for h in tree.xpath("//h1")[:5]]

    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            tree,
            url=page_url,
            favor_precision=True,
            include_comments=False,
            with_metadata=True,
        )
    except Exception as exc:  # trafilatura raises assorted errors on hostile markup
        logger.debug("trafilatura failed on %s: %s", url, exc)
        doc = None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    # Chinese or Japanese text has no spaces between words, so count characters too.
    if len(text.split()) < MIN_ARTICLE_WORDS and len("".join(text.split())) < 4 * MIN_ARTICLE_WORDS:
        return None

    outlet = outlet or getattr(doc, "sitename", None) or None
    title = _choose_title([ld_title, meta_title, getattr(doc, "title", None)], headings, outlet, page_url)

    authors = _clean_authors(ld_authors, outlet) or _clean_authors(meta_authors, outlet)
    if not authors and (doc_author := getattr(doc, "author", None)):
        authors = _clean_authors(_AUTHOR_SPLIT.split(doc_author), outlet)

    published = ld_date or meta_date
    if published is None:
        try:
            from htmldate import find_date

            found = find_date(data, original_date=True, extensive_search=True, url=page_url, outputformat="%Y-%m-%dT%H:%M:%S")
        except Exception:  # htmldate, like trafilatura, can fail on odd pages
            found = None
        published = parse_datetime(found)

    return PageExtraction(
        text=text,
        title=title,
        authors=authors,
        published=published,
        url=page_url,
        outlet=outlet,
        language=(getattr(doc, "language", None) or (html_lang.split("-")[0].lower() if html_lang else None)),
        description=getattr(doc, "description", None),
    )
