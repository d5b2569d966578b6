"""The brief's outputs: JSON against the documented schema, Markdown and terminal views, escaping."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
from rich.console import Console

from storyline.consolidate.schema import brief_json_schema
from storyline.models import Brief
from storyline.serve.render import brief_to_json, brief_to_markdown, print_brief
from tests.conftest import ROOT


def test_export_validates_against_the_documented_schema(seed_story):
    brief = seed_story.brief("001")
    documented = json.loads((ROOT / "docs" / "brief-schema.json").read_text(encoding="utf-8"))
    assert documented["properties"]["schema_version"]["const"] == Brief.__dataclass_fields__["schema_version"].default
    exported = json.loads(brief_to_json(brief))
    jsonschema.validate(exported, documented)
    jsonschema.validate(exported, brief_json_schema())
    broken = {**exported, "claims": [{"id": "c1"}]}
    try:
        jsonschema.validate(broken, documented)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("a claim without spans passed the schema")


def test_markdown_and_terminal_show_quotes_speakers_roles_and_discrepancies(seed_story):
    brief = seed_story.brief("001")
    markdown = brief_to_markdown(brief)
    assert "## Discrepancies" in markdown and "U.S. Senator" in markdown
    assert "**Volodymyr Zelenskyy**: “We need real, reliable solutions" in markdown
    assert "Secretary of State" in markdown
    console = Console(record=True, width=200)
    print_brief(brief, console)
    text = console.export_text()
    assert "Volodymyr Zelenskyy: “We need real, reliable solutions" in text
    assert "U.S. Senator" in text and "former President" in text or "U.S. Senator" in text
    assert "Andrii Yermak" in text


def test_article_text_is_never_markup(seed_story):
    brief = seed_story.brief("001")
    hostile = "[bold red]boom[/] <script>alert(1)</script> *x* [link](http://e.vil)"
    group = dataclasses.replace(brief.quote_groups[0], text=hostile, speaker="[blink]Eve[/blink]")
    evil = dataclasses.replace(brief, title=hostile, quote_groups=[group])
    console = Console(record=True, width=300)
    print_brief(evil, console)
    shown = console.export_text()
    assert "[bold red]boom[/]" in shown and "[blink]Eve[/blink]" in shown
    markdown = brief_to_markdown(evil)
    assert "<script>" not in markdown and "\\[link\\](http://e.vil)" in markdown
