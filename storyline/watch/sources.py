"""What the watcher follows: feed URLs (conditional GET), local files and folders (changed files
only), and OPML lists of feeds. Each source polls into inputs for `Storyline.read_changes` and
the state to keep once they are stored.
"""

from __future__ import annotations

import glob
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import lxml.etree

from storyline.errors import InputError
from storyline.ingest import Source
from storyline.ingest.fetch import fetch, is_url
from storyline.settings import Settings
from storyline.watch.polite import Politeness

__all__ = ["FeedSource", "PathSource", "Poll", "WatchedSource", "expand_sources", "read_opml"]


@dataclass
class Poll:
    """One source's poll: what to read (nothing when unchanged) and the state to save after it is stored."""

    inputs: list[str | Source]
    state: dict[str, Any]
    status: int | None = None
    """HTTP status of the feed request (304: unchanged), None for local files."""


class WatchedSource(Protocol):
    name: str
    kind: str

    def poll(self, state: dict[str, Any]) -> Poll: ...


@dataclass
class FeedSource:
    """An RSS/Atom feed URL, fetched with ``If-None-Match``/``If-Modified-Since`` when the
    server gave validators, and compared by content hash when it did not."""

    name: str
    settings: Settings
    client: httpx.Client
    polite: Politeness
    kind: str = "feed"

    def poll(self, state: dict[str, Any]) -> Poll:
        self.polite.check_robots(self.name, self.settings, self.client)
        headers: dict[str, str] = {}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        self.polite.wait(urlsplit(self.name).netloc)
        got = fetch(self.name, self.settings, client=self.client, headers=headers)
        keep: dict[str, Any] = {k: state[k] for k in ("etag", "last_modified", "sha256") if k in state}
        if got.status == 304:
            return Poll([], keep, status=304)
        digest = hashlib.sha256(got.data).hexdigest()
        new_state = {"etag": got.etag, "last_modified": got.last_modified, "sha256": digest}
        new_state = {k: v for k, v in new_state.items() if v}
        if digest == state.get("sha256"):  # a server without validators sent the same bytes
            return Poll([], new_state, status=got.status)
        source = Source(name=self.name, url=got.url, _data=got.data, content_type=got.content_type, max_bytes=self.settings.max_file_bytes)
        return Poll([source], new_state, status=got.status)


@dataclass
class PathSource:
    """A file, folder (read recursively: a WARC drop, a folder of pages) or glob; only files that
    are new or changed (size or modification time) since the last poll are read."""

    name: str
    kind: str = "path"

    def poll(self, state: dict[str, Any]) -> Poll:
        path = Path(self.name)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files = [path]
        elif glob.has_magic(self.name):
            files = sorted(Path(p) for p in glob.glob(self.name, recursive=True) if Path(p).is_file())
        else:
            raise InputError(self.name, "no such file, folder or pattern")
        seen: dict[str, list[int]] = dict(state.get("files") or {})
        changed: list[str | Source] = []
        now: dict[str, list[int]] = {}
        for file in files:
            try:
                info = file.stat()
            except OSError:
                continue  # removed between listing and stat: the next poll will tell
            mark = [info.st_mtime_ns, info.st_size]
            now[str(file)] = mark
            if seen.get(str(file)) != mark:
                changed.append(str(file))
        return Poll(changed, {"files": now})


def read_opml(path: Path) -> list[str]:
    """The feed URLs (``xmlUrl``) an OPML file lists, in order, without repeats."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.parse(str(path), parser).getroot()
    except (OSError, lxml.etree.XMLSyntaxError) as exc:
        raise InputError(str(path), f"not a readable OPML file ({exc})") from None
    urls: list[str] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in urls:
            urls.append(url)
    return urls


def _is_opml(path: Path) -> bool:
    if path.suffix.lower() == ".opml":
        return True
    try:
        with path.open("rb") as fh:
            return b"<opml" in fh.read(2048).lower()
    except OSError:
        return False


def expand_sources(
    names: list[str], settings: Settings, client: httpx.Client, polite: Politeness
) -> tuple[list[WatchedSource], list[InputError]]:
    """Sources for what the user named; an OPML file stands for the feeds it lists."""
    sources: list[WatchedSource] = []
    errors: list[InputError] = []
    seen: set[str] = set()

    def add(source: WatchedSource) -> None:
        if source.name not in seen:
            seen.add(source.name)
            sources.append(source)

    for name in names:
        if is_url(name):
            add(FeedSource(name, settings, client, polite))
        elif Path(name).is_file() and _is_opml(Path(name)):
            try:
                for url in read_opml(Path(name)):
                    if is_url(url):
                        add(FeedSource(url, settings, client, polite))
            except InputError as exc:
                errors.append(exc)
        else:
            add(PathSource(name))
    return sources, errors
