"""Render a `Brief` as terminal output, Markdown or JSON.

Article text is untrusted: the terminal view never passes it through Rich markup, and the
Markdown view escapes HTML and Markdown link syntax.
"""

from __future__ import annotations

import json
import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from storyline.models import Brief

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md_escape(text: str | None) -> str:
    """Escape Markdown and inline HTML so untrusted text renders as itself."""
    return _MD_SPECIAL.sub(r"\\\1", text or "").replace("&", "&amp;")


def brief_to_json(brief: Brief) -> str:
    return json.dumps(brief.as_dict(), ensure_ascii=False, indent=2)


def _article_labels(brief: Brief) -> dict[str, str]:
    return {ref.id: f"[{i}]" for i, ref in enumerate(brief.articles, start=1)}


def brief_to_markdown(brief: Brief) -> str:
    labels = _article_labels(brief)
    lines = [f"# {md_escape(brief.title or brief.story_id)}", "", f"Story `{brief.story_id}`, {len(brief.articles)} articles.", ""]
    lines += ["## Summary", ""]
    for sent in brief.summary:
        cites = " ".join(labels.get(aid, aid) for aid in [sent.span.article_id, *(s.article_id for s in sent.supporting)])
        lines.append(f"- {md_escape(sent.span.text)} {md_escape(cites)} ({sent.independent_sources} independent)")
    if brief.quote_groups:
        lines += ["", "## Quotes", ""]
        for group in brief.quote_groups:
            speaker = group.get("speaker") or "unattributed"
            lines.append(f"- **{md_escape(speaker)}**: “{md_escape(group.get('text', ''))}” {md_escape(' '.join(labels.get(a, a) for a in group.get('article_ids', [])))}")
    lines += ["", "## Entities", ""]
    for ent in brief.entities:
        roles = sorted({r["role"] for r in ent.roles})
        role_text = f" ({md_escape('; '.join(roles))})" if roles else ""
        lines.append(f"- {md_escape(ent.name)} — {ent.label}{role_text}, in {len(ent.article_ids)} articles")
    lines += ["", "## Articles", ""]
    for ref in brief.articles:
        date = ref.published.date().isoformat() if ref.published else "undated"
        lines.append(f"{labels[ref.id]} {md_escape(ref.title or '(untitled)')} — {md_escape(ref.outlet or 'unknown outlet')}, {date}, `{ref.id}`" + (f" <{md_escape(ref.url)}>" if ref.url else ""))
    return "\n".join(lines) + "\n"


def print_brief(brief: Brief, console: Console) -> None:
    labels = _article_labels(brief)
    console.print(Text(brief.title or brief.story_id, style="bold"))
    console.print(Text(f"story {brief.story_id} · {len(brief.articles)} articles", style="dim"))
    console.print()
    console.print(Text("Summary", style="bold underline"))
    for sent in brief.summary:
        cites = " ".join(labels.get(aid, aid) for aid in [sent.span.article_id, *(s.article_id for s in sent.supporting)])
        line = Text("• ")
        line.append(sent.span.text)
        line.append(f" {cites}", style="cyan")
        console.print(line)
    if brief.quote_groups:
        console.print()
        console.print(Text("Quotes", style="bold underline"))
        for group in brief.quote_groups:
            line = Text(f"{group.get('speaker') or 'unattributed'}: ", style="bold")
            line.append(f"“{group.get('text', '')}”", style="")
            line.append(" " + " ".join(labels.get(a, a) for a in group.get("article_ids", [])), style="cyan")
            console.print(line)
    console.print()
    entities = Table(title="Entities", title_justify="left", show_edge=False)
    for column in ("name", "type", "articles", "mentions", "roles"):
        entities.add_column(column)
    for ent in brief.entities:
        roles = "; ".join(sorted({r["role"] for r in ent.roles}))
        entities.add_row(Text(ent.name), ent.label, str(len(ent.article_ids)), str(ent.mentions), Text(roles))
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
