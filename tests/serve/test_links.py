"""Every link of the demo store's pages leads somewhere: a walk from the story list over every
internal link (pages, their JSON twins, citations, entities) expects no 404 and no error."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "action") and value:
                self.hrefs.append(value)


def _internal_links(path: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urldefrag(urljoin(path, href)).url
        parts = urlsplit(url)
        if not parts.scheme and not parts.netloc and url.startswith("/"):
            found.append(url)
    return found


def test_every_internal_link_of_the_demo_store_answers_200(client, seed_story_id: str) -> None:
    seen: dict[str, int] = {}
    linked_from: dict[str, str] = {}
    queue = ["/", "/search?q=Witkoff", "/search?q=Rubio&kind=entities"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path, follow_redirects=True)
        seen[path] = response.status_code
        if response.status_code == 200 and response.headers["content-type"].startswith("text/html"):
            for link in _internal_links(path, response.text):
                if link not in seen and not link.startswith("/search?q="):
                    linked_from.setdefault(link, path)
                    queue.append(link)
    broken = {path: (status, linked_from.get(path)) for path, status in seen.items() if status != 200}
    assert broken == {}
    # The walk reached every kind of page (the check above would pass on a page with no links).
    assert f"/stories/{seed_story_id}" in seen
    assert any(p.startswith("/articles/") and "hl=" in p for p in seen)
    assert sum(p.startswith("/entities/") for p in seen) >= 20


def test_entity_variants_and_typed_names_resolve(client) -> None:
    # "Rubio" is a listed variant of "Marco Rubio"; a brief writes "Shell Bay Club (FAC)" to tell
    # the place from the organisation, which no article writes.
    rubio = client.get("/api/entities/Rubio").json()
    assert rubio["name"] == "Marco Rubio" and rubio["roles"]
    assert client.get("/entities/Rubio").status_code == 200
    assert client.get("/api/entities/Shell%20Bay%20Club%20%28FAC%29").json()["name"] == "Shell Bay Club"
    assert client.get("/entities/Nobody%20At%20All").status_code == 404


def test_entity_page_numbers_articles_as_the_story_page_does(client, seed_story_id: str) -> None:
    brief = client.get(f"/api/stories/{seed_story_id}").json()
    number = {a["id"]: n for n, a in enumerate(brief["articles"], start=1)}
    entity = client.get("/api/entities/Marco%20Rubio").json()
    assert entity["roles"]
    for role in entity["roles"]:
        for cite in role["cites"]:
            assert cite["n"] == number[cite["article_id"]]
            assert not cite["label"].startswith("Article ") or not any(
                a["outlet"] for a in brief["articles"] if a["id"] == cite["article_id"]
            )
    named = {a["outlet"] for a in brief["articles"] if a["outlet"]}
    assert named <= {r["outlet"] for r in entity["roles"]}
