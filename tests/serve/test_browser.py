"""End to end in a real headless Chromium: what an analyst does on the seed story."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import expect


def test_follow_a_summary_citation_to_the_source_sentence(page, seed_story_id: str, output_dir: Path) -> None:
    page.goto("/")
    page.locator(f"a.story-link[href='/stories/{seed_story_id}']").click()
    expect(page.locator("h1")).to_contain_text("Rubio")
    expect(page.locator("#summary li").first).to_be_visible()
    page.screenshot(path=str(output_dir / "story.png"), full_page=False)
    if os.environ.get("STORYLINE_SCREENSHOT"):  # refresh the README's picture: STORYLINE_SCREENSHOT=docs/screenshot-story.png
        page.screenshot(path=os.environ["STORYLINE_SCREENSHOT"])

    # A headline's citation opens the article at its top, where the title is the heading.
    headline = page.locator("#summary a.cite:not([href*='hl='])").first
    cited_title = headline.get_attribute("title").split(": ", 1)[1]
    headline.click()
    expect(page).to_have_url(re.compile(r"/articles/[0-9a-f]+$"))
    expect(page.locator("h1")).to_have_text(cited_title)
    page.go_back()

    cite = page.locator("#summary a.cite[href*='hl=']").first
    cited = cite.get_attribute("title").split(": ", 1)[1]  # "<outlet>: <sentence>"
    cite.click()
    expect(page).to_have_url(re.compile(r"/articles/[0-9a-f]+\?hl=\d+-\d+#hl$"))
    marked = page.locator(".text .hl")
    expect(marked.first).to_be_in_viewport()
    assert "".join(marked.all_inner_texts()) == cited
    # The sentence anchor exists too, so a citation can point at /articles/ID#s-START-END.
    start, end = re.search(r"hl=(\d+)-(\d+)", page.url).groups()
    expect(page.locator(f"#s-{start}-{end}")).to_have_text(cited)
    page.screenshot(path=str(output_dir / "cited-sentence.png"))


def test_open_a_speakers_quotes(page, seed_story_id: str) -> None:
    page.goto(f"/stories/{seed_story_id}#quotes")
    speakers = page.locator("details.speaker")
    assert speakers.count() >= 2
    closed = speakers.nth(1)
    expect(closed.locator("blockquote").first).to_be_hidden()
    name = closed.locator("summary strong").inner_text()
    closed.locator(":scope > summary").click()
    expect(closed.locator("blockquote").first).to_be_visible()
    closed.get_by_role("link", name=re.compile(f"All about {re.escape(name)}")).click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("#quotes blockquote").first).to_be_visible()
    # A quote on the entity page links to the quote in its article.
    page.locator("#quotes a.cite").first.click()
    expect(page.locator(".text .hl").first).to_be_in_viewport()


def test_search_witkoff(page, output_dir: Path) -> None:
    page.goto("/")
    page.get_by_role("searchbox", name="Search").fill("Witkoff")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=Witkoff"))
    articles = page.locator("#results-articles li.hit")
    assert articles.count() >= 4
    expect(articles.first.locator("mark").first).to_have_text(re.compile("Witkoff", re.I))
    page.screenshot(path=str(output_dir / "search.png"))
    page.locator("#results-entities a", has_text="Steve Witkoff").click()
    expect(page.locator("h1")).to_have_text("Steve Witkoff")
    expect(page.locator("#roles td").first).to_be_visible()


def test_hostile_article_renders_as_inert_text(page, hostile_article_id: str, client) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    story_id = client.get(f"/api/articles/{hostile_article_id}").json()["story_id"]
    for path in (f"/articles/{hostile_article_id}", f"/stories/{story_id}", "/search?q=bake", "/"):
        page.goto(path)
        # Hover and click everything an attacker might have planted.
        for link in [a for a in page.locator("main a").all() if a.is_visible()][:20]:
            link.hover()
        assert page.evaluate("() => window.__pwned") is None, path
        assert page.locator("script").count() == 0, path
        assert page.locator("img, svg[onload], b[onmouseover]").count() == 0, path
        assert page.locator("a[href^='javascript' i]").count() == 0, path
    page.goto(f"/articles/{hostile_article_id}")
    expect(page.locator("h1")).to_contain_text("<script>window.__pwned='title'</script>")
    expect(page.locator(".text")).to_contain_text("<img src=x onerror=")
    expect(page.locator(".meta .url-text")).to_have_text("javascript:window.__pwned='url'")
    assert dialogs == []


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _pages(client, seed_story_id: str) -> dict[str, str]:
    article = client.get(f"/api/stories/{seed_story_id}").json()["articles"][0]["id"]
    return {
        "story list": "/",
        "story": f"/stories/{seed_story_id}",
        "article": f"/articles/{article}",
        "entity": "/entities/Marco%20Rubio",
        "search": "/search?q=Witkoff",
    }


def _too_wide(page) -> list[str]:
    """The elements that stick out past the viewport's right edge (none on a page that fits)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 0.5
                         && !e.closest('.scroll'))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className)"""
    )


def test_no_page_scrolls_sideways_on_a_phone_or_a_desktop(browser, live_server: str, client, seed_story_id: str) -> None:
    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server)
        page = context.new_page()
        for name, path in _pages(client, seed_story_id).items():
            page.goto(path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= viewport["width"], (name, viewport, width, _too_wide(page))
        context.close()


def test_story_page_reads_top_down_with_a_text_timeline(browser, live_server: str, client, seed_story_id: str) -> None:
    brief = client.get(f"/api/stories/{seed_story_id}").json()
    for viewport, shot in ((DESKTOP, "screenshot-story.png"), (PHONE, "screenshot-story-phone.png")):
        context = browser.new_context(viewport=viewport, base_url=live_server)
        page = context.new_page()
        page.goto(f"/stories/{seed_story_id}")
        order = page.evaluate("() => [...document.querySelectorAll('main section[id]')].map(s => s.id)")
        assert order == ["summary", "discrepancies", "only-one", "quotes", "matrix", "timeline", "graph", "entities", "articles"]
        for section in order:
            expect(page.locator(f"#{section} h2")).to_be_visible()
        # The timeline's dated entries are text a reader can select, at the precision known.
        dated = [e for e in brief["timeline"] if e["date"]]
        entries = page.locator("#timeline ol.timeline-list li.entry-event")
        assert entries.count() == len(dated) >= 5
        assert all(re.fullmatch(r"\d{4}|\w{3} \d{4}|week of .+|\d{1,2}\D.*\d{4}", t) for t in entries.locator("time").all_inner_texts())
        days = [t.get_attribute("datetime") for t in page.locator("#timeline time").all()]
        assert days == sorted(days)
        texts = entries.locator(".what > a").all_inner_texts()
        assert sorted(texts) == sorted(e["text"] for e in dated)
        if viewport is DESKTOP:
            height = page.evaluate("() => document.documentElement.scrollHeight")
            assert height < 6000, height
            expect(page.locator("svg.timeline")).to_be_visible()
        else:
            # On a phone the claims x outlets matrix gives way to a list with outlet chips.
            expect(page.locator("#matrix table.matrix").first).to_be_hidden()
            expect(page.locator("#matrix ul.coverage").first).to_be_visible()
        if os.environ.get("STORYLINE_SCREENSHOTS"):  # refresh docs/screenshot-story*.png
            page.screenshot(path=str(DOCS / shot), full_page=False)
        context.close()
