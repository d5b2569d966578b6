"""Render a `Brief` as terminal output, Markdown or JSON.

Article text is untrusted: the terminal view never passes it through Rich markup (only `Text`
objects, whose content is never parsed) and strips control characters and escape sequences
(`terminal_safe`, applied to every segment a `SafeTerminal` console writes), and the Markdown
view escapes HTML and Markdown syntax and links only http(s) URLs.
Every quoted piece of article text shown is a span's ``text``, so what is shown is what
``verify_brief`` checked.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from storyline.models import Article, Brief, Discrepancy, EnrichedArticle, OutletExclusives

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!~])")
MAX_CLAIMS_SHOWN = 12
EXCLUSIVES_SHOWN = 3
"""Items shown per outlet in the "only one outlet carries" section; the JSON export keeps them all."""

# Escape sequences whole (so an OSC title's text goes too), then any control character left:
# C0 except tab and newline, DEL, and C1 (0x9b is a one-byte CSI on some terminals).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: cursor moves, erase, colours
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC up to their terminator
    r"|\x1b[ -/]*[0-~]?"  # two- and three-byte escapes (and a lone ESC)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # CSI in its C1 form
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str | None) -> str:
    """``text`` with no escape sequence or control character a terminal would act on (tabs and
    newlines stay): untrusted text must not retitle the window, clear the screen or move the cursor.

    >>> terminal_safe("Title\x1b]0;pwned\x07\x1b[2J here")
    'Title here'
    """
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text or ""))


class _Sanitised:
    """Renders ``inner`` and strips every text segment with `terminal_safe` (Rich's own styling
    and cursor control travel in separate segments and are kept)."""

    def __init__(self, inner: ConsoleRenderable) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.inner, options):
            yield segment if segment.control else Segment(terminal_safe(segment.text), segment.style)


class SafeTerminal(RenderHook):
    """A render hook: whatever the console prints (text, tables, briefs) is written through `terminal_safe`.

    Text and table cells are cleaned before layout too, so columns are measured on what is shown."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        for renderable in renderables:
            cells = [cell for column in renderable.columns for cell in column.cells] if isinstance(renderable, Table) else [renderable]
            for cell in cells:
                if isinstance(cell, Text) and terminal_safe(cell.plain) != cell.plain:
                    cell.plain = terminal_safe(cell.plain)  # styles on the removed characters' neighbours may shift
        return [r if isinstance(r, _Sanitised) else _Sanitised(r) for r in renderables]


def terminal_console(*, stderr: bool = False) -> Console:
    """A Rich console that strips control characters from everything it prints."""
    console = Console(stderr=stderr)
    console.push_render_hook(SafeTerminal())
    return console


def md_escape(text: str | None) -> str:
    """Escape Markdown and inline HTML so untrusted text renders as itself (also on one line)."""
    text = (text or "").replace("&", "&amp;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\s*\n\s*", " ", text)


def outlet_summary(outlets: Sequence[str | None]) -> str:
    """How many articles from how many distinct outlets, e.g. "5 articles from 1 outlet: Matzav.com (1);
    4 with no outlet named": an outlet is named only for the articles whose own metadata names it."""
    n = len(outlets)
    noun = "article" if n == 1 else "articles"
    counts = Counter(o for o in outlets if o)
    unnamed = n - sum(counts.values())
    if not counts:
        return f"{n} {noun}, no outlet named" if n else "no articles"
    if len(counts) == 1 and not unnamed:
        return f"{n} {noun} from {next(iter(counts))}"
    named = ", ".join(f"{o} ({c})" for o, c in sorted(counts.items(), key=lambda oc: (-oc[1], oc[0])))
    text = f"{n} {noun} from {len(counts)} outlet{'' if len(counts) == 1 else 's'}: {named}"
    return text + (f"; {unnamed} with no outlet named" if unnamed else "")


def outlet_column(outlets: Sequence[str], unnamed: int) -> str:
    """A story's distinct outlets for a list, with how many of its articles name none."""
    named = ", ".join(outlets)
    extra = f"{unnamed} with no outlet named" if unnamed else ""
    return "; ".join(x for x in (named, extra) if x) or "—"


def brief_to_json(brief: Brief) -> str:
    """The brief as JSON, in the shape documented by ``docs/brief-schema.json``."""
    return json.dumps(brief.as_dict(), ensure_ascii=False, indent=2)


def _article_labels(brief: Brief) -> dict[str, str]:
    return {ref.id: f"[{i}]" for i, ref in enumerate(brief.articles, start=1)}


def _cite(labels: dict[str, str], article_ids: Iterable[str]) -> str:
    return "".join(labels.get(a, f"[{a}]") for a in dict.fromkeys(article_ids))


def _sources(n: int) -> str:
    return f"{n} independent source" + ("" if n == 1 else "s")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def exclusives_counts(ex: OutletExclusives) -> str:
    """"10 statements and 15 quotes no other outlet reporting the same event carries"."""
    counts = " and ".join(_plural(n, what) for n, what in ((ex.statements, "statement"), (ex.quotes, "quote")) if n)
    return f"{counts} no other outlet reporting the same event carries"


# --- Markdown -----------------------------------------------------------------------------------


def brief_to_markdown(brief: Brief) -> str:
    labels = _article_labels(brief)
    out = [f"# {md_escape(brief.title or brief.story_id)}", ""]
    out.append(
        f"Story `{brief.story_id}`: {md_escape(outlet_summary([a.outlet for a in brief.articles]))}; "
        f"{_sources(len(brief.families) or len(brief.articles))} (brief schema {brief.schema_version})."
    )
    if brief.linked_story_ids:
        out.append(f"Linked stories: {', '.join(f'`{s}`' for s in brief.linked_story_ids)}.")
    out.append("")
    if brief.events:
        out += ["## Events covered", ""]
        for ev in brief.events:
            when = f", {ev.date.isoformat()}" if ev.date else ""
            out.append(f"- {md_escape(ev.label)}{when}: {_cite(labels, ev.article_ids)}")
        out.append("")
    out += ["## Summary", ""]
    for sent in brief.summary:
        cites = _cite(labels, [sent.span.article_id, *(s.article_id for s in sent.supporting)])
        out.append(f"- {md_escape(sent.span.text)} {cites} ({_sources(sent.independent_sources)})")
    if brief.discrepancies:
        out += ["", "## Discrepancies", ""]
        for d in brief.discrepancies:
            out.append(f"- **{md_escape(d.subject)}** ({_kind(d)}, severity {d.severity:.2f}): {md_escape(d.description)}")
            for i, side in enumerate(d.sides):
                mark = " — better supported" if d.better_supported == i else ""
                quoted = "; ".join(f"“{md_escape(s.text)}” {labels.get(s.article_id, s.article_id)}" for s in side.spans)
                out.append(f"  - {md_escape(side.value)}: {quoted} ({_sources(side.independent_sources)}){mark}")
    if brief.exclusives:
        out += ["", "## Only one outlet carries", ""]
        for ex in brief.exclusives:
            out.append(f"- **{md_escape(ex.outlet)}** {_cite(labels, ex.article_ids)}: {exclusives_counts(ex)}; the most important:")
            for item in ex.items[:EXCLUSIVES_SHOWN]:
                out.append(f"  - {item.kind}: “{md_escape(item.span.text)}” {labels.get(item.span.article_id, item.span.article_id)}")
    if brief.quote_groups:
        out += ["", "## Quotes", ""]
        for g in brief.quote_groups:
            speaker = md_escape(g.speaker or "unattributed")
            out.append(f"- **{speaker}**: “{md_escape(g.text)}” {_cite(labels, g.article_ids)} ({g.variation}, {_sources(g.independent_sources)})")
            for occ in g.occurrences:
                if occ.differences:
                    out.append(f"  - {labels.get(occ.span.article_id, '')} “{md_escape(occ.span.text)}”: {md_escape('; '.join(occ.differences))}")
    multi = [c for c in brief.claims if len(c.article_ids) > 1][:MAX_CLAIMS_SHOWN]
    if multi:
        out += ["", "## Claims carried by several articles", ""]
        for c in multi:
            out.append(f"- {md_escape(c.text)} {_cite(labels, c.article_ids)} ({_sources(c.independent_sources)})")
    if brief.timeline:
        out += ["", "## Timeline", ""]
        for entry in brief.timeline:
            when = entry.date.isoformat() if entry.date else "undated"
            exprs = ", ".join(f"“{md_escape(t.span.text)}” → {t.resolved.isoformat() if t.resolved else 'unresolved'}" for t in entry.expressions)
            dated = f"; dated from {_cite(labels, entry.dated_from)}, which report the same event" if entry.dated_from else ""
            out.append(f"- {when}: {md_escape(entry.text)} {_cite(labels, entry.article_ids)} ({exprs}{dated})")
    out += ["", "## Entities", ""]
    for ent in brief.entities:
        variants = f" (also {md_escape(', '.join(ent.variants))})" if ent.variants else ""
        out.append(f"- **{md_escape(ent.name)}** — {ent.label}{variants}, in {len(ent.article_ids)} articles")
        for role in ent.roles:
            out.append(f"  - {md_escape(role.role)} {labels.get(role.article_id, role.article_id)}")
    out += ["", "## Articles", ""]
    for ref in brief.articles:
        date = ref.published.date().isoformat() if ref.published else "undated"
        family = next((f for f in brief.families if ref.id in f and len(f) > 1), None)
        same = f"; same rewrite family as {_cite(labels, [a for a in family if a != ref.id])}" if family else ""
        out.append(
            f"{labels[ref.id]} {md_escape(ref.title or '(untitled)')} — {md_escape(ref.outlet or 'unknown outlet')}, {date}, `{ref.id}`{same}"
            + _md_link(ref.url)
        )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _md_link(url: str | None) -> str:
    """`` <URL>`` (an autolink) for an http(s) URL; any other scheme (``javascript:``, ``data:``)
    is written as escaped text that no Markdown renderer links."""
    if not url:
        return ""
    url = url.strip()
    if _HTTP_URL.match(url):
        # Inside an autolink backslash escapes do not apply: percent-encode what would end it.
        return f" <{quote(url, safe=_URL_SAFE)}>"
    return f" (link not shown: {md_escape(url)})"


_HTTP_URL = re.compile(r"(?i)^https?://[^\s<>]+$")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


# --- terminal -----------------------------------------------------------------------------------


def _heading(console: Console, title: str) -> None:
    console.print()
    console.print(Text(title, style="bold underline"))


def print_brief(brief: Brief, console: Console) -> None:
    """Print the brief; its text is untrusted, so it goes through `SafeTerminal` on any console."""
    console.push_render_hook(SafeTerminal())
    try:
        _print_brief(brief, console)
    finally:
        console.pop_render_hook()


def _print_brief(brief: Brief, console: Console) -> None:
    labels = _article_labels(brief)
    console.print(Text(brief.title or brief.story_id, style="bold"))
    outlets = outlet_summary([a.outlet for a in brief.articles])
    console.print(Text(f"story {brief.story_id} · {outlets} · {_sources(len(brief.families) or len(brief.articles))}", style="dim"))
    if brief.linked_story_ids:
        console.print(Text("linked stories: " + ", ".join(brief.linked_story_ids), style="dim"))
    if brief.events:
        _heading(console, "Events covered")
        for ev in brief.events:
            line = Text("• ")
            line.append(ev.label + (f", {ev.date.isoformat()}" if ev.date else ""))
            line.append(" " + _cite(labels, ev.article_ids), style="cyan")
            console.print(line)
    _heading(console, "Summary")
    for sent in brief.summary:
        line = Text("• ")
        line.append(sent.span.text)
        line.append(" " + _cite(labels, [sent.span.article_id, *(s.article_id for s in sent.supporting)]), style="cyan")
        line.append(f" ({_sources(sent.independent_sources)})", style="dim")
        console.print(line)
    if brief.discrepancies:
        _heading(console, "Discrepancies")
        for d in brief.discrepancies:
            line = Text("! ", style="bold red")
            line.append(d.subject, style="bold")
            line.append(f" ({_kind(d)}, severity {d.severity:.2f}) ", style="dim")
            line.append(d.description)
            console.print(line)
            for i, side in enumerate(d.sides):
                row = Text("    ")
                row.append(side.value, style="bold green" if d.better_supported == i else "bold")
                row.append(": ")
                for k, span in enumerate(side.spans):
                    row.append(("; " if k else "") + f"“{span.text}” ")
                    row.append(labels.get(span.article_id, span.article_id), style="cyan")
                row.append(f" ({_sources(side.independent_sources)})", style="dim")
                console.print(row)
    if brief.exclusives:
        _heading(console, "Only one outlet carries")
        for ex in brief.exclusives:
            heading = Text(ex.outlet, style="bold")
            heading.append(" " + _cite(labels, ex.article_ids), style="cyan")
            heading.append(f": {exclusives_counts(ex)}")
            console.print(heading)
            for item in ex.items[:EXCLUSIVES_SHOWN]:
                line = Text(f"    {item.kind}: “{item.span.text}” ")
                line.append(labels.get(item.span.article_id, item.span.article_id), style="cyan")
                console.print(line)
    if brief.quote_groups:
        _heading(console, "Quotes")
        for g in brief.quote_groups:
            line = Text(f"{g.speaker or 'unattributed'}: ", style="bold")
            line.append(f"“{g.text}”")
            line.append(" " + _cite(labels, g.article_ids), style="cyan")
            if len(g.article_ids) > 1:
                line.append(f" ({g.variation}, {_sources(g.independent_sources)})", style="dim")
            console.print(line)
            for occ in g.occurrences:
                if occ.differences:
                    console.print(Text(f"    {labels.get(occ.span.article_id, '')} " + "; ".join(occ.differences), style="dim"))
    multi = [c for c in brief.claims if len(c.article_ids) > 1][:MAX_CLAIMS_SHOWN]
    if multi:
        _heading(console, "Claims carried by several articles")
        for c in multi:
            line = Text("• ")
            line.append(c.text)
            line.append(" " + _cite(labels, c.article_ids), style="cyan")
            line.append(f" ({_sources(c.independent_sources)})", style="dim")
            console.print(line)
    if brief.timeline:
        _heading(console, "Timeline")
        for entry in brief.timeline:
            line = Text((entry.date.isoformat() if entry.date else "undated") + "  ", style="bold")
            line.append(entry.text)
            line.append(" " + _cite(labels, entry.article_ids), style="cyan")
            exprs = ", ".join(f"“{t.span.text}” → {t.resolved.isoformat() if t.resolved else 'unresolved'}" for t in entry.expressions)
            dated = f"; dated from {_cite(labels, entry.dated_from)}, which report the same event" if entry.dated_from else ""
            line.append(f" ({exprs}{dated})", style="dim")
            console.print(line)
    console.print()
    entities = Table(title="Entities", title_justify="left", show_edge=False)
    for column in ("name", "type", "articles", "mentions", "also written", "roles"):
        entities.add_column(column)
    for ent in brief.entities:
        roles = "; ".join(f"{r.role} {labels.get(r.article_id, '')}" for r in ent.roles)
        entities.add_row(Text(ent.name), ent.label, str(len(ent.article_ids)), str(ent.mentions), Text(", ".join(ent.variants)), Text(roles))
    console.print(entities)
    console.print()
    articles = Table(title="Articles", title_justify="left", show_edge=False)
    for column in ("", "title", "outlet", "published", "id"):
        articles.add_column(column)
    for ref in brief.articles:
        articles.add_row(
            labels[ref.id],
            Text(ref.title or "(untitled)"),
            Text(ref.outlet or ""),
            ref.published.date().isoformat() if ref.published else "",
            ref.id,
        )
    console.print(articles)


def fitted_table(headers: Sequence[str], rows: Sequence[Sequence[str | Text]], *, flexible: dict[str, int], width: int) -> Table:
    """A one-line-per-row table ``width`` columns wide at most: every column keeps its content's
    width except the ``flexible`` ones, which share the rest by their ratios and end in "…"."""
    natural = [max([len(header), *(len(str(row[i])) for row in rows)]) for i, header in enumerate(headers)]
    fixed = sum(n for h, n in zip(headers, natural, strict=True) if h not in flexible)
    # Each column has one space of padding either side and a rule between columns (show_edge=False).
    room = max(0, width - fixed - 3 * len(headers) + 1)
    total = sum(flexible.values())
    widths = dict(zip(headers, natural, strict=True))
    for header, ratio in flexible.items():
        widths[header] = max(min(len(header), 6), min(widths[header], room * ratio // total))
    # What a short flexible column does not need goes to the others.
    spare = room - sum(widths[h] for h in flexible)
    for header in flexible:
        need = natural[headers.index(header)] - widths[header]
        if spare > 0 and need > 0:
            widths[header] += min(need, spare)
            spare -= min(need, spare)
    table = Table(show_edge=False)
    for header in headers:
        table.add_column(header, no_wrap=True, overflow="ellipsis", width=widths[header], justify="right" if header in ("size", "words") else "left")
    for row in rows:
        table.add_row(*row)
    return table


def article_to_jsonl(article: Article, story_id: str | None = None, enriched: EnrichedArticle | None = None) -> str:
    """One article as a JSON line: every stored field, its story, and optionally its enrichment."""
    record = article.as_dict() | {"story_id": story_id}
    if enriched is not None:
        record["enrichment"] = {key: value for key, value in enriched.as_dict().items() if key != "article"}
    return json.dumps(record, ensure_ascii=False)


def _kind(d: Discrepancy) -> str:
    """"number, precision"; a kind that names its nature once."""
    return d.kind if d.nature == d.kind else f"{d.kind}, {d.nature}"
