"""Every page and API response of one store, as one JSON file, to compare two versions of the code.

    python scripts/snapshot_web.py STORE.db OUT.json [--build SEEDS_DIR]

The store is copied first (pages build and cache briefs), so
two runs over one store see the same data. Run it once per checkout and ``cmp`` the outputs:
a refactor that changes nothing a reader sees leaves them byte-identical.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient

from storyline import Storyline
from storyline.serve.web import create_app


def paths(client: TestClient) -> list[str]:
    """Every page of the store: lists in each sort, each story, article, entity, some searches."""
    out = ["/", "/api/openapi.json", "/alerts", "/api/alerts?include_seen=true", "/stories.atom", "/api/articles?limit=200"]
    for sort in ("size", "first_seen", "last_seen", "title"):
        for order in ("asc", "desc"):
            out += [f"/?sort={sort}&order={order}", f"/api/stories?sort={sort}&order={order}"]
    out += ["/api/stories?sort=updated_at", "/?limit=1&offset=1", "/api/stories?limit=1", "/?q=Ukraine", "/api/stories?q=a"]
    stories = client.get("/api/stories", params={"limit": 200}).json()["stories"]
    for story in stories:
        out += [f"/stories/{story['id']}", f"/api/stories/{story['id']}"]
        outlets = story.get("outlets") or []
        if outlets:
            out += [f"/?outlet={quote(outlets[0])}", f"/api/stories?outlet={quote(outlets[0])}"]
    names: set[str] = set()
    for row in client.get("/api/articles", params={"limit": 200}).json()["articles"]:
        out += [f"/articles/{row['id']}", f"/api/articles/{row['id']}", f"/articles/{row['id'][:12]}?hl=0-40"]
        detail = client.get(f"/api/articles/{row['id']}").json()
        names.update(e["name"] for e in detail["enriched"]["entities"])
    for name in sorted(names):
        out += [f"/entities/{quote(name, safe='')}", f"/api/entities/{quote(name, safe='')}"]
    for q in ("Ukraine", "said", "Rubio", "peace talks", "bake", "zzzznothing", '"unbalanced'):
        for kind in ("all", "articles", "quotes", "entities"):
            out += [f"/search?q={quote(q)}&kind={kind}", f"/api/search?q={quote(q)}&kind={kind}&limit=3"]
    out += ["/stories/nosuch", "/api/stories/nosuch", "/articles/nosuch", "/api/articles/nosuch", "/entities/Nobody", "/api/entities/Nobody"]
    out += ["/api/search", "/api/stories?limit=0", "/search?q=", "/api/alerts"]
    return out


def snapshot(db: Path) -> dict[str, object]:
    # One fixed path: error pages name the store.
    copy = Path(tempfile.gettempdir()) / "storyline-snapshot" / "store.db"
    copy.parent.mkdir(exist_ok=True)
    for stale in copy.parent.glob("store.db*"):
        stale.unlink()
    shutil.copy(db, copy)
    with TestClient(create_app(copy)) as client:
        result: dict[str, object] = {}
        for path in paths(client):
            response = client.get(path)
            result[path] = {"status": response.status_code, "type": response.headers.get("content-type"), "body": response.text}
        return result


def main(argv: list[str]) -> None:
    db, out = Path(argv[0]), Path(argv[1])
    if "--build" in argv:
        with Storyline(db) as sl:
            sl.ingest([argv[argv.index("--build") + 1]])
            sl.add_to_watchlist("Rubio")
    out.write_text(json.dumps(snapshot(db), indent=1, sort_keys=True), encoding="utf-8")
    print(f"{out}: {len(json.loads(out.read_text()))} responses")


if __name__ == "__main__":
    main(sys.argv[1:])
