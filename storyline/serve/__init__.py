"""Serve: the brief rendered for people (terminal, Markdown) and programs (JSON)."""

from storyline.serve.render import brief_to_json, brief_to_markdown, print_brief

__all__ = ["brief_to_json", "brief_to_markdown", "print_brief"]
