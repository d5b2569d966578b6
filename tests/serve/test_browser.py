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

    cite = page.locator("#summary a.cite").first
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
    closed.locator("summary").click()
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
