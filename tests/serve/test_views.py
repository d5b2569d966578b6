"""The web app through its test client: every page, its JSON twin, escaping and headers."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from storyline.cli import cli
from storyline.serve.web import svg, views
from storyline.serve.web.app import CONTENT_SECURITY_POLICY


class _Audit(HTMLParser):
    """Collects what a strict CSP would have to block: scripts, inline styles, event handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "iframe", "object", "embed", "img"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style" or (name in ("href", "src", "action") and (value or "").strip().lower().startswith(("javascript:", "data:"))):
                self.found.append(f"{tag}[{name}={value}]")


def _active_content(html: str) -> list[str]:
    audit = _Audit()
    audit.feed(html)
    return audit.found


def test_every_page_renders_with_a_strict_csp(client, seed_story_id: str, hostile_article_id: str) -> None:
    article = client.get(f"/api/stories/{seed_story_id}").json()["articles"][0]["id"]
    pages = ("/", f"/stories/{seed_story_id}", f"/articles/{article}", f"/articles/{hostile_article_id}", "/entities/Marco%20Rubio", "/search?q=Witkoff", "/search?q=bake", "/search")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        csp = response.headers["content-security-policy"]
        assert csp == CONTENT_SECURITY_POLICY
        assert "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert _active_content(response.text) == [], path
    assert client.get("/static/app.css").headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_story_list_filters_sorts_and_paginates(client, seed_story_id: str) -> None:
    everything = client.get("/api/stories").json()
    total = everything["total"]
    assert total >= 2 and everything["stories"][0]["id"] == seed_story_id
    assert 1 <= client.get("/api/stories", params={"q": "rubio"}).json()["total"] < total
    assert client.get("/api/stories", params={"q": "no such title"}).json()["total"] == 0
    by_size = client.get("/api/stories", params={"sort": "size", "order": "asc"}).json()["stories"]
    assert [s["size"] for s in by_size] == sorted(s["size"] for s in by_size)
    first = client.get("/api/stories", params={"limit": 1}).json()
    assert len(first["stories"]) == 1 and first["next_url"]
    second = client.get(first["next_url"]).json()
    assert second["stories"][0]["id"] != first["stories"][0]["id"] and second["offset"] == 1
    html = client.get("/", params={"sort": "title", "order": "asc"}).text
    assert "▲" in html and f"{total} stories" in html
    outlets = everything["outlets"]
    if outlets:
        filtered = client.get("/api/stories", params={"outlet": outlets[0]}).json()
        assert filtered["total"] >= 1 and all(outlets[0] in s["outlets"] for s in filtered["stories"])


def test_story_page_shows_the_brief(client, seed_story_id: str) -> None:
    brief = client.get(f"/api/stories/{seed_story_id}").json()
    html = client.get(f"/stories/{seed_story_id}").text
    for sentence in brief["summary"]:
        span = sentence["span"]
        if span["field"] == "title":  # a headline links to the article's top: no highlight in its text
            assert f'href="/articles/{span["article_id"]}"' in html
            assert f"/articles/{span['article_id']}?hl={span['start']}-{span['end']}#hl" not in html
        else:
            assert f"/articles/{span['article_id']}?hl={span['start']}-{span['end']}#hl" in html
    assert 'id="quotes"' in html and 'class="speaker"' in html
    assert '<table class="matrix">' in html
    for section in ("summary", "discrepancies", "only-one", "quotes", "matrix", "timeline", "graph", "entities", "articles"):
        assert f'<section id="{section}">' in html
    # Disagreements (contradictions first) and what one outlet alone reports, each in its own section.
    disagreements = [d for d in brief["discrepancies"] if d["nature"] != "uncorroborated"]
    natures = re.findall(r'<details class="disc nature-(\w+) sev-(high|medium|low)"', html)
    assert len(natures) == len(disagreements) >= 1
    assert [n for n, _ in natures] == sorted((n for n, _ in natures), key=lambda n: n != "contradiction")
    assert len({n for n, _ in natures}) >= 2 and len({level for _, level in natures}) >= 2
    assert html.count('<article class="only">') == len(brief["exclusives"]) >= 1


def test_only_one_outlet_section_reads_the_brief_exclusives(app, seed_story_id: str) -> None:
    sl = app.state.pages.sl
    brief = sl.brief(seed_story_id)
    ctx = views.story_page(sl, seed_story_id)
    assert brief.exclusives and [o.outlet for o in ctx.only_one] == [g.outlet for g in brief.exclusives]
    for g in brief.exclusives:
        assert g.statements == sum(i.kind == "statement" for i in g.items) and g.quotes == sum(i.kind == "quote" for i in g.items)
        for item in g.items:
            assert sl.article(item.span.article_id).text[item.span.start : item.span.end] == item.span.text
    for o in ctx.only_one:
        assert len(o.shown) <= 3 and (o.folded == [] or len(o.shown) == 3)
    # The family with a named outlet goes by that name, not by an article's title.
    named = {a.outlet for a in brief.articles if a.outlet}
    assert named & {g.outlet for g in brief.exclusives}


def test_story_context_matches_the_brief(client, seed_story_id: str, app) -> None:
    sl = app.state.pages.sl
    ctx = views.story_page(sl, seed_story_id)
    brief = sl.brief(seed_story_id)
    assert [s.text for s in ctx.summary] == [s.span.text for s in brief.summary]
    assert len(ctx.articles) == len(brief.articles) >= 3
    # Every citation points at text that is really there.
    for line in ctx.summary:
        for cite in line.cites:
            marked = re.search(r"hl=(\d+)-(\d+)", cite.url)
            if marked is None:  # a headline's citation: the article's title, linked to its top
                assert cite.url == f"/articles/{cite.article_id}" and sl.article(cite.article_id).title == cite.text
                continue
            start, end = map(int, marked.groups())
            assert sl.article(cite.article_id).text[start:end] == cite.text
    quoted = [q for sp in ctx.speakers for q in sp.quotes]
    assert quoted and all(q.cites for q in quoted)
    rows = ctx.matrix_rows + ctx.single_source_rows
    assert rows and all(len(r.cells) == len(ctx.matrix_columns) for r in rows)
    assert all(len({c.article_id for cell in r.cells for c in cell}) >= 2 for r in ctx.matrix_rows)


def test_article_page_marks_sentences_quotes_and_entities(client, app, seed_story_id: str) -> None:
    sl = app.state.pages.sl
    article_id = sl.brief(seed_story_id).articles[1].id
    record = sl.enriched(article_id)
    html = client.get(f"/articles/{article_id}").text
    for sentence in record.sentences[:10]:
        assert f'id="s-{sentence.start}-{sentence.end}"' in html
    if record.quotes:
        assert 'class="q' in html
    assert 'class="e e-PERSON"' in html and 'href="/entities/Marco%20Rubio"' in html
    ctx = views.article_page(sl, article_id)
    assert "".join(p.text for b in ctx.blocks for p in b.pieces) == record.article.text
    detail = client.get(f"/api/articles/{article_id[:8]}").json()
    assert detail["enriched"]["article"]["id"] == article_id and detail["story_id"] == seed_story_id
    assert detail["enriched"]["embedding"] is None


def test_segment_handles_overlaps_and_bad_spans() -> None:
    text = "Rubio said: hello world."
    pieces = views.segment(
        text,
        {"sentence": [(0, 24, "s")], "quote": [(12, 23, "Rubio")], "entity": [(0, 5, "R"), (50, 60, "bad"), (9, 3, "bad")]},
    )
    assert "".join(text[a:b] for a, b, _ in pieces) == text
    assert [(text[a:b], m["entity"], m["quote"]) for a, b, m in pieces] == [
        ("Rubio", "R", None),
        (" said: ", None, None),
        ("hello world", None, "Rubio"),
        (".", None, None),
    ]


def test_hostile_article_is_escaped(client, hostile_article_id: str) -> None:
    html = client.get(f"/articles/{hostile_article_id}").text
    assert "&lt;script&gt;window.__pwned=&#39;title&#39;&lt;/script&gt;" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html.lower()
    assert "&lt;img src=x onerror=" in html
    assert views.safe_http_url("javascript:alert(1)") is None
    assert views.safe_http_url(" JAVASCRIPT:alert(1)") is None
    assert views.safe_http_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    search = client.get("/search", params={"q": "bake"}).text
    assert "<mark>" in search and "<script" not in search


def test_entity_page_gathers_roles_quotes_and_stories(client, seed_story_id: str) -> None:
    rubio = client.get("/api/entities/Marco%20Rubio").json()
    assert rubio["labels"] == ["PERSON"]
    assert seed_story_id in {s["id"] for s in rubio["stories"]}
    assert len(rubio["articles"]) == 5
    roles = {r["role"] for r in rubio["roles"]}
    assert any("Secretary of State" in r for r in roles)
    assert rubio["quotes"] and all(q["cites"] for q in rubio["quotes"])
    assert client.get("/api/entities/Nobody%20Atall").status_code == 404
    assert client.get("/entities/Nobody%20Atall").status_code == 404


def test_an_entity_named_with_a_slash_has_a_page(client, hostile_article_id: str) -> None:
    article = client.get(f"/articles/{hostile_article_id}").text
    assert 'href="/entities/AC%2FDC"' in article  # the link the page gives...
    band = client.get("/api/entities/AC%2FDC")  # ...leads to the entity, not past the route table
    assert band.status_code == 200 and band.json()["name"] == "AC/DC"
    assert hostile_article_id in {a["id"] for a in band.json()["articles"]}
    page = client.get("/entities/AC%2FDC")
    assert page.status_code == 200 and "AC/DC" in page.text


def test_search_finds_articles_quotes_and_entities(client) -> None:
    result = client.get("/api/search", params={"q": "Witkoff"}).json()
    sections = {s["kind"]: s for s in result["sections"]}
    assert sections["articles"]["total"] >= 4
    assert "Steve Witkoff" in [h["title"] for h in sections["entities"]["hits"]]
    assert "\x02Witkoff\x03" in sections["articles"]["hits"][0]["snippet"]
    quotes = client.get("/api/search", params={"q": "productive", "kind": "quotes"}).json()["sections"][0]
    assert quotes["total"] >= 1 and quotes["hits"][0]["title"] == "Marco Rubio"
    # Prefix search on the last word, punctuation and FTS syntax are harmless.
    assert client.get("/api/search", params={"q": "Witk"}).json()["sections"][0]["total"] >= 4
    for nasty in ('"', "AND OR NOT", "*", "Witkoff)", "NEAR(", "\x00"):
        assert client.get("/api/search", params={"q": nasty}).status_code == 200
    page1 = client.get("/api/search", params={"q": "Rubio", "kind": "articles", "limit": 2}).json()
    page2 = client.get(page1["next_url"]).json()
    assert {h["url"] for h in page1["sections"][0]["hits"]}.isdisjoint(h["url"] for h in page2["sections"][0]["hits"])


def test_unknown_ids_are_404(client) -> None:
    assert client.get("/stories/nope").status_code == 404
    assert client.get("/api/stories/nope").json()["detail"].startswith("no story")
    assert client.get("/articles/zzzz").status_code == 404


def test_timeline_clips_an_outlier_and_keeps_its_marks_apart() -> None:
    # The seed story's shape: one "earlier this year" date far before eleven dates in ten days.
    days = [date(2025, 1, 1)] + [date(2025, 11, d) for d in (24, 25, 29, 29, 30, 30)] + [date(2025, 12, d) for d in (1, 1, 1, 1, 4)]
    items = [svg.TimelineItem(when=d, label=str(i), url="/x", kind="event") for i, d in enumerate(days, start=1)]
    tl = svg.timeline(items)
    assert tl is not None
    clipped = [m for m in tl.marks if m.clipped]
    assert [m.date for m in clipped] == ["2025-01-01"] and tl.breaks
    inside = [m for m in tl.marks if not m.clipped]
    # The ten days take the whole axis, not its last few percent.
    assert min(m.x for m in inside) == tl.x0 and max(m.x for m in inside) == tl.x1
    for a in tl.marks:
        for b in tl.marks:
            if a is not b and a.y == b.y:
                assert abs(a.x - b.x) >= 2 * a.radius, (a, b)
    labels = [t.label for t in tl.ticks]
    assert "1 Jan 2025" in labels and "24 Nov 2025" in labels and "4 Dec 2025" in labels
    # Tick labels (about 6.4 px a character) never run past the picture's edges.
    for t in tl.ticks:
        half = len(t.label) * svg.CHAR_WIDTH / 2
        assert 0 <= t.x - half and t.x + half <= tl.width, t
    assert svg.timeline([]) is None


def test_when_label_writes_the_precision_known() -> None:
    from storyline.serve.web.views.timeline import when_label

    assert when_label(date(2025, 1, 1), date(2025, 12, 31), "year") == "2025"
    assert when_label(date(2025, 11, 1), date(2025, 11, 30), "month") == "Nov 2025"
    assert when_label(date(2025, 11, 24), date(2025, 11, 30), "week") == "week of 24 Nov 2025"
    assert when_label(date(2025, 11, 24), date(2025, 11, 30), "range") == "24–30 Nov 2025"
    assert when_label(date(2025, 12, 30), date(2026, 1, 2), "range") == "30 Dec 2025 – 2 Jan 2026"
    assert when_label(date(2025, 11, 24), None, None) == when_label(date(2025, 11, 24), None, "day") == "24 Nov 2025"


def test_derivation_graph_draws_an_arrow_from_source_to_rewrite() -> None:
    cols = [views.ArticleColumn(id=str(i), n=i, label=f"Outlet {i}", title=None, outlet=None, published=f"2025-01-0{i}", url=f"/articles/{i}") for i in (1, 2, 3)]
    rel = views.RelationView(kind="derivation", score=0.8, source=cols[2], target=cols[0], directed=True, reason="earlier", evidence=[])
    graph = svg.derivation_graph(cols, [rel])
    xs = {n.n: n.x for n in graph.nodes}
    assert xs[1] < xs[2] < xs[3]
    path = graph.edges[0].d
    assert path.startswith(f"M {xs[3]:.1f}") and path.split()[-2] == f"{xs[1]:.1f}"
    assert "[3] rewritten as [1]" in graph.edges[0].title


def test_serve_get_renders_one_page_without_a_server(runner, web_db, seed_story_id: str) -> None:
    result = runner.invoke(cli, ["--db", str(web_db), "serve", "--get", f"/stories/{seed_story_id}"])
    assert result.exit_code == 0, result.output
    assert "<h1>" in result.output and "Rubio" in result.output
    missing = runner.invoke(cli, ["--db", str(web_db), "serve", "--get", "/stories/nope"])
    assert missing.exit_code == 1 and "no story" in missing.output
    absent = runner.invoke(cli, ["--db", str(web_db.parent / "absent.db"), "serve"])
    assert absent.exit_code == 1 and "no such store" in absent.output


def test_story_list_helps_choose_from_the_last_built_brief(client, seed_story_id: str) -> None:
    brief = client.get(f"/api/stories/{seed_story_id}").json()  # builds and caches the brief
    row = next(s for s in client.get("/api/stories").json()["stories"] if s["id"] == seed_story_id)
    assert row["lede"] == brief["summary"][0]["span"]["text"]
    assert row["independent_sources"] == len(brief["families"]) < row["size"]
    assert row["disagreements"] == sum(d["nature"] != "uncorroborated" for d in brief["discrepancies"]) >= 1
    # One name per rewrite family; the rewrites fold under it.
    assert len(row["sources"]) == row["independent_sources"] and len(row["rewrites"]) == row["size"] - len(row["sources"])
    assert "Matzav.com" in row["sources"]
    html = client.get("/").text
    assert row["lede"][:60] in html and "independent sources" in html
    # Ids stay in links, never in the text a reader sees.
    assert re.sub(r'href="[^"]*"', "", html).count(seed_story_id) == 0


def test_quotes_carry_the_event_their_articles_report(app, seed_story_id: str) -> None:
    sl = app.state.pages.sl
    brief = sl.brief(seed_story_id)
    event_of = {aid: e.label for e in brief.events for aid in e.article_ids}
    assert event_of
    ctx = views.story_page(sl, seed_story_id)
    tagged = [q for sp in ctx.speakers for q in sp.quotes if q.events]
    assert tagged
    for sp in ctx.speakers:
        for q in sp.quotes:
            assert q.events == sorted({event_of[c.article_id] for c in q.cites if c.article_id in event_of})
