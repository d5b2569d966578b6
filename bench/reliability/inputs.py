"""Fuzz inputs: real files from ``../shared/data`` mutated at random, and hand-made hostile cases.

Every input is rebuilt from its index alone (``make_input(i, seed)``), so a failure found by a
worker process can be reproduced with ``python -m bench reliability --only-fuzz --replay I``.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.common import DATA

PASSWD_MARKER = "root:x:0:0"
"""A line of ``/etc/passwd``: seen in an article, an XXE entity was resolved."""


@dataclass
class FuzzInput:
    index: int
    kind: str
    """Which reader it aims at and how it was made: ``html/mutated``, ``hostile/billion_laughs``..."""
    suffix: str
    data: bytes


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" and data[:2] == b"\x1f\x8b" and "warc" not in path.name and "arc" not in path.name else data


@cache
def real_files() -> dict[str, list[tuple[str, bytes]]]:
    """(suffix, bytes) of the real files per reader: HTML pages, feeds, archives, JSONL lines, texts."""
    # The smaller half of the dev pages: trafilatura's cost grows with the page, and the fuzz is
    # about structure and bytes, not size (the hostile cases cover huge pages).
    pages = sorted((DATA / "article_extraction_zyte" / "html").glob("*.html*")) + sorted((DATA / "fundus_news_pages" / "html").rglob("*.html*"))
    html = sorted(pages, key=lambda p: (p.stat().st_size, p.name))[: len(pages) // 2]
    feeds = [p for p in sorted((DATA / "rss_feeds").rglob("*")) if p.is_file() and p.suffix in {".xml", ".rss", ".atom", ".html"}]
    warcs = [p for p in sorted((DATA / "warc_samples").rglob("*")) if p.is_file() and p.name != "README.md"]
    seeds = sorted((DATA / "seeds").glob("*.txt"))
    lines = []
    with open(DATA / "polnear" / "polnear.dev.jsonl", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n >= 40:
                break
            r = json.loads(line)
            lines.append(json.dumps({"id": r["filename"], "text": r["text"], "title": r["title"], "outlet": r["publisher"], "published": r["publication_date"]}))
    return {
        "html": [(".html", _read(p)) for p in html],
        "feed": [(p.suffix, p.read_bytes()) for p in feeds],
        "warc": [("".join(p.suffixes[-2:]) if p.name.endswith(".gz") else p.suffix, p.read_bytes()) for p in warcs],
        "text": [(".txt", p.read_bytes()) for p in seeds],
        "jsonl": [(".jsonl", "\n".join(lines[i : i + 4]).encode()) for i in range(0, len(lines), 4)],
    }


FAMILIES = ("text", "jsonl", "feed", "html", "warc")
FAMILY_WEIGHTS = (0.3, 0.25, 0.25, 0.1, 0.1)

INSERTS = [
    b"\x00",
    b"\x00" * 1000,
    b"<script>alert('x')</script>",
    b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc",
    b"&lol9;&xxe;&#0;&#xD800;&#1114112;&#99999999999;",
    b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b"]]><![CDATA[",
    b"\r\r\r\n\n\x0c\x0b\xe2\x80\xa8\xe2\x80\xa9",
    "\u202e\ufeff\u200b\U0001f600".encode(),
    b'"\\ud800"',
    b"<" * 500,
    b"x" * 100_000,
    b'<meta charset="utf-16">',
    b'<?xml version="1.0" encoding="shift_jis"?>',
    b"WARC/1.0\r\nContent-Length: 99999999999\r\n\r\n",
    b"\x1f\x8b\x08\x00",
    b'{"text": ',
]


def _mutate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    if not data:
        return "empty", data
    how = rng.choice(["flip", "truncate", "delete", "duplicate", "insert", "insert", "splice", "recode"])
    n = len(data)
    at = rng.randrange(n)
    if how == "flip":
        out = bytearray(data)
        for _ in range(rng.choice([1, 4, 32, 256])):
            out[rng.randrange(n)] = rng.randrange(256)
        return how, bytes(out)
    if how == "truncate":
        return how, data[:at]
    if how == "delete":
        return how, data[:at] + data[at + rng.randrange(1, max(2, n // 4)) :]
    if how == "duplicate":
        chunk = data[at : at + rng.randrange(1, 4096)]
        return how, data[:at] + chunk * rng.choice([2, 10, 100]) + data[at:]
    if how == "insert":
        return how, data[:at] + rng.choice(INSERTS) + data[at:]
    if how == "splice":
        other = rng.choice([d for files in real_files().values() for _, d in files])
        return how, data[:at] + other[rng.randrange(max(1, len(other))) :]
    # recode: the same text under another encoding than the one it declares
    encoding = rng.choice(["utf-16", "utf-16-le", "latin-1", "cp1252", "shift_jis", "utf-32"])
    return how, data.decode("utf-8", "replace").encode(encoding, "replace")


def _gzip(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    packed = gzip.compress(data, compresslevel=1)
    if rng.random() < 0.5:
        return "gzip-truncated", packed[: rng.randrange(len(packed))]
    return "gzip", packed


def make_input(index: int, seed: int) -> FuzzInput:
    """Input number ``index``: a hostile case for the first ``len(HOSTILE)``, then mutated real files."""
    if index < len(HOSTILE):
        name, suffix, build = HOSTILE[index]
        return FuzzInput(index, f"hostile/{name}", suffix, build())
    rng = random.Random(seed * 1_000_003 + index)
    files = real_files()
    # Weighted by cost: a page or an archive takes ten times as long as a text to read.
    family = rng.choices(FAMILIES, weights=FAMILY_WEIGHTS)[0]
    suffix, data = rng.choice(files[family])
    hows = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        how, data = _mutate(rng, data)
        hows.append(how)
    if rng.random() < 0.1 and family != "warc":
        how, data = _gzip(rng, data)
        hows.append(how)
        suffix += ".gz" if rng.random() < 0.5 else ""
    return FuzzInput(index, f"{family}/{'+'.join(hows)}", suffix, data)


# --- hand-made hostile cases -------------------------------------------------------------------

_LAUGHS = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
BILLION_LAUGHS = f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{_LAUGHS}]>'
XXE = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_QUADRATIC = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "a" * 50_000 + '">]>'
_WORDS = ("The minister said the talks in Geneva were productive and that more work lay ahead for both delegations. " * 8).strip()


def _rss(prelude: str, body: str) -> bytes:
    item = f"<item><title>{body}</title><link>http://example.com/a</link><description>{body}</description><content:encoded><![CDATA[<p>{_WORDS}</p><p>{body}</p>]]></content:encoded></item>"
    return f'{prelude}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{body}</title>{item}</channel></rss>'.encode()


def _html(head: str, body: str) -> bytes:
    return f"{head}<html><head><title>Hostile {body[:20]}</title></head><body><article><h1>Talks</h1><p>{_WORDS}</p><p>{body}</p></article></body></html>".encode()


def _warc(payload: bytes, length: str | None = None) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + payload
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/a\r\nWARC-Date: 2025-12-01T10:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789012>\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {length if length is not None else len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def _jsonl(*records: object) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()


def _gzip_bomb() -> bytes:
    return gzip.compress(b"\x00" * (200 * 1024 * 1024), compresslevel=9)


HOSTILE = [
    ("billion_laughs_rss", ".xml", lambda: _rss(BILLION_LAUGHS, "&lol9;")),
    ("billion_laughs_html", ".html", lambda: _html(BILLION_LAUGHS, "&lol9;")),
    ("quadratic_blowup_rss", ".xml", lambda: _rss(_QUADRATIC, "&a;" * 2000)),
    ("xxe_rss", ".xml", lambda: _rss(XXE, "&xxe;")),
    ("xxe_atom", ".atom", lambda: (XXE.replace("rss", "feed") + f'<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title><entry><title>&xxe;</title><content type="html">&lt;p&gt;{_WORDS}&lt;/p&gt;&amp;xxe;</content></entry></feed>').encode()),
    ("xxe_html", ".html", lambda: _html(XXE, "&xxe;")),
    ("xxe_in_warc", ".warc", lambda: _warc(_html(XXE, "&xxe;"))),
    ("xxe_parameter_entity", ".xml", lambda: _rss('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>', "x")),
    ("nul_bytes_text", ".txt", lambda: (_WORDS.replace(" ", "\x00 ", 20)).encode()),
    ("nul_bytes_only", ".txt", lambda: b"\x00" * 100_000),
    ("nul_bytes_jsonl", ".jsonl", lambda: _jsonl({"text": _WORDS + "\x00\x00", "title": "a\x00b"})),
    ("nul_bytes_html", ".html", lambda: _html("", "x\x00y" * 100)),
    ("huge_line_text", ".txt", lambda: ("word " * 1_500_000).encode()),
    ("huge_token_text", ".txt", lambda: b"A" * 8_000_000),
    ("huge_line_jsonl", ".jsonl", lambda: _jsonl({"text": "word " * 1_500_000})),
    ("huge_line_html", ".html", lambda: _html("", "word " * 1_000_000)),
    ("many_paragraphs_html", ".html", lambda: _html("", "</p><p>short line " * 50_000)),
    ("deep_nesting_html", ".html", lambda: _html("", "<div>" * 100_000 + _WORDS + "</div>" * 100_000)),
    ("deep_nesting_json", ".jsonl", lambda: _jsonl('{"text": "' + _WORDS + '", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")),
    ("lone_surrogate_json", ".jsonl", lambda: _jsonl('{"text": "' + _WORDS + ' \\ud800 end", "title": "\\udfff"}')),
    ("wrong_types_json", ".jsonl", lambda: _jsonl({"text": _WORDS, "title": {"a": 1}, "url": 5, "outlet": ["x"], "authors": [{"n": 1}], "language": 7}, {"text": 12}, {"text": _WORDS, "published": "9999-99-99"}, {"text": _WORDS, "published": 1e300}, {"text": _WORDS, "removed": "x"}, {"text": _WORDS, "metadata": [1]})),
    ("not_objects_json", ".jsonl", lambda: _jsonl("[1,2]", "null", '"text"', "1e999999", "NaN", '{"text": NaN}')),
    ("broken_utf8_text", ".txt", lambda: _WORDS.encode() + b"\xff\xfe\xc3\x28\xa0\xa1" * 1000 + _WORDS.encode()),
    ("utf16_no_bom", ".txt", lambda: _WORDS.encode("utf-16-le")),
    ("utf16_bom", ".txt", lambda: _WORDS.encode("utf-16")),
    ("utf32", ".txt", lambda: _WORDS.encode("utf-32")),
    ("declared_wrong_charset_html", ".html", lambda: _html('<meta charset="utf-16">', "é ü ß".encode("latin-1").decode("latin-1"))),
    ("unknown_charset_html", ".html", lambda: _html('<meta charset="x-no-such-charset">', "x")),
    ("unknown_charset_feed", ".xml", lambda: _rss('<?xml version="1.0" encoding="x-no-such"?>', "x")),
    ("mixed_encodings_text", ".txt", lambda: _WORDS.encode() + "é".encode("latin-1") + "é".encode() + "é".encode("utf-16")),
    ("bom_only", ".txt", lambda: b"\xef\xbb\xbf"),
    ("whitespace_only", ".txt", lambda: b" \n\t\r\n" * 1000),
    ("one_byte", ".txt", lambda: b"x"),
    ("random_binary_txt", ".txt", lambda: random.Random(1).randbytes(100_000)),
    ("png_as_html", ".html", lambda: b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(10_000)),
    ("truncated_gzip", ".html.gz", lambda: gzip.compress(_html("", "x"))[:-30]),
    ("gzip_of_gzip", ".txt.gz", lambda: gzip.compress(gzip.compress(_WORDS.encode()))),
    ("gzip_bomb", ".txt.gz", _gzip_bomb),
    ("gzip_garbage_after", ".txt.gz", lambda: gzip.compress(_WORDS.encode()) + b"\x1f\x8bgarbage"),
    ("warc_huge_length", ".warc", lambda: _warc(_html("", "x"), length="99999999999")),
    ("warc_negative_length", ".warc", lambda: _warc(_html("", "x"), length="-5")),
    ("warc_text_length", ".warc", lambda: _warc(_html("", "x"), length="many")),
    ("warc_truncated", ".warc", lambda: _warc(_html("", "x"))[:300]),
    ("warc_gz_truncated", ".warc.gz", lambda: gzip.compress(_warc(_html("", "x")))[:200]),
    ("arc_garbage", ".arc", lambda: b"filedesc://x 0.0.0.0 20250101000000 text/plain 99999\n" + b"\xff" * 1000),
    ("feed_many_entries", ".xml", lambda: _rss("", "x").replace(b"</channel>", b"<item><title>t</title><description>d</description></item>" * 20_000 + b"</channel>")),
    ("html_script_payload", ".html", lambda: _html("", "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>")),
    ("regex_bait_text", ".txt", lambda: ("Comments " + "-" * 50_000 + " Leave a Reply " + "a" * 50_000 + "\n" + _WORDS).encode()),
    ("many_short_lines_text", ".txt", lambda: ("Share on Facebook\n" * 100_000 + _WORDS).encode()),
    ("newline_soup_text", ".txt", lambda: ("\r" * 100_000 + _WORDS + "\u2028" * 100_000).encode()),
]
