"""HTML pages (``.html``, ``.htm``, ``.html.gz`` or anything that sniffs as HTML): one article each."""

from __future__ import annotations

from storyline.errors import InputError
from storyline.ingest.html import MIN_ARTICLE_WORDS, PageExtraction, extract_page, looks_like_html
from storyline.ingest.identity import article_id
from storyline.ingest.registry import ReadResult, reader
from storyline.ingest.source import Source
from storyline.models import Article
from storyline.settings import Settings

_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".html.gz", ".htm.gz"}


def article_from_page(page: PageExtraction, *, source: str, url: str | None = None) -> Article:
    """The `Article` for an extracted page (furniture is removed later, for every reader alike)."""
    return Article(
        id=article_id(page.text),
        text=page.text,
        title=page.title,
        url=page.url or url,
        outlet=page.outlet,
        published=page.published,
        authors=page.authors,
        language=page.language,
        source=source,
        metadata={"description": page.description} if page.description else {},
    )


def read_page(data: bytes, name: str, *, url: str | None, source: str, content_type: str | None = None) -> Article:
    """Extract one page or raise `InputError` saying why not."""
    page = extract_page(data, url=url, content_type=content_type)
    if page is None:
        raise InputError(name, f"no article text found on the page (under {MIN_ARTICLE_WORDS} words of body text)")
    return article_from_page(page, source=source, url=url)


def _sniff(source: Source) -> bool:
    content_type = (source.content_type or "").lower()
    return source.suffix in _HTML_SUFFIXES or "html" in content_type or looks_like_html(source.head())


@reader("html", sniff=_sniff, priority=20)
def read_html(source: Source, settings: Settings) -> ReadResult:
    try:
        yield read_page(source.data, source.name, url=source.url, source=f"html:{source.name}", content_type=source.content_type)
    except InputError:
        if source.suffix in {".rss", ".atom", ".xml", ".rdf"} or "xml" in (source.content_type or ""):
            raise InputError(source.name, "not a feed: this is an HTML page, and it holds no article text") from None
        raise
