"""A story's outlets are counted from each article's own metadata, everywhere they are shown."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from storyline.serve.render import outlet_summary


def test_outlet_summary_counts_distinct_outlets_and_articles_without_one() -> None:
    assert outlet_summary(["Matzav.com", None, None, None, None]) == "5 articles from 1 outlet: Matzav.com (1); 4 with no outlet named"
    assert outlet_summary(["AP", "AP"]) == "2 articles from AP"
    assert outlet_summary(["AP", "Reuters", "AP"]) == "3 articles from 2 outlets: AP (2), Reuters (1)"
    assert outlet_summary([None]) == "1 article, no outlet named"


def _seed_story(client: TestClient) -> dict:
    stories = client.get("/api/stories").json()["stories"]
    return max(stories, key=lambda s: s["size"])


def test_no_page_credits_the_whole_seed_story_to_one_outlet(client: TestClient) -> None:
    # Only seed 001 names its outlet ({Matzav.com}); the other four name none.
    story = _seed_story(client)
    assert story["outlets"] == ["Matzav.com"] and story["unnamed_outlet_articles"] == story["size"] - 1
    wrong = re.compile(rf"{story['size']} articles from Matzav\.com")
    page = client.get(f"/stories/{story['id']}").text
    assert "from 1 outlet: Matzav.com (1);" in page and not wrong.search(page)
    index = client.get("/").text  # the list names one source per rewrite family: outlet, else site, else title
    assert "Matzav.com" in index and not wrong.search(index)
    atom = client.get("/stories.atom").text
    assert "from 1 outlet: Matzav.com (1)" in atom and not wrong.search(atom)


def test_story_page_lists_what_only_one_outlet_carries_compactly(client: TestClient) -> None:
    story = _seed_story(client)
    brief = client.get(f"/api/stories/{story['id']}").json()
    assert brief["exclusives"] and all(ex["items"] for ex in brief["exclusives"])
    page = client.get(f"/stories/{story['id']}").text
    section = page[page.index('id="only-one"') : page.index("</section>", page.index('id="only-one"'))]
    # Counts per outlet, a few items shown, the rest behind a fold; all of them in the JSON.
    assert section.count('<article class="only">') == len(brief["exclusives"])
    assert "more</summary>" in section
    assert "What only one outlet reports" in page and "carries" not in "".join(d["subject"] for d in brief["discrepancies"])
